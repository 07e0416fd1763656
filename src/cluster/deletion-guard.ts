import * as path from 'path';
import { CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { CONTROLLER_MANAGED_BY_TAG, controllerManagedBy } from '../private/controller-policy';
import { validationError } from '../private/errors';
import { acknowledge, nagResource } from '../private/nag';
import { pseudoOnlyIntrinsic } from '../private/pseudo-intrinsics';

const KIND = 'LatticeDeletionGuard';

/** Lambda runs a function for at most 15 minutes; the guard waits and cleans up within one invocation. */
const LAMBDA_MAX_MINUTES = 15;

/** Time the function keeps after the wait and cleanup to answer CloudFormation. */
const RESPONSE_MARGIN = Duration.minutes(1);

/** Longest wait without `deleteLeftovers`: the Lambda limit less the response margin. */
const MAX_TIMEOUT_MINUTES = LAMBDA_MAX_MINUTES - RESPONSE_MARGIN.toMinutes();

/** Options of the deletion guard of a `LatticeEksCluster`. */
export interface DeletionGuardOptions {
  /**
   * Add the guard. Without it a Lattice service or DNS record that the
   * controller or ExternalDNS fail to remove stays behind, and deleting the
   * service network or the hosted zone then fails. Turning it off on a
   * deployed stack deletes the guard while the routes still exist: it then
   * waits for `timeout` and fails, which CloudFormation reports and ignores in
   * the update's clean-up phase.
   *
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * How long the guard waits, when the stack is deleted, for the controller
   * and ExternalDNS to remove what they created: 1 to 14 minutes, or 1 to 10
   * with `deleteLeftovers` (the guard waits and cleans up within one Lambda
   * invocation, at most 15 minutes, keeping one minute to answer
   * CloudFormation).
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * Delete the leftovers when `timeout` has passed (VPC Lattice resources
   * tagged for this cluster, records ExternalDNS owns for it), for up to
   * `LatticeDeletionGuard.CLEANUP_TIME` more, instead of failing at once.
   * Gives the guard's function delete permissions, limited to resources
   * carrying this cluster's tag and to deleting the record names ExternalDNS
   * may write for the cluster's routes (through the hub's role, which allows
   * only this account's names, when the zone is a hub's).
   *
   * @default false - the deletion fails with the list of leftovers
   */
  readonly deleteLeftovers?: boolean;
}

/** Properties of a `LatticeDeletionGuard`. */
export interface LatticeDeletionGuardProps {
  /** Name of the EKS cluster (the controller's `clusterName`). */
  readonly clusterName: string;

  /** VPC id the controller was given (`clusterVpcId`). */
  readonly vpcId: string;

  /**
   * Account id the controller was given (`awsAccountId`).
   * @default - the stack's account
   */
  readonly account?: string;

  /**
   * Private zone ExternalDNS writes to.
   * @default - no DNS check (no ExternalDNS)
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * ExternalDNS's `txtOwnerId`: the guard waits for (and deletes) only the
   * records whose TXT registry record carries exactly this owner id, and the
   * records those TXT records own.
   * @default - `clusterName`
   */
  readonly txtOwnerId?: string;

  /**
   * ARN of the role of the hub account that owns `hostedZone` (a
   * `PrivateCaDomain` with `hubHostedZone`): the guard reads the zone, and
   * with `deleteLeftovers` deletes its records, through that role.
   * @default - the zone is in this account
   */
  readonly hubRoleArn?: string;

  /**
   * IAM path of the guard function's role; a hub trusts only roles under its
   * path (`/lattice-zone/<domain>/dns/`).
   * @default - no path
   */
  readonly rolePath?: string;

  /**
   * How long to wait on deletion: 1 to 14 minutes, or 1 to 10 with `deleteLeftovers`.
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * Delete the leftovers after `timeout` instead of failing.
   * @default false
   */
  readonly deleteLeftovers?: boolean;
}

/**
 * A custom resource that, when deleted, waits until the AWS Gateway API
 * Controller and ExternalDNS of a cluster have removed what they created: the
 * VPC Lattice services, listeners, rules, target groups and associations tagged
 * `application-networking.k8s.aws/ManagedBy=<account>/<cluster>/<vpc>`, and the
 * records of the private zone that ExternalDNS's TXT registry marks as owned by
 * the cluster. Create and update do nothing, nor does a deletion while the
 * stack stays (the guard removed or replaced by an update). It is one Lambda
 * function that polls every 15 seconds within one invocation and answers
 * CloudFormation itself.
 *
 * Place it between the objects those controllers clean up (they depend on it)
 * and the controllers (it depends on them): CloudFormation then deletes the
 * objects, waits here, and only then removes the controllers. When `timeout`
 * passes, the deletion fails with the exact list of leftovers, or, with
 * `deleteLeftovers`, the guard deletes them. `LatticeEksCluster` creates one.
 *
 * @example
 * import { App, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
 * import * as lambda from 'aws-cdk-lib/aws-lambda';
 * import { LatticeEksCluster, LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * const app = new App();
 * const stack = new Stack(app, 'Cluster1');
 * const serviceNetwork = new LatticeServiceNetwork(stack, 'Network', { serviceNetworkName: 'lattice-gateway' });
 * declare const kubectlLayer: lambda.ILayerVersion;
 *
 * // Every LatticeEksCluster has a guard; configure it through the cluster.
 * const cluster = new LatticeEksCluster(stack, 'Lattice', {
 *   clusterName: 'eks-cluster1',
 *   kubectlLayer,
 *   serviceNetwork,
 *   deletionGuard: { timeout: Duration.minutes(8), deleteLeftovers: true },
 * });
 * new CfnOutput(stack, 'GuardTag', { value: cluster.deletionGuard!.managedByTag });
 */
export class LatticeDeletionGuard extends Construct {
  /** Tag key the AWS Gateway API Controller puts on the VPC Lattice resources it manages. */
  public static readonly MANAGED_BY_TAG_KEY = CONTROLLER_MANAGED_BY_TAG;
  /** How long the guard keeps deleting and checking after `timeout`, with `deleteLeftovers`. */
  public static readonly CLEANUP_TIME = Duration.minutes(4);

  /** Value of the controller's `ManagedBy` tag the guard looks for. */
  public readonly managedByTag: string;
  /** How long the guard waits on deletion. */
  public readonly timeout: Duration;
  /** Whether the guard deletes leftovers after `timeout`. */
  public readonly deleteLeftovers: boolean;
  /** The function that checks (and, opted in, deletes) the leftovers. */
  public readonly handler: lambda.Function;
  /** The custom resource. */
  public readonly resource: CustomResource;

  private readonly hubRoleArn?: string;
  private cleanupZone?: route53.IHostedZone;
  private recordDeletionAllowed = false;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeDeletionGuardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.timeout = props.timeout ?? Duration.minutes(10);
    this.deleteLeftovers = props.deleteLeftovers ?? false;
    const cleanup = this.deleteLeftovers ? LatticeDeletionGuard.CLEANUP_TIME : Duration.seconds(0);
    const maxMinutes = MAX_TIMEOUT_MINUTES - cleanup.toMinutes();
    const minutes = this.timeout.toSeconds() / 60;
    if (Token.isUnresolved(this.timeout.toSeconds()) || minutes < 1 || minutes > maxMinutes) {
      throw validationError(this, KIND,
        `timeout ${this.timeout.toHumanString()} is out of range: give between 1 and ${maxMinutes} minutes` +
        (this.deleteLeftovers ? ` with deleteLeftovers (it adds ${cleanup.toMinutes()} minutes of cleanup)` : '') +
        ` (the guard waits within one Lambda invocation, at most ${LAMBDA_MAX_MINUTES} minutes, and keeps one minute to answer CloudFormation)`);
    }
    const account = props.account ?? stack.account;
    this.managedByTag = controllerManagedBy(account, props.clusterName, props.vpcId);

    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
      path: props.rolePath,
    });
    // One function that polls within its invocation and answers CloudFormation itself (no provider framework).
    this.handler = new lambda.Function(this, 'Handler', {
      description: `Deletion guard of EKS cluster ${props.clusterName}: waits for the Gateway API controller and ExternalDNS to clean up`,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'deletion-guard')),
      timeout: Duration.seconds(this.timeout.toSeconds() + cleanup.toSeconds() + RESPONSE_MARGIN.toSeconds()),
      memorySize: 256,
      role,
    });
    this.hubRoleArn = props.hubRoleArn;
    this.grantChecks(stack, props.hostedZone);
    if (this.deleteLeftovers) this.grantCleanup(stack, props.hostedZone);

    // A new logical ID: CloudFormation does not let a custom resource change its ServiceToken
    // (releases before this one used a provider framework).
    this.resource = new CustomResource(this, 'Guard', {
      serviceToken: this.handler.functionArn,
      resourceType: 'Custom::LatticeDeletionGuard',
      properties: {
        ClusterName: props.clusterName,
        ManagedBy: this.managedByTag,
        HostedZoneId: props.hostedZone?.hostedZoneId ?? '',
        HubRoleArn: props.hubRoleArn ?? '',
        TxtOwnerId: props.txtOwnerId ?? props.clusterName,
        WaitSeconds: String(this.timeout.toSeconds()),
        CleanupSeconds: String(cleanup.toSeconds()),
        DeleteLeftovers: String(this.deleteLeftovers),
      },
    });
    // Deleted (and run) before its function's permissions are.
    this.resource.node.addDependency(role);
    this.acknowledgeFindings();
  }

  /** Read-only: its own stack's status, find tagged resources, confirm they exist, list the zone. */
  private grantChecks(stack: Stack, zone?: route53.IHostedZone): void {
    // A Delete while the stack stays (the guard removed or replaced in an update) must neither wait nor clean up.
    this.handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadOwnStackStatus', actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }));
    this.handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'FindTaggedResources', actions: ['tag:GetResources'], resources: ['*'] }));
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ConfirmLatticeResources',
      actions: [
        'vpc-lattice:GetService', 'vpc-lattice:GetListener', 'vpc-lattice:GetRule', 'vpc-lattice:GetTargetGroup',
        'vpc-lattice:GetServiceNetworkServiceAssociation', 'vpc-lattice:GetAccessLogSubscription',
      ],
      resources: latticeArns(stack),
    }));
    if (zone && this.hubRoleArn) {
      // The hub's zone: read (and cleaned) through the hub's role, which limits the records to this account's names.
      this.handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'AssumeHubZoneRole', actions: ['sts:AssumeRole'], resources: [this.hubRoleArn] }));
    } else if (zone) {
      this.handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'ListZoneRecords', actions: ['route53:ListResourceRecordSets'], resources: [zone.hostedZoneArn] }));
    }
  }

  /** Opt-in: delete only what carries this cluster's tag, and only record deletions in the zone. */
  private grantCleanup(stack: Stack, zone?: route53.IHostedZone): void {
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      sid: 'DeleteTaggedLatticeResources',
      actions: [
        'vpc-lattice:DeleteServiceNetworkServiceAssociation', 'vpc-lattice:DeleteService', 'vpc-lattice:DeleteListener',
        'vpc-lattice:DeleteAccessLogSubscription', 'vpc-lattice:DeregisterTargets', 'vpc-lattice:DeleteTargetGroup',
      ],
      resources: latticeArns(stack),
      conditions: { StringEquals: { [`aws:ResourceTag/${CONTROLLER_MANAGED_BY_TAG}`]: this.managedByTag } },
    }));
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ListWhatToDelete',
      actions: ['vpc-lattice:ListServiceNetworkServiceAssociations', 'vpc-lattice:ListTargets'],
      resources: ['*'],
    }));
    if (!this.hubRoleArn) this.cleanupZone = zone;
  }

  /**
   * Lets the guard delete, with `deleteLeftovers`, the records `recordNames`
   * of the zone (the names ExternalDNS may write: its CNAME and TXT records),
   * and no other record.
   *
   * @internal
   */
  public _allowRecordDeletion(recordNames: string[]): void {
    if (!this.deleteLeftovers || !this.cleanupZone || this.recordDeletionAllowed) return;
    this.recordDeletionAllowed = true;
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      sid: 'DeleteOwnRecordsOnly',
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [this.cleanupZone.hostedZoneArn],
      conditions: {
        'ForAllValues:StringEquals': {
          'route53:ChangeResourceRecordSetsActions': ['DELETE'],
          'route53:ChangeResourceRecordSetsNormalizedRecordNames': recordNames,
        },
      },
    }));
  }

  private acknowledgeFindings(): void {
    const stack = Stack.of(this);
    const managed = (policy: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`;
    acknowledge(this.handler.role!, managed('service-role/AWSLambdaBasicExecutionRole'),
      'The guard function writes its own CloudWatch Logs with the basic execution role; its AWS permissions are separate inline statements.');
    acknowledge(this.handler.role!, 'AwsSolutions-IAM5[Resource::*]',
      'tag:GetResources (and, with deleteLeftovers, vpc-lattice:ListServiceNetworkServiceAssociations and ListTargets) support no resource-level permissions; they only read.');
    for (const arn of latticeArns(stack)) {
      acknowledge(this.handler.role!, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`,
        'Lattice ids of the controller\'s resources are generated at run time; access is limited to this account and region, reads confirm a tagged resource still exists, and deletions require this cluster\'s ManagedBy tag.');
    }
    acknowledge(this.handler, 'AwsSolutions-L1',
      'The guard runs while a stack is deleted; its runtime is pinned (nodejs22.x) so that an aws-cdk-lib upgrade does not change it silently, and it is raised together with the handler.');
  }
}

/** ARNs of the Lattice resource kinds the controller manages, in this account and region. */
function latticeArns(stack: Stack): string[] {
  return ['service/*', 'service/*/listener/*', 'service/*/listener/*/rule/*', 'targetgroup/*', 'servicenetworkserviceassociation/*', 'accesslogsubscription/*']
    .map((resource) => pseudoOnlyIntrinsic(stack, stack.formatArn({ service: 'vpc-lattice', resource })));
}
