import { IConstruct } from 'constructs';

/** Exports of an app, per exporting cluster name: `<namespace>/<export name>` -> export port. */
const registries = new WeakMap<IConstruct, Map<string, Map<string, number>>>();

/** Names of the clusters of an app (whose exports are all known at synth time). */
const clusterNames = new WeakMap<IConstruct, Set<string>>();

/** Records a cluster of the app of `scope`. */
export function recordCluster(scope: IConstruct, clusterName: string): void {
  let names = clusterNames.get(scope.node.root);
  if (!names) clusterNames.set(scope.node.root, names = new Set());
  names.add(clusterName);
}

/** Whether `clusterName` is a cluster of the app of `scope`. */
export function isClusterOfApp(scope: IConstruct, clusterName: string): boolean {
  return clusterNames.get(scope.node.root)?.has(clusterName) ?? false;
}

/** Records an export of `clusterName` in the app of `scope`. */
export function recordExport(scope: IConstruct, clusterName: string, namespace: string, exportName: string, port: number): void {
  let byCluster = registries.get(scope.node.root);
  if (!byCluster) registries.set(scope.node.root, byCluster = new Map());
  let exports = byCluster.get(clusterName);
  if (!exports) byCluster.set(clusterName, exports = new Map());
  exports.set(`${namespace}/${exportName}`, port);
}

/** The exports of `clusterName` recorded in the app of `scope` (`<namespace>/<export name>` -> port). */
export function exportsOf(scope: IConstruct, clusterName: string): ReadonlyMap<string, number> {
  return registries.get(scope.node.root)?.get(clusterName) ?? new Map();
}
