/**
 * Integration test of the cross-cluster example.
 *
 * Offline (every test run): `test/integ-snapshot.test.ts` synthesizes this app
 * and compares it with the committed snapshot in
 * `test/integ.cross-cluster.ts.snapshot/`. Deployed (`integ-runner` in an
 * account): the stacks deploy, a probe Job in eks-cluster1 must get an answer
 * from demo-cluster2, be denied by demo-cluster1, get ten answers from the
 * service both clusters serve and call cluster 2's gRPC service (the allowed
 * method answers with grpc-status 0, another method is refused; its KubernetesObjectValue
 * blocks the deployment until the Job succeeds), and the assertions below check
 * the service network's two VPC associations, the two demo services and the
 * resources stack's resource configuration (its association with the network
 * active), and that each cluster's deletion guard finds what its controller
 * and ExternalDNS created (the Lattice resources tagged for the cluster, the
 * records owned by the cluster in the zone): its checks look at the right
 * things, so they pass only once those are gone. The destroy step then runs
 * the guards for real: a leftover fails the destroy with its list.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, CfnOutput, Duration } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { addCrossClusterExample } from '../examples/cross-cluster/app';
import { APPS_NAMESPACE, ClusterStack } from '../examples/cross-cluster/cluster-stack';
import { DEMO_IMAGE } from '../examples/cross-cluster/demo-app';
import { LatticeDeletionGuard, LatticeServiceRoute } from '../src';

/**
 * A Job in `from` that calls both demo apps through the sidecar and checks the
 * answers, calls the service both clusters serve (`shared`) ten times, and calls
 * the gRPC service `grpc` (HTTP/2 through the sidecar): Check must answer
 * grpc-status 0, Watch must be refused by the auth policy.
 */
function addProbe(
  from: ClusterStack, allowed: ClusterStack, shared: LatticeServiceRoute, grpc: LatticeServiceRoute, domainName: string,
): eks.KubernetesObjectValue {
  const name = 'lattice-probe';
  // An empty grpc.health.v1.HealthCheckRequest in gRPC framing (flag and length: 5 zero bytes), over h2c to port 80.
  const grpcCall = (method: string) => 'printf \'\\000\\000\\000\\000\\000\' | curl -s --max-time 20 --http2-prior-knowledge ' +
    `-H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- -o /dev/null -D - http://${grpc.hostname}/grpc.health.v1.Health/${method}`;
  const script = [
    'set -eu',
    `ok="$(curl -s --max-time 20 http://${allowed.appName}.${domainName}/)"`,
    `echo "$ok" | grep -q "Hello from ${allowed.appName}-v1"`,
    `denied="$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' http://${from.appName}.${domainName}/)"`,
    'test "$denied" = 403',
    // Both clusters' exports are healthy targets of one Lattice service: every call answers.
    'for i in 1 2 3 4 5 6 7 8 9 10; do',
    `  code="$(curl -s --max-time 20 -o /dev/null -w '%{http_code}' http://${shared.hostname}/)"`,
    '  test "$code" = 200',
    'done',
    `check="$(${grpcCall('Check')})"`,
    'echo "$check" | grep -qi "^content-type: application/grpc"',
    'echo "$check" | grep -qi "^grpc-status: 0"',
    `watch="$(${grpcCall('Watch')})"`,
    'echo "$watch" | grep -q "^HTTP/2 403"',
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
  job.node.addDependency(from.route, allowed.route, shared, from.sharedService, grpc);
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

/**
 * What the deletion guard of `cluster` looks for exists while the stacks are up:
 * the demo service among the Lattice resources tagged with the cluster's
 * ManagedBy value, and ExternalDNS TXT registry records owned by the cluster
 * (owner id `<account>/<region>/<cluster>`).
 */
function addGuardAssertions(integ: IntegTest, cluster: ClusterStack, hostedZoneId: string): void {
  const guard = cluster.lattice.deletionGuard!;
  const tagged = integ.assertions.awsApiCall('ResourceGroupsTaggingAPI', 'getResources', {
    TagFilters: [{ Key: LatticeDeletionGuard.MANAGED_BY_TAG_KEY, Values: [guard.managedByTag] }],
  });
  // The SDK metadata maps this client to a 'tagging:' prefix; the IAM action is tag:GetResources.
  tagged.provider.addToRolePolicy({ Effect: 'Allow', Action: ['tag:GetResources'], Resource: ['*'] });
  tagged.expect(ExpectedResult.objectLike({
    ResourceTagMappingList: Match.arrayWith([Match.objectLike({ ResourceARN: Match.stringLikeRegexp(':service/svc-') })]),
  }));
  integ.assertions
    .awsApiCall('Route53', 'listResourceRecordSets', { HostedZoneId: hostedZoneId })
    .expect(ExpectedResult.objectLike({
      ResourceRecordSets: Match.arrayWith([Match.objectLike({
        Type: 'TXT',
        ResourceRecords: Match.arrayWith([Match.objectLike({ Value: Match.stringLikeRegexp(`external-dns/owner=[0-9]{12}/[a-z0-9-]+/${cluster.lattice.clusterName}[,"]`) })]),
      })]),
    }));
}

/** The integration test app. */
export function buildIntegApp(app: App): IntegTest {
  const { environment, clusters, resources, sharedRoute, greeterRoute } = addCrossClusterExample(app);
  // Both clusters must exist before cluster1's probe calls cluster2.
  clusters[0].addStackDependency(clusters[1], 'the probe in eks-cluster1 calls demo-cluster2');
  addProbe(clusters[0], clusters[1], sharedRoute, greeterRoute, environment.domain.domainName);

  const integ = new IntegTest(app, 'CrossCluster', {
    testCases: [environment, ...clusters, resources],
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
      items: Match.arrayWith([...clusters.map((c) => c.route), sharedRoute, greeterRoute]
        .map((r) => Match.objectLike({ name: r.latticeServiceName }))),
    }));
  integ.assertions
    .awsApiCall('VPCLattice', 'listServiceNetworkResourceAssociations', { serviceNetworkIdentifier: environment.network.serviceNetworkId })
    .expect(ExpectedResult.objectLike({
      items: Match.arrayWith([Match.objectLike({ resourceConfigurationName: resources.database.resourceConfigurationName, status: 'ACTIVE' })]),
    }));
  for (const c of clusters) addGuardAssertions(integ, c, environment.domain.hostedZone.hostedZoneId);
  return integ;
}

if (require.main === module) {
  const app = new App();
  buildIntegApp(app);
  app.synth();
}
