import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from './nag';
import { pseudoOnlyIntrinsic } from './pseudo-intrinsics';

/** Tag the AWS Gateway API Controller puts on every Lattice resource it creates: `<account>/<cluster>/<vpc id>`. */
export const CONTROLLER_MANAGED_BY_TAG = 'application-networking.k8s.aws/ManagedBy';

/**
 * The value of the controller's `ManagedBy` tag for one cluster, as the AWS
 * Gateway API Controller writes it: `<account>/<cluster name>/<vpc id>`.
 */
export function controllerManagedBy(account: string, clusterName: string, vpcId: string): string {
  return `${account}/${clusterName}/${vpcId}`;
}

/** What the controller's policy is built from. */
export interface GatewayControllerPolicySpec {
  /** Value of the controller's `ManagedBy` tag for this cluster (`<account>/<cluster>/<vpc id>`). */
  readonly managedBy: string;
  /** ARN of the CloudFormation-owned service network (never changed by the controller). */
  readonly serviceNetworkArn: string;
  /** VPC of the cluster: target groups are created only in it. */
  readonly vpcId: string;
}

/** Lattice writes that carry the resource's tags in the request context (`aws:ResourceTag`). */
const TAGGED_WRITES = [
  'UpdateService', 'DeleteService', 'UpdateListener', 'DeleteListener', 'UpdateRule', 'DeleteRule',
  'UpdateTargetGroup', 'DeleteTargetGroup', 'UpdateAccessLogSubscription', 'DeleteAccessLogSubscription',
  'DeleteServiceNetworkServiceAssociation',
].map((a) => `vpc-lattice:${a}`);

/** Lattice creates that carry the new resource's tags (`aws:RequestTag`): the controller always tags them. */
const TAGGED_CREATES = [
  'CreateService', 'CreateListener', 'CreateRule', 'CreateAccessLogSubscription', 'CreateServiceNetworkServiceAssociation',
].map((a) => `vpc-lattice:${a}`);

/** Creates of resources that live under a service (a listener, a rule of a listener). */
const CHILD_CREATES = ['CreateListener', 'CreateRule'].map((a) => `vpc-lattice:${a}`);

/**
 * Writes whose rows in the Service Authorization Reference list no condition key (target registration and
 * service auth policies); their resource types (service, target group) do carry `aws:ResourceTag`.
 */
const UNCONDITIONED_WRITES = ['RegisterTargets', 'DeregisterTargets', 'PutAuthPolicy', 'DeleteAuthPolicy']
  .map((a) => `vpc-lattice:${a}`);

/**
 * The values `vpc-lattice:CreateAction` may take for `actions` during tag-on-create.
 *
 * The Service Authorization Reference describes the key as "the name of a
 * resource-creating API action" without an example value. Every other service
 * with a `<service>:CreateAction` key documents the bare API name
 * (`ec2:CreateAction: RunInstances`, `ecs:CreateAction: CreateCluster`,
 * `elasticloadbalancing:CreateAction: CreateTargetGroup`), so that form is
 * listed first; the prefixed form (`vpc-lattice:CreateService`) is listed too,
 * so the statement holds whichever form Lattice puts in the request context.
 * The key is single-valued, so the list is an OR under `StringEquals`.
 */
export function createActionValues(actions: string[]): string[] {
  const bare = actions.map((a) => a.replace(/^vpc-lattice:/, ''));
  return [...bare, ...bare.map((a) => `vpc-lattice:${a}`)];
}

/** Actions on the service network that CloudFormation owns: denied to the controller whatever else allows them. */
const NETWORK_OWNER_ACTIONS = [
  'PutAuthPolicy', 'DeleteAuthPolicy', 'PutResourcePolicy', 'DeleteResourcePolicy', 'UpdateServiceNetwork',
  'DeleteServiceNetwork', 'TagResource', 'UntagResource', 'CreateAccessLogSubscription', 'CreateServiceNetworkVpcAssociation',
].map((a) => `vpc-lattice:${a}`);

/**
 * The AWS Gateway API Controller's identity policy, least privilege for one
 * cluster:
 *
 * - reads (Get/List) in the cluster's account and region;
 * - creates only resources tagged `ManagedBy=<this cluster>` (the controller
 *   always tags), target groups only in the cluster's VPC;
 * - updates and deletes only resources tagged for this cluster (so one
 *   cluster's controller cannot change or delete another cluster's services;
 *   untagged resources are never adopted);
 * - target registration and service auth policies only on services and
 *   target groups of the account and region, and not on another cluster's
 *   whenever Lattice puts their tags in the request context (the Service
 *   Authorization Reference lists no condition key for these actions, so the
 *   tag is matched with `IfExists`); listeners and rules the same way under
 *   their parent;
 * - an explicit deny of every write to the service network and its VPC
 *   associations, which CloudFormation owns (an IAMAuthPolicy on the Gateway
 *   would otherwise replace the network's auth policy).
 */
