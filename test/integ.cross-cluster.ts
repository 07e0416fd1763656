/**
 * Integration test of the cross-cluster example.
 *
 * Offline (every test run): `test/integ-snapshot.test.ts` synthesizes this app
 * and compares it with the committed snapshot in
 * `test/integ.cross-cluster.ts.snapshot/`. Deployed (`integ-runner` in an
 * account): the stacks deploy, a probe Job in eks-cluster1 must get an answer
 * from demo-cluster2 and be denied by demo-cluster1 (its KubernetesObjectValue
 * blocks the deployment until the Job succeeds), and the assertions below check
 * the service network's two VPC associations and the two demo services.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { addCrossClusterExample } from '../examples/cross-cluster/app';
import { APPS_NAMESPACE, ClusterStack } from '../examples/cross-cluster/cluster-stack';
import { DEMO_IMAGE } from '../examples/cross-cluster/demo-app';

/** A Job in `from` that calls both demo apps through the sidecar and checks the answers. */
function addProbe(from: ClusterStack, allowed: ClusterStack, domainName: string): eks.KubernetesObjectValue {
  const name = 'lattice-probe';
  const script = [
    'set -eu',
    `ok="$(curl -s --max-time 20 http://${allowed.appName}.${domainName}/)"`,
    `echo "$ok" | grep -q "Hello from ${allowed.appName}-v1"`,
    `denied="$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' http://${from.appName}.${domainName}/)"`,
    'test "$denied" = 403',
  ].join('\n');
  const job = from.lattice.cluster.addManifest('Probe', {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: APPS_NAMESPACE },
    spec: {
      backoffLimit: 10,
      template: {
        metadata: { annotations: { [from.sidecar.annotationKey]: 'true' } },
        spec: {
          serviceAccountName: from.appName,
          restartPolicy: 'Never',
          containers: [{ name: 'probe', image: DEMO_IMAGE, command: ['/bin/sh', '-c', script] }],
        },
      },
    },
  });
  from.sidecar.addWorkload(job);
  job.node.addDependency(from.route, allowed.route);
  const succeeded = new eks.KubernetesObjectValue(from, 'ProbeSucceeded', {
    cluster: from.lattice.cluster,
    objectType: 'job',
    objectName: name,
    objectNamespace: APPS_NAMESPACE,
    jsonPath: '.status.succeeded',
    timeout: Duration.minutes(15),
  });
  succeeded.node.addDependency(job);
  new CfnOutput(from, 'ProbeResult', { value: succeeded.value });
  return succeeded;
}

/** The integration test app. */
export function buildIntegApp(app: App): IntegTest {
  const { environment, clusters } = addCrossClusterExample(app);
  // Both clusters must exist before cluster1's probe calls cluster2.
  clusters[0].addStackDependency(clusters[1], 'the probe in eks-cluster1 calls demo-cluster2');
  addProbe(clusters[0], clusters[1], environment.domain.domainName);

  const integ = new IntegTest(app, 'CrossCluster', {
    testCases: [environment, ...clusters],
    diffAssets: false,
    stackUpdateWorkflow: false,
  });
  integ.assertions
    .awsApiCall('VPCLattice', 'listServiceNetworkVpcAssociations', { serviceNetworkIdentifier: environment.network.serviceNetworkId })
    .expect(ExpectedResult.objectLike({
      items: Match.arrayWith([Match.objectLike({ status: 'ACTIVE' }), Match.objectLike({ status: 'ACTIVE' })]),
    }));
  integ.assertions
    .awsApiCall('VPCLattice', 'listServices', {})
    .expect(ExpectedResult.objectLike({
      items: Match.arrayWith(clusters.map((c) => Match.objectLike({ name: c.route.latticeServiceName }))),
    }));
  return integ;
}

if (require.main === module) {
  const app = new App();
  buildIntegApp(app);
  app.synth();
}
