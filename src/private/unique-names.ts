import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * Where AWS requires a name to be unique: per account and region (EKS
 * clusters, Lattice service networks, resource gateways and resource
 * configurations) or per account (IAM role names: IAM is global).
 */
export type NameUniqueness = 'account-and-region' | 'account';

/** Names claimed in an app: per kind of name, per name, the environment (`account/region`, `*` when agnostic) and path of each claimant. */
const claims = new WeakMap<IConstruct, Map<string, Map<string, Array<[string, string]>>>>();

/** `account/region` of the stack of `scope`, `*` for each part that is a token (an environment-agnostic stack). */
export function environmentOf(scope: IConstruct): string {
  const stack = Stack.of(scope);
  return `${Token.isUnresolved(stack.account) ? '*' : stack.account}/${Token.isUnresolved(stack.region) ? '*' : stack.region}`;
}

/** Whether two environments (from `environmentOf`) may be the same account (and region, for `account-and-region`) at deploy time. */
export function mayCollide(a: string, b: string, uniqueness: NameUniqueness): boolean {
  const [a1, r1] = a.split('/');
  const [a2, r2] = b.split('/');
  const sameAccount = a1 === '*' || a2 === '*' || a1 === a2;
  const sameRegion = uniqueness === 'account' || r1 === '*' || r2 === '*' || r1 === r2;
  return sameAccount && sameRegion;
}

/** What to claim: a name AWS requires to be unique. */
export interface UniqueNameClaim {
  /** Kind of name, e.g. `Lattice service network` (also the key of the registry). */
  readonly what: string;
  /** The prop that gave the name, e.g. `serviceNetworkName`. */
  readonly prop: string;
  /** The name. Tokens are not checked (only deploy can tell). */
  readonly name: string;
  /** Where AWS requires it to be unique. */
  readonly uniqueness: NameUniqueness;
  /** The fix, e.g. `give each network its own name`. */
  readonly fix: string;
}

/**
 * Records `claim.name` for `scope` in its app, and throws a validation error
 * of construct `kind` naming both constructs when another construct of the
 * app already claimed that name where it may land in the same account (and
 * region): CloudFormation would otherwise fail at deploy with a conflict, or
 * one stack would take over the other's resource.
 */
export function claimUniqueName(scope: IConstruct, kind: string, claim: UniqueNameClaim): void {
  if (Token.isUnresolved(claim.name)) return;
  let byWhat = claims.get(scope.node.root);
  if (!byWhat) claims.set(scope.node.root, byWhat = new Map());
  let byName = byWhat.get(claim.what);
  if (!byName) byWhat.set(claim.what, byName = new Map());
  let places = byName.get(claim.name);
  if (!places) byName.set(claim.name, places = []);
  const env = environmentOf(scope);
  for (const [otherEnv, path] of places) {
    if (mayCollide(env, otherEnv, claim.uniqueness)) {
      const where = claim.uniqueness === 'account' ? 'the same account' : 'the same account and region';
      throw validationError(scope, kind,
        `${claim.prop} '${claim.name}' is already used by '${path}' in ${where} (or an environment-agnostic stack); ` +
        `${claim.what} names are unique per ${claim.uniqueness === 'account' ? 'account' : 'account and region'}: ${claim.fix}, ` +
        'or give the stacks explicit, different env');
    }
  }
  places.push([env, scope.node.path]);
}
