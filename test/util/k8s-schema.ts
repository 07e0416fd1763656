/**
 * Schema validation of the Kubernetes objects this library synthesizes.
 *
 * Two sources of schemas:
 * - **Registry packages** (always there after `npm ci`): Gateway API objects are validated
 *   against the models of `@kubernetes-models/gateway-api` (0.5.1 models Gateway API v1.0.0;
 *   the standard versions v1 and v1beta1 are used), core objects (Namespace, ServiceAccount,
 *   Job, RBAC, ...) against the official Kubernetes OpenAPI schema compiled into
 *   `kubernetes-models` (4.5.x: Kubernetes v1.33.0; only GA API versions count). That
 *   Kubernetes schema leaves objects open, so unknown fields of core objects (other than in
 *   metadata) are not detected.
 * - **Reference CRDs** (upstream CustomResourceDefinitions kept as data outside the
 *   repository, `../shared/reference/crds` beside the clone, or `LATTICE_CRDS_DIR`): Gateway
 *   API v1.5.1 exactly (with list-map keys), the AWS Gateway API Controller, ExternalDNS and
 *   Kyverno. No registry package carries the last three. When the folder is present it is
 *   used for every custom resource. When it is missing, objects of those API groups get
 *   their metadata checked only; with `CI=true` a missing folder is an error (the run fails
 *   naming it), so CI never skips these checks silently.
 *
 * Anything else fails with "no schema for <apiVersion>/<kind>", so typos never pass.
 * Like `kubectl apply` (strict field validation), fields that a schema does not declare are
 * reported as unknown unless the schema preserves unknown fields.
 *
 * This module is the only place that knows where the reference data lives.
 */
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parseAllDocuments } from 'yaml';

/** CloudFormation type of the custom resource that applies manifests with kubectl. */
export const KUBERNETES_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';

/**
 * Text put in place of a CloudFormation token that sits inside a JSON string of a
 * manifest (e.g. `"name": "{Ref}-gw"`). It is a valid DNS label, so names stay valid.
 */
export const TOKEN_PLACEHOLDER = 'cfn-token';

/**
 * Value put in place of a CloudFormation token that stands for a whole JSON value
 * (e.g. `"replicas": {Ref}`). Its type is unknown, so no error is reported on it.
 */
export const RAW_TOKEN_PLACEHOLDER = 'cfn-raw-token';

/** One served version of a CustomResourceDefinition. */
export interface CrdSchema {
  /** `<group>/<version>` */
  readonly apiVersion: string;
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** Whether this is the storage version. */
  readonly storage: boolean;
  /** Whether the CRD marks this version deprecated. */
  readonly deprecated: boolean;
  /** File the CRD was read from. */
  readonly file: string;
  /** The version's `openAPIV3Schema`, as written in the CRD. */
  readonly schema: any;
}

/**
 * CRD schemas keyed by {@link crdKey}. `skippedGroups` lists API groups whose schemas are
 * reference data that was not found: objects of those groups get their metadata checked only.
 */
export type CrdSchemaIndex = ReadonlyMap<string, CrdSchema> & {
  readonly skippedGroups?: ReadonlySet<string>;
  /** Kinds ({@link crdKey}) whose schemas are reference data that was not found: metadata checks only. */
  readonly skippedKinds?: ReadonlySet<string>;
};

/**
 * Gateway API kinds the library writes at versions newer than the registry models (Gateway
 * API v1.0.0): GRPCRoute is v1 since v1.1, TLSRoute since v1.5. Only the reference CRDs (and
 * the Gateway API Go module) describe them.
 */
export const REFERENCE_ONLY_KINDS: readonly string[] = [
  'gateway.networking.k8s.io/v1/GRPCRoute',
  'gateway.networking.k8s.io/v1/TLSRoute',
];

/** An object found in a manifest of a synthesized template. */
export interface TemplateK8sObject {
  /** Logical ID of the `Custom::AWSCDK-EKS-KubernetesResource`. */
  readonly logicalId: string;
  /** Position of the object in the resource's manifest array. */
  readonly index: number;
  readonly object: any;
}

