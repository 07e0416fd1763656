/** Lattice limit on the size of an auth policy (characters of its JSON). */
export const MAX_AUTH_POLICY_LENGTH = 10_000;

/**
 * Length of the compact JSON that a resolved CloudFormation value renders to.
 * Intrinsic functions are counted by their smallest possible rendering (the
 * literal parts of an `Fn::Join`, an empty string otherwise), so the result is
 * exact when the value holds no intrinsic and a lower bound when it does.
 */
export function renderedLengthOf(value: unknown): { length: number; exact: boolean } {
  if (value === null || typeof value !== 'object') {
    return { length: JSON.stringify(value ?? null).length, exact: true };
  }
  if (Array.isArray(value)) {
    const items = value.map(renderedLengthOf);
    return {
      length: 2 + Math.max(items.length - 1, 0) + items.reduce((sum, item) => sum + item.length, 0),
      exact: items.every((item) => item.exact),
    };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::'))) {
    const [fn, args] = entries[0];
    if (fn === 'Fn::Join' && Array.isArray(args) && typeof args[0] === 'string' && Array.isArray(args[1])) {
      const parts = args[1] as unknown[];
      const literal = parts
        .filter((part): part is string => typeof part === 'string')
        .reduce((sum, part) => sum + JSON.stringify(part).length - 2, 0);
      return { length: 2 + literal + args[0].length * Math.max(parts.length - 1, 0), exact: false };
    }
    return { length: 2, exact: false };
  }
  const members = entries.map(([key, member]) => {
    const rendered = renderedLengthOf(member);
    return { length: JSON.stringify(key).length + 1 + rendered.length, exact: rendered.exact };
  });
  return {
    length: 2 + Math.max(members.length - 1, 0) + members.reduce((sum, member) => sum + member.length, 0),
    exact: members.every((member) => member.exact),
  };
}

/**
 * A sentence saying that the resolved policy `resolved` is over Lattice's size
 * limit, or `undefined` when it fits (or may fit: tokens count as their
 * smallest rendering).
 */
export function authPolicySizeProblem(resolved: unknown): string | undefined {
  const { length, exact } = renderedLengthOf(resolved);
  if (length <= MAX_AUTH_POLICY_LENGTH) return undefined;
  return `the auth policy is ${exact ? '' : 'at least '}${length} characters of JSON; Lattice accepts at most ${MAX_AUTH_POLICY_LENGTH}`;
}
