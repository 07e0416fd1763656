/**
 * Compares the cross-cluster example synthesized in TypeScript
 * (examples/cross-cluster/cdk.out, the reference), Python
 * (examples/python/cdk.out) and Java (examples/java/cdk.out).
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json examples/compare-templates.ts [--strict]
 *
 * Per stack it requires the same stack names, the same logical ids (resources,
 * parameters, conditions, outputs, ...) and the same resource types; those
 * mismatches fail. Everything else in a template (resource properties,
 * DependsOn, policies, descriptions) is compared after normalization and
 * listed: each language runs its own aws-cdk-lib release (npm 2.276, PyPI
 * 2.275, Maven Central 2.263), and a release may change what aws-cdk-lib
 * itself generates. Property differences fail only with `--strict`.
 *
 * Normalization: 64-hex asset hashes (and so the `<hash>.zip` asset keys) are
 * replaced by a placeholder, the `AWS::CDK::Metadata` resource and its
 * `CDKMetadataAvailable` condition, every resource's `Metadata` and any
 * `aws:cdk:*` key are dropped. Asset hash differences are listed separately:
 * they come from the asset contents that each aws-cdk-lib release ships
 * (handler code, the AWS CLI layer).
 */
import * as fs from 'fs';
import * as path from 'path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Difference {
  readonly language: string;
  readonly stack: string;
  readonly path: string;
  readonly reference: Json | undefined;
  readonly actual: Json | undefined;
}

const EXAMPLES = __dirname;
const REFERENCE = { language: 'typescript', dir: path.join(EXAMPLES, 'cross-cluster', 'cdk.out') };
const OTHERS = [
  { language: 'python', dir: path.join(EXAMPLES, 'python', 'cdk.out') },
  { language: 'java', dir: path.join(EXAMPLES, 'java', 'cdk.out') },
];
const HASH = /[0-9a-f]{64}/g;
const HASH_PLACEHOLDER = '<asset-hash>';
/** Template sections whose keys are logical ids. */
const ID_SECTIONS = ['Resources', 'Parameters', 'Conditions', 'Outputs', 'Mappings', 'Rules'];

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `*.template.json` of a cloud assembly, by stack (artifact) name. */
function loadTemplates(dir: string): Map<string, JsonObject> {
  if (!fs.existsSync(dir)) {
    throw new Error(`${path.relative(process.cwd(), dir)} does not exist: synthesize that example first`);
  }
  const templates = new Map<string, JsonObject>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort()) {
    templates.set(file.replace(/\.template\.json$/, ''), JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8')));
  }
  if (templates.size === 0) {
    throw new Error(`${path.relative(process.cwd(), dir)} holds no *.template.json`);
  }
  return templates;
}

/** Drops what only records how a template was made: CDK metadata and `aws:cdk:*` keys. */
function stripCdkMetadata(template: JsonObject): JsonObject {
  const copy = JSON.parse(JSON.stringify(template)) as JsonObject;
  delete copy.Metadata;
  if (isObject(copy.Resources)) {
    for (const [id, resource] of Object.entries(copy.Resources)) {
      if (!isObject(resource)) continue;
      if (resource.Type === 'AWS::CDK::Metadata') {
        delete copy.Resources[id];
      } else {
        delete resource.Metadata;
      }
    }
  }
  if (isObject(copy.Conditions)) {
    delete copy.Conditions.CDKMetadataAvailable;
    if (Object.keys(copy.Conditions).length === 0) delete copy.Conditions;
  }
  return dropCdkKeys(copy) as JsonObject;
}

function dropCdkKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(dropCdkKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('aws:cdk:')).map(([key, v]) => [key, dropCdkKeys(v)]));
}

