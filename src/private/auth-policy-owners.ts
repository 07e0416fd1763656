import { IConstruct } from 'constructs';

/** A claim on the auth policy of one Lattice resource. */
export interface AuthPolicyOwner {
  /** Construct path of the owner. */
  readonly path: string;
  /** How it attaches the policy (`IAMAuthPolicy manifest`, `AWS::VpcLattice::AuthPolicy`). */
  readonly mechanism: string;
}

/** Owners of auth policies per app, keyed by the target resource. */
const owners = new WeakMap<IConstruct, Map<string, AuthPolicyOwner>>();

/**
 * Records `owner` as the one owner of the auth policy of `target` (a stable
 * description of the Lattice resource) in the app of `scope`. Returns the
 * earlier owner instead when there is one; a Lattice resource has one auth
 * policy, and two writers (CloudFormation and the controller, or two
 * CloudFormation resources) would overwrite each other.
 */
export function claimAuthPolicy(scope: IConstruct, target: string, owner: AuthPolicyOwner): AuthPolicyOwner | undefined {
  const root = scope.node.root;
  let claims = owners.get(root);
  if (!claims) {
    claims = new Map();
    owners.set(root, claims);
  }
  const existing = claims.get(target);
  if (existing) return existing;
  claims.set(target, owner);
  return undefined;
}

/** Whether the auth policy of `target` has an owner in the app of `scope`. */
export function isAuthPolicyClaimed(scope: IConstruct, target: string): boolean {
  return owners.get(scope.node.root)?.has(target) ?? false;
}

/** The claim key of the auth policy of an HTTPRoute of a cluster. */
export function routeAuthPolicyTarget(clusterPath: string, namespace: string, routeName: string): string {
  return `eks:${clusterPath}:httproute:${namespace}/${routeName}`;
}
