/**
 * Tenant isolation on a cluster: the admission policies the library installs
 * on every cluster it manages, where they sit in the deploy order, and whom
 * they trust. (The control-plane engine test runs them on a real API server.)
 */
import { Template } from 'aws-cdk-lib/assertions';
import { clusterFixture } from './util/fixtures';
import { DependencyGraph } from './util/graph';
import { k8sObjectsInTemplate } from './util/k8s-schema';
import { ROUTE_OWNERSHIP_ANNOTATIONS } from '../src/k8s/tenant-guard';

const f = clusterFixture();
const route = f.cluster.exposeService('Orders', { serviceName: 'orders', namespace: 'shop', port: 80, createNamespace: true });
const json = Template.fromStack(f.stack).toJSON();
const objects = k8sObjectsInTemplate(json);
const guard = objects.filter((o) => o.object.metadata.name.startsWith('cdk-lattice-eks-tenant'));
const policies = guard.filter((o) => o.object.kind === 'ValidatingAdmissionPolicy').map((o) => o.object);
const policy = (suffix: string) => policies.find((p) => p.metadata.name === `cdk-lattice-eks-tenant-${suffix}`);

describe('the tenant-isolation admission policies', () => {
  test('four policies, each with a Deny binding, in one manifest', () => {
    expect(policies.map((p) => p.metadata.name).sort()).toEqual([
      'cdk-lattice-eks-tenant-dnsendpoint-writer', 'cdk-lattice-eks-tenant-keep-auth-policies',
      'cdk-lattice-eks-tenant-policy-scope', 'cdk-lattice-eks-tenant-route-scope',
    ]);
    const bindings = guard.filter((o) => o.object.kind === 'ValidatingAdmissionPolicyBinding').map((o) => o.object);
    expect(bindings.map((b) => [b.spec.policyName, b.spec.validationActions])).toEqual(policies.map((p) => [p.metadata.name, ['Deny']]));
    expect(new Set(guard.map((o) => o.logicalId)).size).toBe(1);
    for (const p of policies) expect(p.spec.failurePolicy).toBe('Fail');
  });

  test('policies target only their own namespace, never a Gateway', () => {
    const scope = policy('policy-scope');
    expect(scope.spec.matchConstraints.resourceRules[0].resources).toEqual(['iamauthpolicies', 'targetgrouppolicies', 'accesslogpolicies']);
    expect(scope.spec.validations[0].expression).toContain('object.spec.targetRef.namespace == object.metadata.namespace');
    expect(scope.spec.validations[1].expression).toContain('object.spec.targetRef.kind != \'Gateway\'');
  });

  test('routes send only to their own namespace; the ownership annotations are the deployer\'s', () => {
    const routes = policy('route-scope');
    expect(routes.spec.matchConstraints.resourceRules[0].resources).toEqual(['httproutes', 'grpcroutes', 'tlsroutes']);
    expect(routes.spec.validations[0].expression).toContain('b.namespace == object.metadata.namespace');
    const text = JSON.stringify(routes.spec.validations.slice(1));
    for (const annotation of ROUTE_OWNERSHIP_ANNOTATIONS) expect(text).toContain(annotation);
  });

  test('the deployer is the kubectl handler\'s role, by canonical ARN or session name', () => {
    const handlerRole = f.cluster.cluster.kubectlProvider!.role!;
    const roleId = f.stack.getLogicalId(handlerRole.node.defaultChild as any);
    const text = JSON.stringify(json.Resources[guard[0].logicalId].Properties.Manifest);
    expect(text).toContain(roleId);
    expect(text).toContain('canonicalArn');
    expect(text).toContain(':assumed-role/');
    expect(text).toContain('system:masters');
  });

  test('the library\'s auth policies are kept: changes and deletes by others are refused, the controller and namespace controller pass', () => {
    const keep = policy('keep-auth-policies');
    expect(keep.spec.matchConstraints.resourceRules[0].operations).toEqual(['UPDATE', 'DELETE']);
    const conditions = JSON.stringify(keep.spec.matchConditions);
    expect(conditions).toContain('app.kubernetes.io/managed-by');
    expect(conditions).toContain('system:serviceaccount:aws-application-networking-system:gateway-api-controller');
    expect(conditions).toContain('system:serviceaccount:kube-system:namespace-controller');
  });

  test('DNSEndpoints are written only by the controller', () => {
    expect(JSON.stringify(policy('dnsendpoint-writer').spec.validations)).toContain('system:serviceaccount:aws-application-networking-system:gateway-api-controller');
  });

  test('routes and their auth policies come after the guard and are deleted before it; the charts do not wait for it', () => {
    const graph = new DependencyGraph(json);
    const guardId = guard[0].logicalId;
    const id = (c: { node: any }) => f.stack.getLogicalId(c.node.defaultChild as any);
    expect(graph.dependsOn(id(route.manifest), guardId)).toBe(true);
    expect(graph.dependsOn(id(f.cluster.gatewayControllerChart), guardId)).toBe(false);
  });

  test('tenantIsolation false: no guard', () => {
    const off = clusterFixture({ tenantIsolation: false });
    const names = k8sObjectsInTemplate(Template.fromStack(off.stack).toJSON()).map((o) => o.object.metadata.name);
    expect(names.filter((n) => n.startsWith('cdk-lattice-eks-tenant'))).toEqual([]);
  });
});
