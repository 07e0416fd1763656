import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { literalRequired, validationError } from './errors';

/**
 * Throws a ValidationError of construct `kind` when `value` of `prop` is a
 * token (an encoded number such as `-1.888e+289`) or not a number at all
 * (`undefined` from a JavaScript caller): the value is checked at synth time,
 * so it must be a literal number.
 */
export function requireLiteralNumber(scope: IConstruct, kind: string, prop: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw validationError(scope, kind, `${prop} must be a number, got ${value === undefined ? 'undefined' : JSON.stringify(value)}`);
  }
  if (Token.isUnresolved(value)) {
    throw validationError(scope, kind, `${literalRequired(prop, 'number', 'check its range')}; a token is a value known only at deploy time`);
  }
  return value;
}
