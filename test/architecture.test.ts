/**
 * The layout of src/ stays a tree: no import cycle among its files (type-only
 * imports included), and the lowest layers (private helpers, Kubernetes
 * builders, pinned versions) import nothing from the layers above them.
 */
import * as fs from 'fs';
import * as path from 'path';

const SRC = path.join(__dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative imports and re-exports of each file, resolved to files (`import type` included). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = fs.readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']*)'/gms)].map((m) => {
      const base = path.resolve(path.dirname(file), m[1]);
      return fs.existsSync(`${base}.ts`) ? `${base}.ts` : path.join(base, 'index.ts');
    });
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every strongly connected component with more than one file, or a file importing itself (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.map((f) => path.relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('src/ import graph', () => {
  const graph = importGraph();

  test('has the files of every layer', () => {
    const layers = new Set([...graph.keys()].map((f) => path.relative(SRC, f).split(path.sep)[0]));
    for (const layer of ['private', 'k8s', 'network', 'domain', 'cluster', 'auth', 'sidecar', 'service']) expect(layers).toContain(layer);
  });

  test('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  test('the cycle finder finds a cycle', () => {
    const a = path.join(SRC, 'a.ts');
    const b = path.join(SRC, 'b.ts');
    expect(cycles(new Map([[a, [b]], [b, [a]]]))).toEqual([['a.ts', 'b.ts']]);
  });

  test.each(['private', 'k8s'])('%s/ imports only from itself and versions.ts', (layer) => {
    const outside = [...graph.entries()]
      .filter(([file]) => path.relative(SRC, file).startsWith(`${layer}${path.sep}`))
      .flatMap(([file, targets]) => targets
        .map((t) => path.relative(SRC, t))
        .filter((t) => !t.startsWith(`${layer}${path.sep}`) && t !== 'versions.ts')
        .map((t) => `${path.relative(SRC, file)} -> ${t}`));
    expect(outside).toEqual([]);
  });
});
