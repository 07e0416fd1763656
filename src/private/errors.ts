import { ValidationError } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

type ErrorName = ConstructorParameters<typeof ValidationError>[0];

/**
 * A synth-time `ValidationError` attached to `scope`, whose message starts with
 * the construct's kind (e.g. `PrivateCaDomain`) so users see which construct
 * rejected which value.
 */
export function validationError(scope: IConstruct, kind: string, message: string): Error {
  return new ValidationError(`${kind}Validation` as unknown as ErrorName, `${kind} (${scope.node.path}): ${message}`, scope);
}

/**
 * The message for a token where the library needs a literal:
 * `<prop> must be a literal <type>, not a token (needed at synth to <why>)`.
 * A token is a value CloudFormation resolves at deploy time (a reference, a
 * parameter, `Lazy`); the library cannot check it or write it where synth needs it.
 */
export function literalRequired(prop: string, type: string, why: string): string {
  return `${prop} must be a literal ${type}, not a token (needed at synth to ${why})`;
}