export function gatewayControllerStatements(stack: Stack, spec: GatewayControllerPolicySpec): iam.PolicyStatement[] {
  // One pre-resolved ARN per resource type: the policy names each several times (see pseudoOnlyIntrinsic).
  const arns = new Map<string, string>();
  const arn = (resource: string) => {
    let value = arns.get(resource);
    if (value === undefined) {
      value = pseudoOnlyIntrinsic(stack, stack.formatArn({ service: 'vpc-lattice', resource, resourceName: '*' }));
      arns.set(resource, value);
    }
    return value;
  };
  const ownTag = { [`aws:ResourceTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy };
  const inRegion = { 'aws:RequestedRegion': stack.region };
  return [
    new iam.PolicyStatement({
      sid: 'ReadLattice',
      actions: ['vpc-lattice:Get*', 'vpc-lattice:List*'],
      resources: ['*'],
      conditions: { StringEquals: inRegion },
    }),
    new iam.PolicyStatement({
      sid: 'CreateOwnLatticeResources',
      actions: TAGGED_CREATES.filter((a) => !CHILD_CREATES.includes(a)),
      resources: [arn('service'), arn('servicenetworkserviceassociation'), arn('accesslogsubscription'), spec.serviceNetworkArn],
      conditions: { StringEquals: { [`aws:RequestTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy } },
    }),
    new iam.PolicyStatement({
      // Listeners and rules tagged for this cluster, and (whenever Lattice puts the parent's tags in the request
      // context) only under this cluster's services and listeners.
      sid: 'CreateListenersAndRulesOnOwnServices',
      actions: CHILD_CREATES,
      resources: [arn('service')],
      conditions: {
        StringEquals: { [`aws:RequestTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy },
        StringEqualsIfExists: ownTag,
      },
    }),
    new iam.PolicyStatement({
      sid: 'CreateOwnTargetGroupsInClusterVpc',
      actions: ['vpc-lattice:CreateTargetGroup'],
      resources: [arn('targetgroup')],
      conditions: { StringEquals: { [`aws:RequestTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy, 'vpc-lattice:VpcId': spec.vpcId } },
    }),
    new iam.PolicyStatement({
      sid: 'TagOnCreate',
      actions: ['vpc-lattice:TagResource'],
      resources: [arn('service'), arn('targetgroup'), arn('servicenetworkserviceassociation'), arn('accesslogsubscription')],
      conditions: {
        StringEquals: {
          [`aws:RequestTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy,
          'vpc-lattice:CreateAction': createActionValues([...TAGGED_CREATES, 'vpc-lattice:CreateTargetGroup']),
        },
      },
    }),
    new iam.PolicyStatement({
      sid: 'ChangeOwnLatticeResources',
      actions: TAGGED_WRITES,
      resources: [arn('service'), arn('targetgroup'), arn('servicenetworkserviceassociation'), arn('accesslogsubscription')],
      conditions: { StringEquals: ownTag },
    }),
    new iam.PolicyStatement({
      // Tags on its own resources; the ownership tag, when set, only to this cluster (never handed to another).
      sid: 'TagOwnLatticeResources',
      actions: ['vpc-lattice:TagResource'],
      resources: [arn('service'), arn('targetgroup'), arn('servicenetworkserviceassociation'), arn('accesslogsubscription')],
      conditions: {
        StringEquals: ownTag,
        StringEqualsIfExists: { [`aws:RequestTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy },
      },
    }),
    new iam.PolicyStatement({
      sid: 'UntagExceptOwnership',
      actions: ['vpc-lattice:UntagResource'],
      resources: [arn('service'), arn('targetgroup'), arn('servicenetworkserviceassociation'), arn('accesslogsubscription')],
      conditions: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [CONTROLLER_MANAGED_BY_TAG] } },
    }),
    new iam.PolicyStatement({
      // The Service Authorization Reference lists no condition key in these actions' rows, though their resource
      // types carry aws:ResourceTag: IfExists denies another cluster's resources whenever Lattice puts their tags
      // in the request context, and keeps the controller working if it does not.
      sid: 'TargetsAndServiceAuthPolicies',
      actions: UNCONDITIONED_WRITES,
      resources: [arn('targetgroup'), arn('service')],
      conditions: { StringEqualsIfExists: ownTag },
    }),
    new iam.PolicyStatement({
      sid: 'NetworkIsOwnedByCloudFormation',
      effect: iam.Effect.DENY,
      actions: NETWORK_OWNER_ACTIONS,
      resources: [spec.serviceNetworkArn, arn('servicenetworkvpcassociation')],
    }),
    new iam.PolicyStatement({
      sid: 'DenyOtherNetworks',
      effect: iam.Effect.DENY,
      actions: ['vpc-lattice:CreateServiceNetwork', 'vpc-lattice:DeleteServiceNetworkVpcAssociation', 'vpc-lattice:UpdateServiceNetworkVpcAssociation'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'DiscoverNetworkAndCertificates',
      actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeTags', 'ec2:DescribeSecurityGroups', 'acm:ListCertificates', 'tag:GetResources'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'TagThroughTaggingApi',
      actions: ['tag:TagResources', 'tag:UntagResources'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'LatticeServiceLinkedRole',
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [pseudoOnlyIntrinsic(stack, stack.formatArn({
        service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/vpc-lattice.amazonaws.com/AWSServiceRoleForVpcLattice',
      }))],
      conditions: { StringLike: { 'iam:AWSServiceName': 'vpc-lattice.amazonaws.com' } },
    }),
  ];
}

