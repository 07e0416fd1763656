import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/** RFC 1123 label: what Kubernetes accepts for namespaces and most names. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Whether `value` is a literal RFC 1123 label. */
export function isDnsLabel(value: string): boolean {
  return !Token.isUnresolved(value) && DNS_LABEL.test(value);
}

/** Throws a ValidationError of construct `kind` unless `value` is an RFC 1123 label. */
export function validateDnsLabel(scope: IConstruct, kind: string, prop: string, value: string): void {
  if (!isDnsLabel(value)) {
    throw validationError(scope, kind, `${prop} '${value}' is not a valid Kubernetes name (RFC 1123 label: lowercase letters, digits and '-', at most 63 characters)`);
  }
}
