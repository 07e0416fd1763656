import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { literalRequired, validationError } from './errors';

/** Maximum length of a DNS name in presentation form, without a trailing dot (RFC 1035). */
export const MAX_DNS_NAME_LENGTH = 253;

/** Maximum length of one DNS label (RFC 1035). */
export const MAX_DNS_LABEL_LENGTH = 63;

const LABEL_CHARS = /^[a-z0-9-]+$/;
const ALL_DIGITS = /^[0-9]+$/;

/**
 * Explains why `value` is not a lowercase, fully qualified DNS name as this
 * library accepts it, or returns `undefined` when it is one.
 *
 * Accepted: at least two dot-separated labels, each 1-63 characters of
 * `[a-z0-9-]` that neither starts nor ends with `-`, at most 253 characters in
 * total, no trailing dot, no wildcard, and a last label that is not all digits
 * (so IPv4 addresses are rejected).
 */
export function dnsNameProblem(value: string): string | undefined {
  if (value.length === 0) {
    return 'it is empty';
  }
  if (value.includes('*')) {
    return 'wildcards are not allowed; give the plain name (e.g. "example.com")';
  }
  if (value.endsWith('.')) {
    return `remove the trailing dot (use "${value.replace(/\.+$/, '')}")`;
  }
  if (value !== value.toLowerCase()) {
    return `it must be lowercase (use "${value.toLowerCase()}")`;
  }
  if (/\s/.test(value)) {
    return 'it must not contain whitespace';
  }
  if (value.length > MAX_DNS_NAME_LENGTH) {
    return `it is ${value.length} characters long; the maximum is ${MAX_DNS_NAME_LENGTH}`;
  }
  const labels = value.split('.');
  if (labels.length < 2) {
    return `it needs at least two labels (e.g. "${value}.internal")`;
  }
  for (const label of labels) {
    if (label.length === 0) {
      return 'it contains an empty label (leading or doubled dot)';
    }
    if (label.length > MAX_DNS_LABEL_LENGTH) {
      return `label "${label}" is ${label.length} characters long; the maximum is ${MAX_DNS_LABEL_LENGTH}`;
    }
    if (!LABEL_CHARS.test(label)) {
      return `label "${label}" may only contain a-z, 0-9 and "-"`;
    }
    if (label.startsWith('-') || label.endsWith('-')) {
      return `label "${label}" must not start or end with "-"`;
    }
  }
  if (ALL_DIGITS.test(labels[labels.length - 1])) {
    return 'the last label must not be all digits (this looks like an IP address)';
  }
  return undefined;
}

/**
 * Whether `value` is a lowercase, fully qualified DNS name as described in
 * `dnsNameProblem`. Unresolved tokens are never DNS names.
 */
export function isDnsName(value: string): boolean {
  return !Token.isUnresolved(value) && dnsNameProblem(value) === undefined;
}

/**
 * Throws a `ValidationError` on `scope` unless `value` is a literal, lowercase,
 * fully qualified DNS name. The message names the construct kind, the property
 * and the rejected value, and says how to fix it.
 *
 * @param scope the construct that rejects the value
 * @param kind the construct kind used as message prefix (e.g. `PrivateCaDomain`)
 * @param propName the property that carried the value (e.g. `domainName`)
 * @param value the value to check
 */
export function assertDnsName(scope: IConstruct, kind: string, propName: string, value: string): void {
  if (Token.isUnresolved(value)) {
    throw validationError(scope, kind,
      `${literalRequired(propName, 'string', 'check it and use it in names')}; give a name such as "example.com"`);
  }
  const problem = dnsNameProblem(value);
  if (problem !== undefined) {
    throw validationError(scope, kind,
      `${propName} must be a lowercase DNS name such as "example.com", got "${value}": ${problem}`);
  }
}

/** The DNS domain of Kubernetes Services on EKS (kubelet `clusterDomain`): CoreDNS answers every name under it itself. */
export const KUBERNETES_CLUSTER_DOMAIN = 'cluster.local';

/**
 * What is wrong with `domainName` as a private domain for pods of a
 * Kubernetes cluster, undefined when nothing is: a name at or under the
 * cluster's DNS domain (`cluster.local`) is answered by CoreDNS, so pods never
 * reach Route 53 for it and never resolve a Lattice service there.
 */
export function clusterDomainClashProblem(domainName: string): string | undefined {
  if (Token.isUnresolved(domainName)) return undefined;
  if (domainName !== KUBERNETES_CLUSTER_DOMAIN && !domainName.endsWith(`.${KUBERNETES_CLUSTER_DOMAIN}`)) return undefined;
  return `domain '${domainName}' is the cluster's own DNS domain (${KUBERNETES_CLUSTER_DOMAIN}) or under it: CoreDNS answers those names itself, ` +
    'so pods would never resolve the Lattice services in the private zone; use a domain of your own, such as \'internal.example.com\'';
}