/** cdk-nag acknowledgements of exactly the wildcards `gatewayControllerStatements` needs, each with its reason. */
export function acknowledgeGatewayControllerPolicy(role: iam.IRole): void {
  const stack = Stack.of(role);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  acknowledge(role, 'AwsSolutions-IAM5[Action::vpc-lattice:Get*]',
    'Read-only: the controller reads the Lattice resources it reconciles (Get*), in the cluster\'s region only.');
  acknowledge(role, 'AwsSolutions-IAM5[Action::vpc-lattice:List*]',
    'Read-only: the controller lists Lattice resources to find its own (List*), in the cluster\'s region only.');
  acknowledge(role, 'AwsSolutions-IAM5[Resource::*]',
    'Only on actions without resource types: vpc-lattice List*, ec2 Describe*, acm:ListCertificates and the tag: API '
    + '(whose vpc-lattice:TagResource/UntagResource underneath are limited to this cluster\'s ManagedBy tag); and in two Deny statements.');
  for (const type of ['service', 'targetgroup', 'servicenetworkserviceassociation', 'accesslogsubscription']) {
    acknowledge(role, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:vpc-lattice:${region}:${account}:${type}/*]`,
      `Lattice generates ${type} ids; every write is limited to the account and region and, where Lattice supports it, to resources tagged ManagedBy for this cluster.`);
  }
}

/** Tag keys the controller puts on the Lattice services it creates, naming the route. */
export const CONTROLLER_ROUTE_NAME_TAG = 'application-networking.k8s.aws/RouteName';
/** Tag key naming the route's namespace. */
export const CONTROLLER_ROUTE_NAMESPACE_TAG = 'application-networking.k8s.aws/RouteNamespace';

/** ARN pattern of Lattice services only (`svc-` and 17 characters), not their listeners and rules. */
const SERVICE_ID_PATTERN = 'svc-?????????????????';

/** The route a takeover is declared on: only its Lattice service changes hands. */
export interface TakeoverSpec {
  /** Value of the previous owner's `ManagedBy` tag. */
  readonly previousOwner: string;
  /** Value of this cluster's `ManagedBy` tag. */
  readonly managedBy: string;
  /** Name of the route (the service's `RouteName` tag). */
  readonly routeName: string;
  /** Namespace of the route (the service's `RouteNamespace` tag). */
  readonly routeNamespace: string;
}

/**
 * Lets the controller take over the Lattice service of one route from
 * `previousOwner` (the route's `allow-takeover-from` annotation), as the
 * controller does it (v2.1.3 `transferServiceOwnership`, and the listener and
 * rule managers): retag the service, only when it is tagged
 * `ManagedBy=<previousOwner>` and names this route (`RouteName`,
 * `RouteNamespace` tags), and only to `ManagedBy=<managedBy>`; and retag the
 * previous owner's listeners, rules and network associations (which carry no
 * route tags) the same way. The statements exist only while a route declares
 * the takeover.
 */
export function takeoverStatements(stack: Stack, sid: string, spec: TakeoverSpec): iam.PolicyStatement[] {
  const arn = (resource: string, name: string) =>
    pseudoOnlyIntrinsic(stack, stack.formatArn({ service: 'vpc-lattice', resource, resourceName: name }));
  const owners = {
    [`aws:ResourceTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.previousOwner,
    [`aws:RequestTag/${CONTROLLER_MANAGED_BY_TAG}`]: spec.managedBy,
  };
  return [
    new iam.PolicyStatement({
      sid: `${sid}Service`,
      actions: ['vpc-lattice:TagResource'],
      resources: [arn('service', SERVICE_ID_PATTERN)],
      conditions: {
        StringEquals: {
          ...owners,
          [`aws:ResourceTag/${CONTROLLER_ROUTE_NAME_TAG}`]: spec.routeName,
          [`aws:ResourceTag/${CONTROLLER_ROUTE_NAMESPACE_TAG}`]: spec.routeNamespace,
        },
      },
    }),
    new iam.PolicyStatement({
      sid: `${sid}ListenersRulesAssociations`,
      actions: ['vpc-lattice:TagResource'],
      resources: [arn('service', '*/listener/*'), arn('servicenetworkserviceassociation', '*')],
      conditions: { StringEquals: owners },
    }),
  ];
}
