/**
 * The dependency graph of a synthesized CloudFormation template: an edge
 * A -> B when resource A references B (Ref, Fn::GetAtt, Fn::Sub) or lists it in
 * DependsOn, i.e. when CloudFormation creates B before A and deletes A before B.
 */
export class DependencyGraph {
  private readonly edges = new Map<string, Set<string>>();
  private readonly types = new Map<string, string>();
  private readonly resources: Record<string, any>;

  constructor(template: any) {
    const resources: Record<string, any> = this.resources = template.Resources ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      const targets = new Set<string>();
      const dependsOn = resource.DependsOn;
      for (const dep of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) targets.add(dep);
      collectReferences(resource.Properties, targets);
      for (const target of [...targets]) if (!(target in resources)) targets.delete(target);
      this.edges.set(id, targets);
      this.types.set(id, resource.Type);
    }
  }

  /** Whether `from` (transitively) depends on `to`: `to` is created first and deleted last. */
  public dependsOn(from: string, to: string): boolean {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const current = stack.pop()!;
      for (const next of this.edges.get(current) ?? []) {
        if (next === to) return true;
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  }

  /** Logical ids of the resources whose type matches. */
  public ofType(type: string | RegExp): string[] {
    return [...this.types].filter(([, t]) => (typeof type === 'string' ? t === type : type.test(t))).map(([id]) => id);
  }

  /** Direct dependencies of `id`. */
  public directDependencies(id: string): string[] {
    return [...(this.edges.get(id) ?? [])];
  }

  /**
   * The dependency chain with the most resources `counted` (creation order, or
   * deletion order with `reverse`). The graph is a DAG (CloudFormation rejects cycles).
   */
  public longestChain(counted: (resource: any) => boolean, reverse = false): CriticalPath {
    // best(id) = the longest chain ending at id in creation order (id's dependencies first).
    const memo = new Map<string, CriticalPath>();
    const best = (id: string): CriticalPath => {
      const known = memo.get(id);
      if (known) return known;
      let longest: CriticalPath = { length: 0, chain: [] };
      for (const dep of this.edges.get(id) ?? []) {
        const candidate = best(dep);
        if (candidate.length > longest.length) longest = candidate;
      }
      const self = counted(this.resources[id]);
      const result = { length: longest.length + (self ? 1 : 0), chain: self ? [...longest.chain, id] : longest.chain };
      memo.set(id, result);
      return result;
    };
    let overall: CriticalPath = { length: 0, chain: [] };
    for (const id of this.edges.keys()) {
      const candidate = best(id);
      if (candidate.length > overall.length) overall = candidate;
    }
    return reverse ? { length: overall.length, chain: [...overall.chain].reverse() } : overall;
  }
}

/** Custom resource types whose Delete does nothing (lookups and waiters): they cost nothing on destroy. */
const NO_OP_ON_DELETE = new Set(['Custom::AWSCDK-EKS-KubernetesObjectValue']);

/** Whether a resource is a custom resource (a Lambda-backed step CloudFormation waits for). */
export function isCustomResource(resource: any): boolean {
  return typeof resource?.Type === 'string' && (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource');
}

/** Whether a custom resource does work when it is deleted (an AwsCustomResource without onDelete, a waiter: no). */
export function customResourceWorksOnDelete(resource: any): boolean {
  if (!isCustomResource(resource) || NO_OP_ON_DELETE.has(resource.Type)) return false;
  if (resource.Type === 'Custom::AWS') return resource.Properties?.Delete !== undefined;
  return true;
}

/** A longest chain of sequential custom resources. */
export interface CriticalPath {
  /** Number of counted custom resources on the chain. */
  readonly length: number;
  /** Logical ids of those resources, in the order CloudFormation processes them. */
  readonly chain: string[];
}

/**
 * The critical path of a template in custom resources: the largest number of
 * custom resources on one dependency chain (other resources on the chain are
 * traversed but not counted). Deploy counts every custom resource, in creation
 * order; destroy walks the reverse graph and counts only those whose Delete
 * does work.
 */
export function criticalPath(template: any, phase: 'deploy' | 'destroy'): CriticalPath {
  const graph = new DependencyGraph(template);
  return graph.longestChain(phase === 'deploy' ? isCustomResource : customResourceWorksOnDelete, phase === 'destroy');
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectReferences(v, into));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'Ref' && typeof v === 'string') {into.add(v);} else if (key === 'Fn::GetAtt') {into.add(Array.isArray(v) ? v[0] : String(v).split('.')[0]);} else if (key === 'Fn::Sub') {
        const text = Array.isArray(v) ? v[0] : v;
        for (const m of String(text).matchAll(/\$\{([^}.!]+)[^}]*\}/g)) into.add(m[1]);
        if (Array.isArray(v)) collectReferences(v[1], into);
      } else {collectReferences(v, into);}
    }
  }
}
