import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';

/**
 * The AwsSolutions findings of a plain aws-eks-v2 Auto Mode cluster, each
 * acknowledged on the exact construct with its reason: they belong to the
 * team's cluster, not to the Lattice integration.
 */
export function acknowledgeAutoModeCluster(cluster: eks.Cluster): void {
  const ack = (scope: { node: any }, id: string, reason: string) => Validations.of(scope as any).acknowledge({ id, reason });
  const managed = (policy: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`;
  for (const policy of ['AmazonEKSClusterPolicy', 'AmazonEKSComputePolicy', 'AmazonEKSBlockStoragePolicy', 'AmazonEKSLoadBalancingPolicy', 'AmazonEKSNetworkingPolicy']) {
    ack(cluster.role, managed(policy), `${policy} is one of the policies EKS requires on the cluster role of an EKS Auto Mode cluster; AWS maintains it.`);
  }
  const nodeRole = cluster.node.tryFindChild(`${cluster.node.id}nodePoolRole`);
  for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly']) {
    if (nodeRole) ack(nodeRole, managed(policy), `${policy} is one of the two policies EKS documents for the EKS Auto Mode node role.`);
  }
  const provider = cluster.node.tryFindChild('KubectlProvider');
  const handler = provider?.node.tryFindChild('Handler');
  if (!provider || !handler) return;
  for (const policy of ['service-role/AWSLambdaBasicExecutionRole', 'service-role/AWSLambdaVPCAccessExecutionRole', 'AmazonEC2ContainerRegistryReadOnly']) {
    ack(handler, managed(policy), `aws-eks-v2's kubectl handler is created with ${policy}; the construct does not expose its role policies.`);
  }
  const stack = Stack.of(cluster);
  const condition = cluster.node.findAll().find((c) => c.node.id === 'HasEcrPublic');
  const conditionId = condition ? stack.getLogicalId(condition as any) : 'HasEcrPublic';
  ack(handler, `AwsSolutions-IAM4[Policy::{"Fn::If":["${conditionId}",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]`,
    'aws-eks-v2\'s kubectl handler reads public ECR (OCI Helm charts) where that partition has it.');
  ack(handler, 'AwsSolutions-L1', 'The kubectl handler runtime is chosen by aws-eks-v2 to match its kubectl layer.');
  const handlerResource = handler.node.defaultChild;
  const handlerId = handlerResource && !Token.isUnresolved(stack.resolve((handlerResource as any).logicalId)) ? stack.getLogicalId(handlerResource as any) : 'Handler';
  ack(provider, `AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`, 'The custom resource framework may invoke any version of the kubectl handler function (and only that).');
  ack(provider, managed('service-role/AWSLambdaBasicExecutionRole'), 'The custom resource framework function of aws-eks-v2 writes its logs with the basic execution role.');
  ack(provider, managed('service-role/AWSLambdaVPCAccessExecutionRole'), 'The custom resource framework function of aws-eks-v2 runs in the cluster VPC to reach a private endpoint.');
  const onEvent = provider.node.tryFindChild('Provider')?.node.tryFindChild('framework-onEvent');
  if (onEvent) {
    ack(onEvent, 'AwsSolutions-L1',
      'aws-cdk-lib chooses the runtime of its custom resource framework function and exposes no prop for it; it moves with aws-cdk-lib.');
  }
}
