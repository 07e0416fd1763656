import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DependencyGraph } from './util/graph';
import { expectValidK8sObjects, k8sObjectsInTemplate } from './util/k8s-schema';
import { addCrossClusterExample } from '../examples/cross-cluster/app';

describe('cross-cluster example', () => {
  const app = new App();
  const { environment, clusters } = addCrossClusterExample(app);
  const templates = [environment, ...clusters].map((s) => Template.fromStack(s).toJSON());

  test('every Kubernetes object validates against the upstream or core schemas', () => {
    const checked = templates.flatMap((t) => expectValidK8sObjects(t));
    expect(checked.length).toBeGreaterThan(20);
  });

  test('each demo app admits only the other cluster\'s apps namespace', () => {
    for (const [i, template] of templates.slice(1).entries()) {
      const policy = k8sObjectsInTemplate(template).map((o) => o.object).find((o) => o.kind === 'IAMAuthPolicy');
      expect(policy.spec.targetRef).toMatchObject({ kind: 'HTTPRoute', name: `demo-cluster${i + 1}` });
      expect(policy.spec.policy).toContain(`eks-cluster${2 - i}`);
    }
  });

  test('the demo app is created after injection is ready and before its route', () => {
    const json = templates[1];
    const g = new DependencyGraph(json);
    const objects = k8sObjectsInTemplate(json);
    const idOf = (kind: string) => objects.find((o) => o.object.kind === kind)!.logicalId;
    expect(g.dependsOn(idOf('Deployment'), idOf('MutatingPolicy'))).toBe(true);
    expect(g.dependsOn(idOf('HTTPRoute'), idOf('Deployment'))).toBe(true);
  });

  test('cluster stacks depend on the environment only', () => {
    app.synth();
    for (const c of clusters) expect(c.dependencies.map((d) => d.stackName)).toEqual(['lattice-environment']);
  });
});
