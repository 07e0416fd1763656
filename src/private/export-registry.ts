import { IConstruct } from 'constructs';
import { validationError } from './errors';
import { environmentOf, mayCollide } from './unique-names';

/** What an export of the app serves: its port and the route protocol of the routes importing it. */
export interface RecordedExport {
  readonly port: number;
  readonly protocol: string;
}

/** Exports of an app, per exporting cluster name: `<namespace>/<export name>` -> the export. */
const registries = new WeakMap<IConstruct, Map<string, Map<string, RecordedExport>>>();

/** The clusters of an app (whose exports are all known at synth time), by name: where each is, per environment. */
const clusterNames = new WeakMap<IConstruct, Map<string, Map<string, string>>>();

/**
 * Records a cluster of the app of `scope`. Two clusters with one name in one
 * account and region (or in environment-agnostic stacks, which may deploy to
 * the same one) cannot both exist: EKS names are unique per account and
 * region, and auth policies, controller ownership tags and ExternalDNS owner
 * ids key on the name. Throws a validation error naming both.
 */
export function recordCluster(scope: IConstruct, kind: string, clusterName: string): void {
  let names = clusterNames.get(scope.node.root);
  if (!names) clusterNames.set(scope.node.root, names = new Map());
  let places = names.get(clusterName);
  if (!places) names.set(clusterName, places = new Map());
  const env = environmentOf(scope);
  for (const [otherEnv, path] of places) {
    if (mayCollide(env, otherEnv, 'account-and-region')) {
      throw validationError(scope, kind,
        `clusterName '${clusterName}' is already used by '${path}' in the same account and region (or an environment-agnostic stack); ` +
        'EKS cluster names are unique per account and region, and auth policies, ownership tags and DNS owner ids name clusters by it: give each cluster its own name, or give the stacks explicit, different env');
    }
  }
  places.set(env, scope.node.path);
}

/** Whether `clusterName` is a cluster of the app of `scope`. */
export function isClusterOfApp(scope: IConstruct, clusterName: string): boolean {
  return clusterNames.get(scope.node.root)?.has(clusterName) ?? false;
}

/** Records an export of `clusterName` in the app of `scope`, with the route protocol it serves. */
export function recordExport(scope: IConstruct, clusterName: string, namespace: string, exportName: string, port: number, protocol = 'HTTP'): void {
  let byCluster = registries.get(scope.node.root);
  if (!byCluster) registries.set(scope.node.root, byCluster = new Map());
  let exports = byCluster.get(clusterName);
  if (!exports) byCluster.set(clusterName, exports = new Map());
  exports.set(`${namespace}/${exportName}`, { port, protocol });
}

/** The exports of `clusterName` recorded in the app of `scope` (`<namespace>/<export name>` -> the export). */
export function exportsOf(scope: IConstruct, clusterName: string): ReadonlyMap<string, RecordedExport> {
  return registries.get(scope.node.root)?.get(clusterName) ?? new Map();
}