function maskHashes(value: Json): Json {
  if (typeof value === 'string') return value.replace(HASH, HASH_PLACEHOLDER);
  if (Array.isArray(value)) return value.map(maskHashes);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, v]) => [key.replace(HASH, HASH_PLACEHOLDER), maskHashes(v)]));
}

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return /^[A-Za-z0-9_-]+$/.test(key) ? `${parent}${parent ? '.' : ''}${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Leaf-level differences between `reference` and `actual` (key order does not matter, array order does). */
function diff(reference: Json | undefined, actual: Json | undefined, at: string, out: Array<[string, Json | undefined, Json | undefined]>): void {
  if (isObject(reference) && isObject(actual)) {
    const keys = [...Object.keys(reference), ...Object.keys(actual).filter((k) => !(k in reference))];
    for (const key of keys) diff(reference[key], actual[key], pathOf(at, key), out);
  } else if (Array.isArray(reference) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(reference.length, actual.length); i++) diff(reference[i], actual[i], pathOf(at, i), out);
  } else if (JSON.stringify(reference) !== JSON.stringify(actual)) {
    out.push([at, reference, actual]);
  }
}

/** A short rendering of `value`; long strings are cut around their first difference from `other`. */
function show(value: Json | undefined, other: Json | undefined): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value);
  const max = 160;
  if (text.length <= max) return text;
  if (typeof value === 'string' && typeof other === 'string') {
    let i = 0;
    while (i < value.length && value[i] === other[i]) i++;
    const start = Math.max(0, i - 60);
    return `…${JSON.stringify(value.slice(start, start + max))}… (string of ${value.length} chars, differs at ${i})`;
  }
  return `${text.slice(0, max)}… (${text.length} chars)`;
}

function compare(): number {
  const strict = process.argv.includes('--strict');
  const reference = loadTemplates(REFERENCE.dir);
  const failures: string[] = [];
  const differences: Difference[] = [];
  const hashDifferences: Difference[] = [];
  let resources = 0;

  for (const other of OTHERS) {
    const templates = loadTemplates(other.dir);
    const missing = [...reference.keys()].filter((s) => !templates.has(s));
    const extra = [...templates.keys()].filter((s) => !reference.has(s));
    if (missing.length) failures.push(`${other.language}: missing stacks ${missing.join(', ')}`);
    if (extra.length) failures.push(`${other.language}: extra stacks ${extra.join(', ')}`);

    for (const [stack, rawReference] of reference) {
      const rawActual = templates.get(stack);
      if (!rawActual) continue;
      const ref = stripCdkMetadata(rawReference);
      const act = stripCdkMetadata(rawActual);

      for (const section of ID_SECTIONS) {
        const refIds = Object.keys(isObject(ref[section]) ? ref[section] : {});
        const actIds = new Set(Object.keys(isObject(act[section]) ? act[section] : {}));
        const missingIds = refIds.filter((id) => !actIds.has(id));
        const extraIds = [...actIds].filter((id) => !refIds.includes(id));
        if (missingIds.length) failures.push(`${other.language} ${stack}: ${section} missing ${missingIds.join(', ')}`);
        if (extraIds.length) failures.push(`${other.language} ${stack}: ${section} not in ${REFERENCE.language}: ${extraIds.join(', ')}`);
      }
      const refResources = (isObject(ref.Resources) ? ref.Resources : {});
      const actResources = (isObject(act.Resources) ? act.Resources : {});
      if (other === OTHERS[0]) resources += Object.keys(refResources).length;
      for (const [id, resource] of Object.entries(refResources)) {
        const actual = actResources[id];
        if (isObject(resource) && isObject(actual) && resource.Type !== actual.Type) {
          failures.push(`${other.language} ${stack}: ${id} is ${String(actual.Type)}, ${REFERENCE.language} has ${String(resource.Type)}`);
        }
      }

      // Everything else: reported, not fatal. Logical ids missing on either side were reported above.
      const masked: Array<[string, Json | undefined, Json | undefined]> = [];
      diff(maskHashes(ref), maskHashes(act), '', masked);
      const raw: Array<[string, Json | undefined, Json | undefined]> = [];
      diff(ref, act, '', raw);
      for (const [at, r, a] of masked) {
        if (r === undefined && a === undefined) continue;
        const [section, id] = at.split('.');
        const idKnownBothSides = isObject(ref[section]) && isObject(act[section]) && id in ref[section] && id in act[section];
        if (ID_SECTIONS.includes(section) && !idKnownBothSides) continue;
        if (/^Resources\.[^.]+\.Type$/.test(at)) continue;
        differences.push({ language: other.language, stack, path: at, reference: r, actual: a });
      }
      const maskedPaths = new Set(masked.map(([at]) => at.replace(HASH, HASH_PLACEHOLDER)));
      for (const [at, r, a] of raw) {
        if (!maskedPaths.has(at.replace(HASH, HASH_PLACEHOLDER))) {
          hashDifferences.push({ language: other.language, stack, path: at, reference: r, actual: a });
        }
      }
    }
  }

  const languages = [REFERENCE.language, ...OTHERS.map((o) => o.language)].join(', ');
  console.log(`Compared ${OTHERS.map((o) => o.language).join(' and ')} against ${REFERENCE.language} (${path.relative(process.cwd(), REFERENCE.dir)})`);
  if (hashDifferences.length) {
    console.log(`\nAsset hash differences (ignored; asset contents differ between aws-cdk-lib releases): ${hashDifferences.length}`);
    for (const d of hashDifferences) {
      console.log(`  [${d.language}] ${d.stack} ${d.path}: ${show(d.reference, d.actual)} -> ${show(d.actual, d.reference)}`);
    }
  }
  console.log(`\nProperty differences (after normalization): ${differences.length}`);
  for (const d of differences) {
    console.log(`  [${d.language}] ${d.stack} ${d.path}:\n      ${REFERENCE.language}: ${show(d.reference, d.actual)}\n      ${d.language}: ${show(d.actual, d.reference)}`);
  }

  if (failures.length) {
    console.log('\nMismatches:');
    for (const failure of failures) console.log(`  ${failure}`);
    console.log(`templates differ: ${failures.length} mismatches of stacks, logical ids or resource types (${languages})`);
    return 1;
  }
  console.log(`\ntemplates match: ${reference.size} stacks, ${resources} resources (${differences.length} property differences, listed above) in ${languages}`);
  if (strict && differences.length) {
    console.log('--strict: property differences fail');
    return 1;
  }
  return 0;
}

try {
  process.exitCode = compare();
} catch (e) {
  console.error(`compare-templates: ${(e as Error).message}`);
  process.exitCode = 2;
}
