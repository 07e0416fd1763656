import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/** RFC 1123 label: what Kubernetes accepts for namespaces and most names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Whether `value` is a literal RFC 1123 label. */
export function isDnsLabel(value: string): boolean {
  return !Token.isUnresolved(value) && DNS_LABEL.test(value);
}

/** RFC 1123 subdomain: what Kubernetes accepts for service accounts, ConfigMaps and most object names. */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Throws a ValidationError of construct `kind` unless `value` is an RFC 1123 subdomain (dots allowed). */
export function validateDnsSubdomain(scope: IConstruct, kind: string, prop: string, value: string): void {
  if (value === undefined || value === null) {
    throw validationError(scope, kind, `${prop} is required (a Kubernetes name)`);
  }
  if (Token.isUnresolved(value) || !DNS_SUBDOMAIN.test(value)) {
    throw validationError(scope, kind, `${prop} '${value}' is not a valid Kubernetes name (RFC 1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters)`);
  }
}

/** Throws a ValidationError of construct `kind` unless `value` is an RFC 1123 label. */
export function validateDnsLabel(scope: IConstruct, kind: string, prop: string, value: string): void {
  if (value === undefined || value === null) {
    throw validationError(scope, kind, `${prop} is required (a Kubernetes name: lowercase letters, digits and '-')`);
  }
  if (!isDnsLabel(value)) {
    throw validationError(scope, kind, `${prop} '${value}' is not a valid Kubernetes name (RFC 1123 label: lowercase letters, digits and '-', at most 63 characters)`);
  }
}
