import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * Kubernetes naming rules, which differ by kind of object:
 * - RFC 1035 label (Services, and what must share a Service's name: ServiceExport,
 *   ServiceImport): lowercase letters, digits and '-', starting with a letter, at most 63.
 * - RFC 1123 label (namespaces): the same, but may start with a digit.
 * - RFC 1123 subdomain (service accounts, ConfigMaps, Deployments, HTTPRoutes and most
 *   other objects): RFC 1123 labels joined by '.', at most 253.
 * - label values: at most 63 letters (any case), digits, '-', '_' and '.', starting
 *   and ending with a letter or digit, or empty.
 * A name that breaks its kind's rule synthesizes, but the API server rejects the
 * object at deploy, after the cluster and everything before it were created.
 */
export type K8sNameRule = 'rfc1035-label' | 'rfc1123-label' | 'rfc1123-subdomain' | 'label-value';

const PATTERNS: Record<K8sNameRule, RegExp> = {
  'rfc1035-label': /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
  'rfc1123-label': /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  'rfc1123-subdomain': /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  'label-value': /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/,
};

const RULES: Record<K8sNameRule, string> = {
  'rfc1035-label': "RFC 1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters",
  'rfc1123-label': "RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
  'rfc1123-subdomain': "RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters",
  'label-value': "label value: letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 63 characters",
};

const EXAMPLES: Record<K8sNameRule, string> = {
  'rfc1035-label': 'orders',
  'rfc1123-label': 'shop',
  'rfc1123-subdomain': 'orders.reader',
  'label-value': 'v1.2',
};

/** Whether `value` is a literal name that follows `rule`. */
export function isK8sName(value: unknown, rule: K8sNameRule): boolean {
  return typeof value === 'string' && !Token.isUnresolved(value) && PATTERNS[rule].test(value);
}

/** Whether `value` is a literal RFC 1123 label (a namespace name). */
export function isDnsLabel(value: string): boolean {
  return isK8sName(value, 'rfc1123-label');
}

/**
 * What is wrong with `value` as the name of `what` (e.g. `Service`) under
 * `rule`, naming `prop`, the value, the rule and an example of a good one;
 * undefined when nothing is.
 */
export function k8sNameProblem(prop: string, value: unknown, rule: K8sNameRule, what: string): string | undefined {
  if (value === undefined || value === null) {
    return `${prop} is required (a Kubernetes ${what} name, ${RULES[rule]})`;
  }
  if (typeof value !== 'string') {
    return `${prop} must be a string (a Kubernetes ${what} name), got ${JSON.stringify(value)}`;
  }
  if (Token.isUnresolved(value)) {
    return `${prop} must be a literal string, not a token (needed at synth to name the Kubernetes ${what} in the manifest and check it)`;
  }
  if (PATTERNS[rule].test(value)) return undefined;
  const hint = rule === 'rfc1035-label' && /^[0-9]/.test(value) && PATTERNS['rfc1123-label'].test(value)
    ? ` (a ${what} name cannot start with a digit, unlike a namespace's)` : '';
  return `${prop} '${value}' is not a valid Kubernetes ${what} name${hint} (${RULES[rule]}); ` +
    `the API server would reject it at deploy: use a name such as '${EXAMPLES[rule]}'`;
}

/** Throws a ValidationError of construct `kind` unless `value` is a valid name of `what` under `rule`. */
export function validateK8sName(scope: IConstruct, kind: string, prop: string, value: unknown, rule: K8sNameRule, what: string): void {
  const problem = k8sNameProblem(prop, value, rule, what);
  if (problem !== undefined) throw validationError(scope, kind, problem);
}

/** Throws unless `value` can name a Kubernetes Service (RFC 1035 label). */
export function validateServiceName(scope: IConstruct, kind: string, prop: string, value: string): void {
  validateK8sName(scope, kind, prop, value, 'rfc1035-label', 'Service');
}

/** Throws a ValidationError of construct `kind` unless `value` is an RFC 1123 subdomain (dots allowed). */
export function validateDnsSubdomain(scope: IConstruct, kind: string, prop: string, value: string, what = 'object'): void {
  validateK8sName(scope, kind, prop, value, 'rfc1123-subdomain', what);
}

/** Throws a ValidationError of construct `kind` unless `value` is an RFC 1123 label. */
export function validateDnsLabel(scope: IConstruct, kind: string, prop: string, value: string, what = 'namespace'): void {
  validateK8sName(scope, kind, prop, value, 'rfc1123-label', what);
}