/** Key of a CRD schema in a {@link CrdSchemaIndex}. */
export function crdKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/** Environment variable that points at the reference CRD folder. */
export const CRDS_DIR_ENV = 'LATTICE_CRDS_DIR';

/**
 * API groups that only the reference CRDs describe (no registry package carries their
 * schemas), with what they belong to.
 */
export const REFERENCE_ONLY_GROUPS: ReadonlyMap<string, string> = new Map([
  ['application-networking.k8s.aws', 'AWS Gateway API Controller'],
  ['externaldns.k8s.io', 'ExternalDNS'],
  ['kyverno.io', 'Kyverno'],
  ['policies.kyverno.io', 'Kyverno'],
]);

/** Folder of the reference CRD YAML files: `LATTICE_CRDS_DIR`, else `<repo>/../shared/reference/crds`. */
export function defaultCrdsDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CRDS_DIR_ENV];
  if (override) return path.resolve(override);
  return path.resolve(__dirname, '..', '..', '..', 'shared', 'reference', 'crds');
}

/** Whether the run must have the reference CRDs: `CI=true` (or `1`). */
export function referenceCrdsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? '');
}

/** Whether `dir` is a folder (of reference CRDs). */
export function referenceCrdsPresent(dir: string = defaultCrdsDir()): boolean {
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory();
}

function missingFolderError(dir: string): Error {
  return new Error(
    `CRD schema folder not found: ${dir}. The reference CRDs are expected at <repo>/../shared/reference/crds ` +
    `(beside the repository clone); set ${CRDS_DIR_ENV} to point elsewhere.`,
  );
}

/**
 * What a test run says about the reference CRDs: undefined when they are present, one line
 * naming the missing folder and the skipped checks when they are absent on a developer's
 * clone. Throws (naming the folder) when they are absent and required (`CI=true`).
 */
export function referenceCrdsNotice(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = defaultCrdsDir(env);
  if (referenceCrdsPresent(dir)) return undefined;
  if (referenceCrdsRequired(env)) {
    throw new Error(`${missingFolderError(dir).message} CI=true requires them.`);
  }
  return `SKIPPED reference-data schema checks: ${dir} not found (set ${CRDS_DIR_ENV}; CI=true makes it required): ` +
    'no AWS Gateway API Controller, ExternalDNS or Kyverno CRD validation (metadata only) and no Gateway API v1.5.1 exactness ' +
    `(Gateway API objects are checked against ${GATEWAY_API_MODELS} ${gatewayApiModelsInfo().packageVersion}, Gateway API ${gatewayApiModelsInfo().gatewayApiVersion}).`;
}

function listYamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYamlFiles(full));
    else if (/\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/**
 * Parses every CustomResourceDefinition YAML file under `dir` (recursively) and indexes the
 * `openAPIV3Schema` of each served version by `apiVersion` and `kind`.
 * Throws when the folder is missing or holds no CRD.
 */
export function loadCrdSchemas(dir: string = defaultCrdsDir()): Map<string, CrdSchema> {
  if (!referenceCrdsPresent(dir)) throw missingFolderError(dir);
  const index = new Map<string, CrdSchema>();
  for (const file of listYamlFiles(dir)) {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf-8'));
    for (const doc of Array.isArray(docs) ? docs : []) {
      if (doc.errors.length > 0) {
        throw new Error(`Cannot parse ${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      }
      const crd: any = doc.toJS({ maxAliasCount: -1 });
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      const { group, names, scope, versions } = crd.spec ?? {};
      for (const v of versions ?? []) {
        const schema = v.schema?.openAPIV3Schema;
        if (!v.served || !schema) continue;
        const apiVersion = `${group}/${v.name}`;
        const key = crdKey(apiVersion, names.kind);
        const existing = index.get(key);
        if (existing) {
          throw new Error(`${key} is defined twice: in ${existing.file} and in ${file}`);
        }
        index.set(key, {
          apiVersion,
          kind: names.kind,
          group,
          version: v.name,
          plural: names.plural,
          scope,
          storage: !!v.storage,
          deprecated: !!v.deprecated,
          file,
          schema,
        });
      }
    }
  }
  if (index.size === 0) throw new Error(`No CustomResourceDefinition found under ${dir}`);
  return index;
}

// ---------------------------------------------------------------------------
// Gateway API from the registry (@kubernetes-models/gateway-api)
// ---------------------------------------------------------------------------

/** npm package whose models carry the Gateway API schemas. */
export const GATEWAY_API_MODELS = '@kubernetes-models/gateway-api';

/** Gateway API versions taken from the models: the standard channel's (no alpha versions). */
const GATEWAY_API_MODEL_VERSIONS = ['v1', 'v1beta1'];

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** Where the Gateway API models come from. */
export interface GatewayApiModelsInfo {
  /** Installed version of {@link GATEWAY_API_MODELS}. */
  readonly packageVersion: string;
  /** Newest Gateway API release the models were generated from (from the package's `crd-generate` inputs). */
  readonly gatewayApiVersion: string;
  /** Folder of the installed package. */
  readonly dir: string;
}

let modelsInfo: GatewayApiModelsInfo | undefined;

/** Version information of the installed Gateway API models. */
export function gatewayApiModelsInfo(): GatewayApiModelsInfo {
  if (modelsInfo) return modelsInfo;
  let main: string;
  try {
    main = require.resolve(GATEWAY_API_MODELS);
  } catch (e: any) {
    throw new Error(`${GATEWAY_API_MODELS} is not installed (dev dependency needed for Gateway API schemas): ${e.message}`);
  }
  const dir = path.dirname(main);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8'));
  const releases: string[] = (pkg['crd-generate']?.input ?? [])
    .map((url: string) => /\/download\/(v\d+\.\d+\.\d+)\//.exec(url)?.[1])
    .filter((v: string | undefined): v is string => !!v);
  const newest = releases.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).pop();
  if (!newest) throw new Error(`${GATEWAY_API_MODELS} ${pkg.version}: no Gateway API release found in its crd-generate inputs`);
  modelsInfo = { packageVersion: pkg.version, gatewayApiVersion: newest, dir };
  return modelsInfo;
}

/**
 * A copy of a model schema without `nullable`: the model generator marks every optional
 * field nullable, while the Gateway API CRDs have no nullable field (the API server rejects
 * null there).
 */
function withoutGeneratedNullable(node: any): any {
  if (Array.isArray(node)) return node.map(withoutGeneratedNullable);
  if (!isPlainObject(node)) return node;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable') continue;
    out[k] = k === 'properties' || k === 'patternProperties' ? mapValues(v, withoutGeneratedNullable) : withoutGeneratedNullable(v);
  }
  return out;
}

/** The symbol-keyed member of a model class prototype whose symbol has this description. */
function modelSymbolMember(cls: any, description: string): any {
  const sym = Object.getOwnPropertySymbols(cls.prototype).find((s) => s.description === description);
  return sym === undefined ? undefined : cls.prototype[sym];
}

/**
 * The JSON schema of each Gateway API model (standard versions), as CRD schemas. The models
 * keep their schema private and hand it to `@kubernetes-models/validate`'s `register` when
 * first used: it is read there. The models drop the CRDs' `x-kubernetes-*` extensions (no
 * list-map keys, no CEL rules); unknown fields are still detected.
 */
export function registryGatewayApiSchemas(): Map<string, CrdSchema> {
  const info = gatewayApiModelsInfo();
  const requireFromModels = createRequire(path.join(info.dir, 'index.js'));
  const validateModule = requireFromModels('@kubernetes-models/validate');
  const register = validateModule.register;
  const captured = new Map<string, any>();
  const index = new Map<string, CrdSchema>();
  validateModule.register = (id: string, schema: any) => {
    captured.set(id, schema);
    return register(id, schema);
  };
  try {
    for (const version of GATEWAY_API_MODEL_VERSIONS) {
      const apiVersion = `${GATEWAY_API_GROUP}/${version}`;
      const models = requireFromModels(`${GATEWAY_API_MODELS}/${apiVersion}`);
      for (const cls of Object.values<any>(models)) {
        if (typeof cls !== 'function' || cls.apiVersion !== apiVersion || typeof cls.kind !== 'string') continue;
        const schemaId = modelSymbolMember(cls, 'SCHEMA_ID');
        const addSchema = modelSymbolMember(cls, 'ADD_SCHEMA');
        if (typeof schemaId !== 'string' || typeof addSchema !== 'function') {
          throw new Error(`${GATEWAY_API_MODELS} ${info.packageVersion}: ${apiVersion}/${cls.kind} carries no schema`);
        }
        addSchema();
        const schema = captured.get(schemaId);
        if (!schema) throw new Error(`${GATEWAY_API_MODELS} ${info.packageVersion}: the schema of ${apiVersion}/${cls.kind} was not registered`);
        index.set(crdKey(apiVersion, cls.kind), {
          apiVersion,
          kind: cls.kind,
          group: GATEWAY_API_GROUP,
          version,
          plural: `${cls.kind.toLowerCase()}s`,
          // The models carry no scope; in Gateway API only GatewayClass is cluster-scoped.
          scope: cls.kind === 'GatewayClass' ? 'Cluster' : 'Namespaced',
          storage: version === 'v1',
          deprecated: false,
          file: `${GATEWAY_API_MODELS}@${info.packageVersion} (Gateway API ${info.gatewayApiVersion})`,
          schema: withoutGeneratedNullable(schema),
        });
      }
    }
  } finally {
    validateModule.register = register;
  }
  if (index.size === 0) throw new Error(`${GATEWAY_API_MODELS} ${info.packageVersion}: no Gateway API model found`);
  return index;
}

/**
 * The schema index used when the reference CRDs are missing: Gateway API from the registry
 * models; the reference-only groups and kinds are skipped (metadata checks only).
 */
export function registrySchemaIndex(): CrdSchemaIndex {
  const index = registryGatewayApiSchemas();
  return Object.assign(index, {
    skippedGroups: new Set(REFERENCE_ONLY_GROUPS.keys()),
    skippedKinds: new Set(REFERENCE_ONLY_KINDS.filter((key) => !index.has(key))),
  });
}

let defaultIndex: CrdSchemaIndex | undefined;

/**
 * The schemas of a test run, loaded once per test file: the reference CRDs when present
 * (required with `CI=true`), else {@link registrySchemaIndex}.
 */
export function defaultCrdSchemas(env: NodeJS.ProcessEnv = process.env): CrdSchemaIndex {
  if (defaultIndex && env === process.env) return defaultIndex;
  const dir = defaultCrdsDir(env);
  let index: CrdSchemaIndex;
  if (referenceCrdsPresent(dir)) {
    index = loadCrdSchemas(dir);
  } else if (referenceCrdsRequired(env)) {
    throw new Error(`${missingFolderError(dir).message} CI=true requires them.`);
  } else {
    index = registrySchemaIndex();
  }
  if (env === process.env) defaultIndex = index;
  return index;
}

// ---------------------------------------------------------------------------
// CRD structural schema -> Ajv schema
// ---------------------------------------------------------------------------

/** Formats the API server checks on custom resources, plus integer ranges. Others are ignored as it does. */
const CHECKED_FORMATS = new Set(['date-time', 'date', 'ipv4', 'ipv6', 'uri', 'email', 'hostname', 'uuid', 'byte', 'password', 'int32', 'int64']);

const VALUE_VALIDATION_COMBINATORS = ['allOf', 'anyOf', 'oneOf'];

function isPlainObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mapValues(obj: Record<string, any>, fn: (v: any) => any): Record<string, any> {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

/**
 * Converts a node of a Kubernetes structural schema to plain JSON schema.
 * `structural` is false under allOf/anyOf/oneOf/not, whose sub-schemas only add value
 * validations and so must not close objects to unknown fields.
 */
function toAjvSchema(node: any, structural: boolean): any {
  if (!isPlainObject(node)) return node;
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' || k === 'patternProperties') {
      out[k] = mapValues(v, (p) => toAjvSchema(p, structural));
    } else if (k === 'items') {
      out.items = Array.isArray(v) ? v.map((i) => toAjvSchema(i, structural)) : toAjvSchema(v, structural);
    } else if (k === 'additionalProperties') {
      out.additionalProperties = typeof v === 'boolean' ? v : toAjvSchema(v, structural);
    } else if (VALUE_VALIDATION_COMBINATORS.includes(k)) {
      out[k] = (v as any[]).map((s) => toAjvSchema(s, false));
    } else if (k === 'not') {
      out.not = toAjvSchema(v, false);
    } else if (k === 'format') {
      if (CHECKED_FORMATS.has(v)) out.format = v;
    } else if (k === 'x-kubernetes-list-map-keys') {
      if (node['x-kubernetes-list-type'] === 'map') out[k] = v;
    } else if (k === 'description' || k === 'example' || k === 'nullable' || k.startsWith('x-kubernetes-')) {
      // Annotations, CEL rules (x-kubernetes-validations: not evaluated) and the
      // extensions handled below.
    } else {
      out[k] = v;
    }
  }

  if (node['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;

  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    const intOrString = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
    if (out.anyOf) {
      out.allOf = [...(out.allOf ?? []), intOrString];
    } else {
      Object.assign(out, intOrString);
    }
  }

  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (node['x-kubernetes-int-or-string'] === true) out.anyOf = [...out.anyOf, { type: 'null' }];
  }

  if (structural && node['x-kubernetes-embedded-resource'] === true) {
    out.properties = {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      ...out.properties,
    };
  }

  const isObject = out.type === 'object' || (Array.isArray(out.type) && out.type.includes('object')) || out.properties !== undefined;
  if (structural && isObject && out.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    // The API server prunes unknown fields and kubectl's strict field validation rejects them.
    out.additionalProperties = false;
  }
  return out;
}

/** JSON schema used to validate objects of one CRD version. */
export function crdValidationSchema(crd: CrdSchema): any {
  const schema = toAjvSchema(crd.schema, true);
  // Every object may carry apiVersion, kind and metadata. ObjectMeta is checked separately
  // (see metadataErrors): CRDs only say `type: object` for it.
  schema.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, ...schema.properties, metadata: { type: 'object' } };
  return schema;
}

function newAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    // Patterns are Go (RE2) regular expressions; JavaScript's non-unicode mode accepts more of them.
    unicodeRegExp: false,
    validateSchema: false,
  });
  addFormats(ajv, ['date-time', 'date', 'ipv4', 'ipv6', 'uri', 'email', 'hostname', 'uuid', 'byte', 'password']);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n <= 2 ** 31 - 1 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) && Number.isSafeInteger(n) });
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    errors: true,
    validate: function listMapKeys(keys: string[], data: any[]): boolean {
      const seen = new Map<string, number>();
      const errors: Array<Partial<ErrorObject>> = [];
      data.forEach((item, i) => {
        if (!isPlainObject(item)) return;
        const id = JSON.stringify(keys.map((k) => item[k] ?? null));
        const first = seen.get(id);
        if (first === undefined) {
          seen.set(id, i);
        } else {
          errors.push({
            keyword: 'x-kubernetes-list-map-keys',
            message: `duplicate entry: items ${first} and ${i} have the same ${keys.join('/')} (${id})`,
            params: { keys },
          });
        }
      });
      (listMapKeys as any).errors = errors;
      return errors.length === 0;
    },
  });
  return ajv;
}

let ajvInstance: Ajv | undefined;
const compiledCrds = new WeakMap<CrdSchema, ValidateFunction>();

function crdValidator(crd: CrdSchema): ValidateFunction {
  let fn = compiledCrds.get(crd);
  if (!fn) {
    ajvInstance ??= newAjv();
    try {
      fn = ajvInstance.compile(crdValidationSchema(crd));
    } catch (e: any) {
      throw new Error(`Cannot compile the schema of ${crd.apiVersion}/${crd.kind} (${crd.file}): ${e.message}`);
    }
    compiledCrds.set(crd, fn);
  }
  return fn;
}

// ---------------------------------------------------------------------------
// Core Kubernetes objects (kubernetes-models)
// ---------------------------------------------------------------------------

const requireModel = createRequire(__filename);
const coreModels = new Map<string, any>();
let coreChecked = false;

function assertKubernetesModelsInstalled(): void {
  if (coreChecked) return;
  try {
    requireModel('kubernetes-models/v1/Namespace');
  } catch (e: any) {
    throw new Error(`kubernetes-models is not installed (dev dependency needed for core Kubernetes schemas): ${e.message}`);
  }
  coreChecked = true;
}

/**
 * The kubernetes-models class of a core kind, or undefined. Only GA versions (`v1`, `v2`...)
 * count: the package also carries beta APIs that current clusters no longer serve.
 */
function coreModel(apiVersion: string, kind: string): any | undefined {
  const key = crdKey(apiVersion, kind);
  if (coreModels.has(key)) return coreModels.get(key);
  let model: any;
  const m = /^(?:([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/)?(v\d+)$/.exec(apiVersion);
  if (m && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
    assertKubernetesModelsInstalled();
    try {
      const cls = requireModel(`kubernetes-models/${apiVersion}/${kind}`)[kind];
      if (typeof cls === 'function' && cls.apiVersion === apiVersion && cls.kind === kind) model = cls;
    } catch (e: any) {
      if (e.code !== 'MODULE_NOT_FOUND' && e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e;
    }
  }
  coreModels.set(key, model);
  return model;
}

function coreErrors(model: any, obj: any): ErrorObject[] {
  try {
    new model(obj).validate();
    return [];
  } catch (e: any) {
    if (Array.isArray(e.errors)) return e.errors;
    throw e;
  }
}

// ---------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);
const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);

function isDns1123Label(s: string): boolean {
  return s.length <= 63 && DNS1123_LABEL.test(s);
}

function isDns1123Subdomain(s: string): boolean {
  return s.length <= 253 && DNS1123_SUBDOMAIN.test(s);
}

/** The API server's name rule for a kind (most kinds: DNS-1123 subdomain). */
function nameProblem(apiVersion: string, kind: string, name: string): string | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === '' && kind === 'Namespace') {
    return isDns1123Label(name) ? undefined : 'must be a DNS-1123 label (lowercase alphanumerics and "-", at most 63 characters)';
  }
  if (group === '' && kind === 'Service') {
    return name.length <= 63 && DNS1035_LABEL.test(name) ? undefined : 'must be a DNS-1035 label (start with a letter; lowercase alphanumerics and "-", at most 63 characters)';
  }
  if (group === 'rbac.authorization.k8s.io' && RBAC_KINDS.has(kind)) {
    return name !== '.' && name !== '..' && name !== '' && !/[/%]/.test(name) ? undefined : 'must be a valid path segment (no "/" or "%", not "." or "..")';
  }
  if (!isDns1123Subdomain(name)) {
    return 'must be a DNS-1123 subdomain (lowercase alphanumerics, "-" and ".", at most 253 characters)';
  }
  if (group === 'batch' && kind === 'Job' && name.length > 63) return 'must be at most 63 characters (it becomes a label value)';
  if (group === 'batch' && kind === 'CronJob' && name.length > 52) return 'must be at most 52 characters';
  return undefined;
}

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) return 'has a prefix that is not a DNS-1123 subdomain';
  if (name.length > 63 || !QUALIFIED_NAME.test(name)) return 'has a name part that is not a qualified name (alphanumerics, "-", "_", ".", at most 63 characters)';
  return undefined;
}

function hasToken(v: unknown): boolean {
  return typeof v === 'string' && (v.includes(TOKEN_PLACEHOLDER) || v === RAW_TOKEN_PLACEHOLDER);
}

function stringMapErrors(field: string, map: unknown, checkValue?: (v: string) => string | undefined): string[] {
  if (map === undefined) return [];
  if (!isPlainObject(map)) return [`metadata.${field}: must be an object of strings`];
  const errors: string[] = [];
  for (const [k, v] of Object.entries(map)) {
    const keyProblem = hasToken(k) ? undefined : qualifiedNameProblem(k);
    if (keyProblem) errors.push(`metadata.${field}: key "${k}" ${keyProblem}`);
    if (typeof v !== 'string') {
      if (!hasToken(v)) errors.push(`metadata.${field}["${k}"]: must be string (got ${JSON.stringify(v)})`);
      continue;
    }
    const valueProblem = checkValue && !hasToken(v) ? checkValue(v) : undefined;
    if (valueProblem) errors.push(`metadata.${field}["${k}"]: ${valueProblem}`);
  }
  return errors;
}

function metadataErrors(apiVersion: string, kind: string, metadata: unknown): string[] {
  if (!isPlainObject(metadata)) return ['metadata: required object is missing'];
  const errors: string[] = [];
  for (const k of Object.keys(metadata)) {
    if (!OBJECT_META_FIELDS.has(k)) errors.push(`metadata.${k}: unknown field (not in ObjectMeta)`);
  }
  const { name, namespace } = metadata;
  if (name === undefined) {
    errors.push('metadata.name: required field missing (kubectl apply needs a name)');
  } else if (typeof name !== 'string') {
    errors.push(`metadata.name: must be string (got ${JSON.stringify(name)})`);
  } else if (!hasToken(name)) {
    const problem = nameProblem(apiVersion, kind, name);
    if (problem) errors.push(`metadata.name: "${name}" ${problem}`);
  }
  if (namespace !== undefined && !hasToken(namespace)) {
    if (typeof namespace !== 'string' || !isDns1123Label(namespace)) {
      errors.push(`metadata.namespace: ${JSON.stringify(namespace)} must be a DNS-1123 label (lowercase alphanumerics and "-", at most 63 characters)`);
    }
  }
  errors.push(...stringMapErrors('labels', metadata.labels, (v) =>
    v.length <= 63 && LABEL_VALUE.test(v) ? undefined : `"${v}" is not a valid label value (alphanumerics, "-", "_", ".", at most 63 characters)`));
  errors.push(...stringMapErrors('annotations', metadata.annotations));
  return errors;
}

// ---------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------

function pointerToPath(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function displayPath(segments: string[]): string {
  let out = '';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out || '(root)';
}

function valueAt(obj: any, segments: string[]): unknown {
  let cur = obj;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = cur[s];
  }
  return cur;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Errors on a value that stands for an unresolved token say nothing about the real value. */
const TOKEN_INSENSITIVE_KEYWORDS = new Set(['pattern', 'format', 'minLength', 'maxLength', 'enum', 'const']);

function formatAjvError(obj: any, err: ErrorObject): string | undefined {
  const segments = pointerToPath(err.instancePath);
  const value = valueAt(obj, segments);
  if (value === RAW_TOKEN_PLACEHOLDER) return undefined;
  if (hasToken(value) && TOKEN_INSENSITIVE_KEYWORDS.has(err.keyword)) return undefined;
  const at = displayPath(segments);
  const got = value === undefined ? '' : ` (got ${describeValue(value)})`;
  switch (err.keyword) {
    case 'required':
      return `${displayPath([...segments, err.params.missingProperty])}: required field missing`;
    case 'additionalProperties':
      return `${displayPath([...segments, err.params.additionalProperty])}: unknown field (not in schema)`;
    case 'enum':
      return `${at}: must be one of ${JSON.stringify(err.params.allowedValues)}${got}`;
    case 'type':
      return `${at}: must be ${err.params.type}${got}`;
    case 'x-kubernetes-list-map-keys':
      return `${at}: ${err.message}`;
    default:
      return `${at}: ${err.message}${got}`;
  }
}

function formatAjvErrors(obj: any, errors: ErrorObject[]): string[] {
  const out: string[] = [];
  for (const err of errors) {
    const msg = formatAjvError(obj, err);
    if (msg && !out.includes(msg)) out.push(msg);
  }
  return out;
}

/**
 * Validates one Kubernetes object against its CRD schema or the core Kubernetes schema.
 * Returns human-readable errors; an empty array means the object is valid.
 */
export function validateK8sObject(obj: any, crds: CrdSchemaIndex = defaultCrdSchemas()): string[] {
  if (!isPlainObject(obj)) return [`not an object: ${JSON.stringify(obj)}`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    return [`apiVersion and kind must be non-empty strings (got ${JSON.stringify(apiVersion)}/${JSON.stringify(kind)})`];
  }
  const errors = metadataErrors(apiVersion, kind, obj.metadata);

  const crd = crds.get(crdKey(apiVersion, kind));
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (!crd && (crds.skippedGroups?.has(group) || crds.skippedKinds?.has(crdKey(apiVersion, kind)))) {
    // Reference data not present (see referenceCrdsNotice): metadata checks only.
    return errors;
  }
  if (crd) {
    const validate = crdValidator(crd);
    if (!validate(obj)) errors.push(...formatAjvErrors(obj, validate.errors ?? []));
    return errors;
  }

  const model = coreModel(apiVersion, kind);
  if (model) {
    errors.push(...formatAjvErrors(obj, coreErrors(model, obj)));
    return errors;
  }

  const served = [...crds.values()].filter((c) => c.kind === kind).map((c) => c.apiVersion);
  const hint = served.length > 0 ? ` (served versions of ${kind}: ${served.join(', ')})` : '';
  return [`no schema for ${apiVersion}/${kind}${hint}`];
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/**
 * Renders a `Manifest` property (a string, or an `Fn::Join` of strings and tokens) as JSON
 * text. A token inside a JSON string becomes {@link TOKEN_PLACEHOLDER}; a token standing for
 * a whole value becomes the string {@link RAW_TOKEN_PLACEHOLDER}. `resolve` may give a token's
 * value instead (a string, escaped into the JSON).
 */
export function renderManifest(manifest: unknown, resolve?: (token: unknown) => string | undefined): string {
  let text = '';
  let inString = false;
  let escaped = false;
  const append = (s: string) => {
    for (const ch of s) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = inString;
      else if (ch === '"') inString = !inString;
    }
    text += s;
  };
  const visit = (part: unknown) => {
    if (typeof part === 'string' || typeof part === 'number') {
      append(String(part));
    } else if (isPlainObject(part) && Array.isArray(part['Fn::Join']) && Object.keys(part).length === 1) {
      const [delimiter, parts] = part['Fn::Join'];
      (parts as unknown[]).forEach((p, i) => {
        if (i > 0) append(delimiter);
        visit(p);
      });
    } else {
      const value = resolve?.(part);
      if (value !== undefined) text += inString ? JSON.stringify(value).slice(1, -1) : JSON.stringify(value);
      else text += inString ? TOKEN_PLACEHOLDER : JSON.stringify(RAW_TOKEN_PLACEHOLDER);
    }
  };
  visit(manifest);
  return text;
}

function templateJson(template: any): any {
  return template && typeof template.toJSON === 'function' ? template.toJSON() : template;
}

/**
 * Every object of every `Custom::AWSCDK-EKS-KubernetesResource` manifest of a synthesized
 * template (a template JSON or an `aws-cdk-lib/assertions` Template).
 */
export function k8sObjectsInTemplate(template: any): TemplateK8sObject[] {
  const resources: Record<string, any> = templateJson(template)?.Resources ?? {};
  const out: TemplateK8sObject[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource?.Type !== KUBERNETES_RESOURCE_TYPE) continue;
    const manifest = resource.Properties?.Manifest;
    if (manifest === undefined) throw new Error(`${logicalId}: ${KUBERNETES_RESOURCE_TYPE} without a Manifest property`);
    const text = renderManifest(manifest);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e: any) {
      throw new Error(`${logicalId}: Manifest is not valid JSON once tokens are replaced (${e.message}): ${text.slice(0, 300)}`);
    }
    const objects = Array.isArray(parsed) ? parsed : [parsed];
    objects.forEach((object, index) => out.push({ logicalId, index, object }));
  }
  return out;
}

function describeObject(o: TemplateK8sObject): string {
  const meta = o.object?.metadata ?? {};
  const name = meta.namespace ? `${meta.namespace}/${meta.name}` : `${meta.name}`;
  return `${o.logicalId}[${o.index}] ${o.object?.apiVersion}/${o.object?.kind} ${name}`;
}

/**
 * Validates every Kubernetes object of a synthesized template and throws one error that
 * lists every problem (with logical ID, kind and name). Returns the objects it checked.
 */
export function expectValidK8sObjects(template: any, crds: CrdSchemaIndex = defaultCrdSchemas()): TemplateK8sObject[] {
  const objects = k8sObjectsInTemplate(template);
  const problems: string[] = [];
  for (const o of objects) {
    for (const e of validateK8sObject(o.object, crds)) problems.push(`${describeObject(o)}: ${e}`);
  }
  if (problems.length > 0) {
    throw new Error(`${problems.length} Kubernetes schema problem(s) in the template's manifests:\n  - ${problems.join('\n  - ')}`);
  }
  return objects;
}
