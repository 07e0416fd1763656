import * as path from 'path';
import { CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CONTROLLER_MANAGED_BY_TAG, controllerManagedBy } from '../private/controller-policy';
import { validationError } from '../private/errors';
import { acknowledge, FRAMEWORK_RUNTIME_REASON, nagResource } from '../private/nag';

const KIND = 'LatticeDeletionGuard';

/** Tag key the AWS Gateway API Controller puts on every VPC Lattice resource it manages. */

/** Longest total wait: CloudFormation gives a custom resource at most one hour. */
const MAX_TIMEOUT_MINUTES = 50;

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
   * and ExternalDNS to remove what they created (1 to 50 minutes).
   *
   * @default Duration.minutes(10)
   */
  readonly timeout?: Duration;

  /**
   * Delete the leftovers when `timeout` has passed (VPC Lattice resources
   * tagged for this cluster, records ExternalDNS owns for it), for up to
   * `LatticeDeletionGuard.CLEANUP_TIME` more, instead of failing at once.
   * Gives the guard's function delete permissions, limited to resources
   * carrying this cluster's tag and to record deletions in the domain's zone.
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
   * ExternalDNS's `txtOwnerId`.
   * @default - `clusterName`
   */
  readonly txtOwnerId?: string;

  /**
   * How long to wait on deletion (1 to 50 minutes).
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
 * the cluster. Create and update do nothing.
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
 *   deletionGuard: { timeout: Duration.minutes(20), deleteLeftovers: true },
 * });
 * new CfnOutput(stack, 'GuardTag', { value: cluster.deletionGuard!.managedByTag });
 */
export class LatticeDeletionGuard extends Construct {
  /** Tag key the AWS Gateway API Controller puts on the VPC Lattice resources it manages. */
  public static readonly MANAGED_BY_TAG_KEY = CONTROLLER_MANAGED_BY_TAG;
  /** How long the guard keeps deleting and checking after `timeout`, with `deleteLeftovers`. */
  public static readonly CLEANUP_TIME = Duration.minutes(5);

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

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeDeletionGuardProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.timeout = props.timeout ?? Duration.minutes(10);
    const minutes = this.timeout.toSeconds() / 60;
    if (Token.isUnresolved(this.timeout.toSeconds()) || minutes < 1 || minutes > MAX_TIMEOUT_MINUTES) {
      throw validationError(this, KIND,
        `timeout ${this.timeout.toHumanString()} is out of range: give between 1 and ${MAX_TIMEOUT_MINUTES} minutes (CloudFormation waits at most one hour for a custom resource)`);
    }
    this.deleteLeftovers = props.deleteLeftovers ?? false;
    const account = props.account ?? stack.account;
    this.managedByTag = controllerManagedBy(account, props.clusterName, props.vpcId);

