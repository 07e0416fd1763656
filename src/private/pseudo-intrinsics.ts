import { Stack, Token } from 'aws-cdk-lib';

/**
 * `value`, a string built from literals and the stack's pseudo parameters
 * (an ARN from `stack.formatArn()`), as one pre-resolved intrinsic.
 *
 * A string with embedded tokens is split and joined again in each resolve
 * pass of synthesis (references, template, tree); resolved once here, the
 * same `Fn::Join` is a token whose value is plain JSON, and the template does
 * not change. Only for values used in `stack`: a pseudo parameter resolved
 * here is that stack's own. A value that names a resource (a `Ref` to a
 * logical id, `Fn::GetAtt`, an import) is returned as it is, so that logical
 * id overrides and cross-stack references still apply to it.
 */
export function pseudoOnlyIntrinsic(stack: Stack, value: string): string {
  if (!Token.isUnresolved(value)) return value;
  const resolved: unknown = stack.resolve(value);
  if (typeof resolved === 'string') return resolved;
  return onlyPseudoParameters(resolved) ? Token.asString(resolved) : value;
}

/** Whether `value` is literals joined with pseudo parameters (`{ Ref: 'AWS::...' }`) and nothing else. */
function onlyPseudoParameters(value: unknown): boolean {
  if (typeof value === 'string') return true;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [key, arg] = entries[0];
  if (key === 'Ref') return typeof arg === 'string' && arg.startsWith('AWS::');
  if (key !== 'Fn::Join' || !Array.isArray(arg) || arg.length !== 2 || typeof arg[0] !== 'string' || !Array.isArray(arg[1])) return false;
  return arg[1].every(onlyPseudoParameters);
}
