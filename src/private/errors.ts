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
