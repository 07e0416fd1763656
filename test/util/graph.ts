/**
 * The dependency graph of a synthesized CloudFormation template: an edge
 * A -> B when resource A references B (Ref, Fn::GetAtt, Fn::Sub) or lists it in
 * DependsOn, i.e. when CloudFormation creates B before A and deletes A before B.
 */
export class DependencyGraph {
  private readonly edges = new Map<string, Set<string>>();

  constructor(template: any) {
    const resources: Record<string, any> = template.Resources ?? {};
    for (const [id, resource] of Object.entries(resources)) {
      const targets = new Set<string>();
      const dependsOn = resource.DependsOn;
      for (const dep of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) targets.add(dep);
      collectReferences(resource.Properties, targets);
      for (const target of [...targets]) if (!(target in resources)) targets.delete(target);
      this.edges.set(id, targets);
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
