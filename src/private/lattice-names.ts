import { Token } from 'aws-cdk-lib';
import { literalRequired } from './errors';

/**
 * Validation of Amazon VPC Lattice names and of the AWS identifiers that the
 * Lattice constructs accept.
 *
 * Each `*Problem` function returns `undefined` when the value is acceptable,
 * or a sentence describing what is wrong with it (quoting the value), so the
 * calling construct can wrap it in its own `validationError(...)`.
 *
 * Lattice name rules (AWS::VpcLattice::ServiceNetwork / AWS::VpcLattice::Service
 * resource schemas and the VPC Lattice API reference):
 * - characters `a-z`, `0-9` and `-` only;
 * - no hyphen as the first or last character, nor two hyphens in a row;
 * - service networks: 3-63 characters, must not start with `servicenetwork-`;
 * - services: 3-40 characters, must not start with `svc-`.
 */

/** Constraints of one kind of Lattice name. */
export interface LatticeNameRules {
  /** What the name names, for messages (e.g. `service network name`). */
  readonly kind: string;
  readonly minLength: number;
  readonly maxLength: number;
  /** Prefixes the name must not start with. */
  readonly reservedPrefixes: readonly string[];
}

/**
 * Service network names. `servicenetwork-` is reserved by the resource schema;
 * `sn-` is the prefix of service network IDs (`sn-` + 17 characters), and this
 * library rejects it too so that a name can never be mistaken for an ID by
 * tools (such as the Gateway API controller) that accept either.
 */
export const SERVICE_NETWORK_NAME_RULES: LatticeNameRules = {
  kind: 'service network name',
  minLength: 3,
  maxLength: 63,
  reservedPrefixes: ['servicenetwork-', 'sn-'],
};

/**
 * Service names. `svc-` is reserved by the resource schema (it is also the
 * prefix of service IDs).
 */
export const SERVICE_NAME_RULES: LatticeNameRules = {
  kind: 'service name',
  minLength: 3,
  maxLength: 40,
  reservedPrefixes: ['svc-'],
};

/**
 * Checks a Lattice name against `rules`. Tokens are rejected: Lattice names in
 * this library must be known at synth time (Kubernetes objects are named after
 * them).
 */
export function latticeNameProblem(name: string, rules: LatticeNameRules): string | undefined {
  if (Token.isUnresolved(name)) {
    return literalRequired(rules.kind, 'string', 'check it and name Kubernetes objects after it');
  }
  if (name.length < rules.minLength || name.length > rules.maxLength) {
    return `${rules.kind} "${name}" must be ${rules.minLength}-${rules.maxLength} characters long (it has ${name.length})`;
  }
  if (!/^[a-z0-9-]+$/.test(name)) {
    return `${rules.kind} "${name}" may only contain lowercase letters (a-z), digits (0-9) and hyphens (-)`;
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return `${rules.kind} "${name}" must start and end with a letter or digit, not a hyphen`;
  }
  if (name.includes('--')) {
    return `${rules.kind} "${name}" must not contain consecutive hyphens`;
  }
  const reserved = rules.reservedPrefixes.find((prefix) => name.startsWith(prefix));
  if (reserved !== undefined) {
    return `${rules.kind} "${name}" must not start with the reserved prefix "${reserved}"`;
  }
  return undefined;
}

/** Checks a Lattice service network name. */
export function serviceNetworkNameProblem(name: string): string | undefined {
  return latticeNameProblem(name, SERVICE_NETWORK_NAME_RULES);
}

/** Checks a Lattice service name. */
export function serviceNameProblem(name: string): string | undefined {
  return latticeNameProblem(name, SERVICE_NAME_RULES);
}

const PARTITION = 'aws(?:-[a-z]+)*';
const ORG_ID = 'o-[a-z0-9]{10,32}';
const OU_ID = 'ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}';
const ACCOUNT_ID_RE = /^\d{12}$/;
const ORG_ID_RE = new RegExp(`^${ORG_ID}$`);
const ORG_ARN_RE = new RegExp(`^arn:${PARTITION}:organizations::\\d{12}:organization/${ORG_ID}$`);
const OU_ARN_RE = new RegExp(`^arn:${PARTITION}:organizations::\\d{12}:ou/${ORG_ID}/${OU_ID}$`);
const SERVICE_NETWORK_ID_RE = /^sn-[0-9a-z]{17}$/;
const SERVICE_NETWORK_ARN_RE = new RegExp(
  `^arn:${PARTITION}:vpc-lattice:[a-z0-9-]+:\\d{12}:servicenetwork/(sn-[0-9a-z]{17})$`,
);
const FIREHOSE_ARN_RE = new RegExp(`^arn:${PARTITION}:firehose:[a-z0-9-]+:\\d{12}:deliverystream/[a-zA-Z0-9._-]{1,64}$`);

function check(value: string, re: RegExp, message: () => string): string | undefined {
  if (Token.isUnresolved(value)) return undefined;
  return re.test(value) ? undefined : message();
}

/** A 12-digit AWS account ID. Tokens pass (they cannot be checked at synth time). */
export function accountIdProblem(accountId: string): string | undefined {
  return check(accountId, ACCOUNT_ID_RE, () => `AWS account ID "${accountId}" must be exactly 12 digits`);
}

/** An AWS Organizations ID (`o-` + 10-32 lowercase letters or digits). Tokens pass. */
export function organizationIdProblem(organizationId: string): string | undefined {
  return check(organizationId, ORG_ID_RE,
    () => `AWS Organizations ID "${organizationId}" must be "o-" followed by 10-32 lowercase letters or digits`);
}

