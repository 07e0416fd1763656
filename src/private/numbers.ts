import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

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
    throw validationError(scope, kind, `${prop} is a token (a value known only at deploy time); give a literal number, it is checked at synth time`);
  }
  return value;
}