    this.handler = new lambda.Function(this, 'Handler', {
      description: `Deletion guard of EKS cluster ${props.clusterName}: waits for the Gateway API controller and ExternalDNS to clean up`,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(__dirname, '..', '..', 'assets', 'deletion-guard')),
      timeout: Duration.minutes(2),
      memorySize: 256,
    });
    this.grantChecks(stack, props.hostedZone);
    if (this.deleteLeftovers) this.grantCleanup(stack, props.hostedZone);

    const cleanup = this.deleteLeftovers ? LatticeDeletionGuard.CLEANUP_TIME : Duration.seconds(0);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.handler,
      isCompleteHandler: this.handler,
      queryInterval: Duration.seconds(15),
      // The handler fails with the list of leftovers before the framework's generic timeout.
      totalTimeout: Duration.seconds(this.timeout.toSeconds() + cleanup.toSeconds() + 120),
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::LatticeDeletionGuard',
      properties: {
        ClusterName: props.clusterName,
        ManagedBy: this.managedByTag,
        HostedZoneId: props.hostedZone?.hostedZoneId ?? '',
        TxtOwnerId: props.txtOwnerId ?? props.clusterName,
        WaitSeconds: String(this.timeout.toSeconds()),
        CleanupSeconds: String(cleanup.toSeconds()),
        DeleteLeftovers: String(this.deleteLeftovers),
      },
    });
    this.acknowledgeFindings(provider);
  }

  /** Read-only: find tagged resources, confirm they exist, list the zone. */
  private grantChecks(stack: Stack, zone?: route53.IHostedZone): void {
    this.handler.addToRolePolicy(new iam.PolicyStatement({ sid: 'FindTaggedResources', actions: ['tag:GetResources'], resources: ['*'] }));
    this.handler.addToRolePolicy(new iam.PolicyStatement({
      sid: 'ConfirmLatticeResources',
      actions: [
        'vpc-lattice:GetService', 'vpc-lattice:GetListener', 'vpc-lattice:GetRule', 'vpc-lattice:GetTargetGroup',
        'vpc-lattice:GetServiceNetworkServiceAssociation', 'vpc-lattice:GetAccessLogSubscription',
      ],
      resources: latticeArns(stack),
    }));
    if (zone) {
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
    if (zone) {
      this.handler.addToRolePolicy(new iam.PolicyStatement({
        sid: 'DeleteZoneRecords',
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [zone.hostedZoneArn],
        conditions: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsActions': ['DELETE'] } },
      }));
    }
  }

  private acknowledgeFindings(provider: cr.Provider): void {
    const stack = Stack.of(this);
    const managed = (policy: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`;
    acknowledge(this.handler, managed('service-role/AWSLambdaBasicExecutionRole'),
      'The guard function writes its own CloudWatch Logs with the basic execution role; its AWS permissions are separate inline statements.');
    acknowledge(this.handler, 'AwsSolutions-IAM5[Resource::*]',
      'tag:GetResources (and, with deleteLeftovers, vpc-lattice:ListServiceNetworkServiceAssociations and ListTargets) support no resource-level permissions; they only read.');
    for (const arn of latticeArns(stack)) {
      acknowledge(this.handler, `AwsSolutions-IAM5[Resource::${nagResource(stack, arn)}]`,
        'Lattice ids of the controller\'s resources are generated at run time; access is limited to this account and region, reads confirm a tagged resource still exists, and deletions require this cluster\'s ManagedBy tag.');
    }
    acknowledge(this.handler, 'AwsSolutions-L1',
      'The guard runs while a stack is deleted; its runtime is pinned (nodejs22.x) so that an aws-cdk-lib upgrade does not change it silently, and it is raised together with the handler.');
    for (const fn of ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']) {
      const child = provider.node.tryFindChild(fn);
      if (!child) continue;
      acknowledge(child, managed('service-role/AWSLambdaBasicExecutionRole'),
        'The custom resource framework functions write their logs with the basic execution role.');
      acknowledge(child, 'AwsSolutions-IAM5[Resource::<' + stack.getLogicalId(this.handler.node.defaultChild as lambda.CfnFunction) + '.Arn>:*]',
        'The custom resource framework may invoke any version of the guard function (and only that function).');
      acknowledge(child, 'AwsSolutions-L1', FRAMEWORK_RUNTIME_REASON);
    }
    const waiter = provider.node.tryFindChild('waiter-state-machine');
    if (waiter) {
      acknowledge(waiter, 'AwsSolutions-SF1',
        'The waiter state machine only re-invokes the guard function, which logs every check; logging its execution data would write the presigned CloudFormation response URL to CloudWatch Logs.');
      acknowledge(waiter, 'AwsSolutions-SF2',
        'The waiter state machine only polls the guard function, whose calls and results are in its own logs; X-Ray adds nothing.');
      for (const fn of ['framework-isComplete', 'framework-onTimeout']) {
        const target = provider.node.tryFindChild(fn)?.node.defaultChild as lambda.CfnFunction | undefined;
        if (!target) continue;
        acknowledge(waiter, `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(target)}.Arn>:*]`,
          `The waiter state machine may invoke any version of the framework's ${fn} function (and only that function).`);
      }
    }
  }
}

/** ARNs of the Lattice resource kinds the controller manages, in this account and region. */
function latticeArns(stack: Stack): string[] {
  return ['service/*', 'service/*/listener/*', 'service/*/listener/*/rule/*', 'targetgroup/*', 'servicenetworkserviceassociation/*', 'accesslogsubscription/*']
    .map((resource) => stack.formatArn({ service: 'vpc-lattice', resource }));
}