/** An AWS region name such as `us-east-1`. Tokens pass. */
export function regionProblem(region: string): string | undefined {
  return check(region, /^[a-z]{2}(-[a-z]+)+-\d$/, () => `region "${region}" is not an AWS region name (e.g. us-east-1)`);
}

/**
 * An AWS Organizations entity path as `aws:PrincipalOrgPaths` reports it:
 * `o-<org>/r-<root>/` followed by any number of `ou-<root>-<ou>/`, ending with `/`.
 * Tokens pass.
 */
export function organizationPathProblem(path: string): string | undefined {
  return check(path, /^o-[a-z0-9]{10,32}\/r-[0-9a-z]{4,32}\/(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}\/)*$/,
    () => `organization path "${path}" must look like o-exampleorgid/r-ab12/ou-ab12-11111111/ (organization, root, then OUs, ending with "/")`);
}

/** An organization ARN (`arn:aws:organizations::<account>:organization/o-...`). Tokens pass. */
export function organizationArnProblem(arn: string): string | undefined {
  return check(arn, ORG_ARN_RE,
    () => `organization ARN "${arn}" must look like arn:aws:organizations::111122223333:organization/o-exampleorgid`);
}

/** An organizational unit ARN (`arn:aws:organizations::<account>:ou/o-.../ou-...`). Tokens pass. */
export function organizationalUnitArnProblem(arn: string): string | undefined {
  return check(arn, OU_ARN_RE,
    () => `organizational unit ARN "${arn}" must look like arn:aws:organizations::111122223333:ou/o-exampleorgid/ou-examplerootid-exampleouid`);
}

/** A service network ID (`sn-` + 17 lowercase letters or digits). Tokens pass. */
export function serviceNetworkIdProblem(id: string): string | undefined {
  return check(id, SERVICE_NETWORK_ID_RE,
    () => `service network ID "${id}" must be "sn-" followed by 17 lowercase letters or digits`);
}

/** A service network ARN; when `id` is a literal too, the ARN must end with it. Tokens pass. */
export function serviceNetworkArnProblem(arn: string, id?: string): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const match = SERVICE_NETWORK_ARN_RE.exec(arn);
  if (!match) {
    return `service network ARN "${arn}" must look like arn:aws:vpc-lattice:<region>:<account>:servicenetwork/sn-<17 characters>`;
  }
  if (id !== undefined && !Token.isUnresolved(id) && match[1] !== id) {
    return `service network ARN "${arn}" does not match the service network ID "${id}"`;
  }
  return undefined;
}

/** A Kinesis Data Firehose delivery stream ARN. Tokens pass. */
export function firehoseDeliveryStreamArnProblem(arn: string): string | undefined {
  return check(arn, FIREHOSE_ARN_RE,
    () => `Firehose delivery stream ARN "${arn}" must look like arn:aws:firehose:<region>:<account>:deliverystream/<name>`);
}

/**
 * Resource gateway names (AWS::VpcLattice::ResourceGateway schema): 3-40
 * characters, must not start with `rgw-` (the prefix of resource gateway IDs).
 */
export const RESOURCE_GATEWAY_NAME_RULES: LatticeNameRules = {
  kind: 'resource gateway name',
  minLength: 3,
  maxLength: 40,
  reservedPrefixes: ['rgw-'],
};

/**
 * Resource configuration names (AWS::VpcLattice::ResourceConfiguration
 * schema): 3-40 characters, must not start with `rcfg-` (the prefix of
 * resource configuration IDs). Unique within an account.
 */
export const RESOURCE_CONFIGURATION_NAME_RULES: LatticeNameRules = {
  kind: 'resource configuration name',
  minLength: 3,
  maxLength: 40,
  reservedPrefixes: ['rcfg-'],
};

/**
 * A Lattice name derived from a construct path (lowercase, hyphens only,
 * with the path's hash so that two constructs never share it), satisfying
 * `rules`.
 */
export function generatedLatticeName(uniqueName: string, rules: LatticeNameRules): string {
  let name = uniqueName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (rules.reservedPrefixes.some((prefix) => name.startsWith(prefix))) {
    name = `n-${name}`;
  }
  if (name.length > rules.maxLength) {
    // Keep the hash at the end, which makes the name unique.
    name = name.slice(name.length - rules.maxLength).replace(/^-+/, '');
  }
  return name;
}

const GENERIC_ARN_RE = new RegExp(`^arn:${PARTITION}:[a-z0-9-]+:[a-z0-9-]*:(\\d{12})?:.+$`);

/** Any AWS ARN (`arn:<partition>:<service>:<region>:<account>:<resource>`). Tokens pass. */
export function arnProblem(arn: string): string | undefined {
  return check(arn, GENERIC_ARN_RE,
    () => `ARN "${arn}" must look like arn:aws:<service>:<region>:<account>:<resource> (for example arn:aws:rds:us-east-1:111122223333:db:orders)`);
}

const DOMAIN_VERIFICATION_ID_RE = /^dv-[a-f0-9]{17}$/;

/** A Lattice domain verification ID (`dv-` + 17 hexadecimal characters). Tokens pass. */
export function domainVerificationIdProblem(id: string): string | undefined {
  return check(id, DOMAIN_VERIFICATION_ID_RE,
    () => `domain verification ID "${id}" must be "dv-" followed by 17 lowercase hexadecimal characters`);
}
