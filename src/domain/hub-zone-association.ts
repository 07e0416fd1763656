import * as path from 'path';
import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { spokeRolePath } from '../private/hub-zone';
import { acknowledge } from '../private/nag';

/** What the spoke side of a hub's zone associates. */
export interface HubZoneAssociationSpec {
  readonly domainName: string;
  readonly hostedZoneId: string;
  readonly hostedZoneArn: string;
  /** ARN of the hub's VPC role for this account. */
  readonly hubVpcRoleArn: string;
}

/**
 * The function that associates VPCs of a stack with a hub's zone: one per stack
 * and domain. Its role lives under the IAM path the hub trusts
 * (`/lattice-zone/<domain>/vpc/`), so it is the only kind of role of the
 * account that may assume the hub's VPC role.
 */
function associationFunction(stack: Stack, spec: HubZoneAssociationSpec): lambda.Function {
  const id = `HubZoneAssociation-${spec.domainName}`;
  const existing = stack.node.tryFindChild(id) as lambda.Function | undefined;
  if (existing) return existing;
  const role = new iam.Role(stack, `${id}-Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    path: spokeRolePath(spec.domainName, 'vpc'),
    description: `Associates this stack's VPCs with the ${spec.domainName} zone of the hub account`,
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
  });
  const fn = new lambda.Function(stack, id, {
    description: `Associates VPCs with the ${spec.domainName} private zone of the hub account (authorization through the hub's role)`,
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'hub-zone-association')),
    timeout: Duration.minutes(2),
    memorySize: 128,
    role,
  });
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'AssumeHubVpcRole', actions: ['sts:AssumeRole'], resources: [spec.hubVpcRoleArn] }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    sid: 'AssociateWithHubZone',
    actions: ['route53:AssociateVPCWithHostedZone', 'route53:DisassociateVPCFromHostedZone'],
    resources: [spec.hostedZoneArn],
  }));
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DescribeVpcs', actions: ['ec2:DescribeVpcs'], resources: ['*'] }));
  acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
    'Route 53 requires ec2:DescribeVpcs to associate or disassociate a VPC, and DescribeVpcs supports no resource-level permissions; the Route 53 actions are scoped to the hub zone.');
  acknowledge(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The function writes its own CloudWatch Logs with the basic execution role; its AWS permissions are separate inline statements.');
  acknowledge(fn, 'AwsSolutions-L1',
    'The runtime is pinned (nodejs22.x) so that an aws-cdk-lib upgrade does not change it silently; it is raised together with the handler.');
  return fn;
}

/**
 * `Custom::PrivateZoneVpcAssociation` in the VPC's stack: authorization in the
 * hub (through its VPC role), association here, authorization removed; at
 * deletion, disassociation.
 */
export function hubZoneAssociation(vpc: ec2.IVpc, id: string, spec: HubZoneAssociationSpec): CustomResource {
  const stack = Stack.of(vpc);
  const fn = associationFunction(stack, spec);
  // Beside the VPC, not in it: aws-eks-v2 makes a cluster depend on its whole VPC construct, and nothing in the
  // cluster needs the association first.
  const resource = new CustomResource((vpc.node.scope ?? stack) as Construct, `${vpc.node.id}-${id}`, {
    serviceToken: fn.functionArn,
    resourceType: 'Custom::PrivateZoneVpcAssociation',
    properties: { HostedZoneId: spec.hostedZoneId, VpcId: vpc.vpcId, VpcRegion: stack.region, HubRoleArn: spec.hubVpcRoleArn },
  });
  // Deleted before the function's permissions are.
  resource.node.addDependency(fn.role!);
  return resource;
}
