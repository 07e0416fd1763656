import {
  Annotations,
  ArnFormat,
  RemovalPolicy,
  Resource,
  Stack,
  Token,
} from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ram from 'aws-cdk-lib/aws-ram';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct, IConstruct } from 'constructs';
import { LatticeServiceNetworkEndpoint, ServiceNetworkVpcEndpointOptions } from './service-network-endpoint';
import { ILatticeServiceNetwork, ServiceNetworkVpcAssociationOptions } from './service-network-ref';
import { LatticeAuthPolicyDocument, LatticeCaller } from '../auth/lattice-auth-policy';
import { literalRequired, validationError } from '../private/errors';
import { serviceNetworkAssociationId, serviceNetworkEndpointId } from '../private/lattice-ids';
import {
  accountIdProblem,
  firehoseDeliveryStreamArnProblem,
  organizationalUnitArnProblem,
  organizationArnProblem,
  organizationIdProblem,
  organizationPathProblem,
  serviceNetworkArnProblem,
  serviceNetworkIdProblem,
  serviceNetworkNameProblem,
} from '../private/lattice-names';
import { authPolicySizeProblem } from '../private/policy-size';
import { validateRemovalPolicy } from '../private/removal-policy';
import { claimUniqueName } from '../private/unique-names';

const KIND = 'LatticeServiceNetwork';

/** The retention of the access log group: one of the periods CloudWatch Logs accepts (CloudFormation rejects any other at deploy). */
function validateRetention(scope: IConstruct, retention: logs.RetentionDays | undefined): logs.RetentionDays {
  if (retention === undefined) return logs.RetentionDays.ONE_MONTH;
  if (Token.isUnresolved(retention)) {
    throw validationError(scope, KIND, literalRequired('accessLogRetention', 'number', 'check it is a period CloudWatch Logs accepts'));
  }
  const valid = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!valid.includes(retention)) {
    throw validationError(scope, KIND,
      `accessLogRetention ${JSON.stringify(retention)} is not a retention CloudWatch Logs accepts; use a logs.RetentionDays value such as RetentionDays.ONE_MONTH (30 days)`);
  }
  return retention;
}

/** Lattice limit on security groups per VPC association (not adjustable). */
const MAX_ASSOCIATION_SECURITY_GROUPS = 5;

/**
 * How callers are authenticated and authorized by a service network.
 */
export enum LatticeAuthType {
  /**
   * Requests must be signed with SigV4 and are authorized by the service
   * network's auth policy (and the services' own auth policies, if any).
   */
  AWS_IAM = 'AWS_IAM',
  /**
   * No authentication or authorization at the service network: any client in
   * an associated VPC can invoke the network's services.
   */
  NONE = 'NONE',
}

/**
 * Where the service network's access logs go.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import * as s3 from 'aws-cdk-lib/aws-s3';
 * import { AccessLogDestination, LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const bucket: s3.IBucket;
 * new LatticeServiceNetwork(stack, 'Network', {
 *   serviceNetworkName: 'lattice-gateway',
 *   accessLogDestination: AccessLogDestination.s3(bucket),
 * });
 */
export class AccessLogDestination {
  /**
   * Send access logs to an existing CloudWatch Logs log group.
   *
   * For a log group that this library does not create, Lattice (through
   * CloudWatch Logs vended log delivery) adds the log group resource policy
   * that lets it write, if the deploying role may `logs:PutResourcePolicy`.
   */
  public static cloudWatchLogs(logGroup: logs.ILogGroup): AccessLogDestination {
    return new AccessLogDestination('cloudwatch-logs', logGroup.logGroupArn);
  }

  /**
   * Send access logs to an S3 bucket.
   *
   * Lattice's log delivery adds the statements it needs to the bucket policy
   * when the deploying role may change it. If the bucket policy is managed by
   * CloudFormation (for example `enforceSSL: true`), add the
   * `delivery.logs.amazonaws.com` statements to it yourself so that a later
   * update of that policy does not remove them.
   */
  public static s3(bucket: s3.IBucket): AccessLogDestination {
    return new AccessLogDestination('s3', bucket.bucketArn);
  }

  /**
   * Send access logs to an Amazon Data Firehose delivery stream.
   *
   * @param deliveryStreamArn ARN of the delivery stream,
   *   `arn:<partition>:firehose:<region>:<account>:deliverystream/<name>`.
   */
  public static firehose(deliveryStreamArn: string): AccessLogDestination {
    return new AccessLogDestination('firehose', deliveryStreamArn);
  }

  /**
   * Do not record access logs.
   */
  public static disabled(): AccessLogDestination {
    return new AccessLogDestination('disabled', undefined);
  }

  /**
   * ARN of the destination.
   *
   * @default - none, when access logs are disabled
   */
  public readonly destinationArn?: string;

  /**
   * Kind of destination.
   *
   * @internal
   */
  public readonly _kind: string;

  private constructor(kind: string, destinationArn: string | undefined) {
    this._kind = kind;
    this.destinationArn = destinationArn;
  }
}

/**
 * Attributes of an existing service network.
 */
export interface ServiceNetworkAttributes {
  /**
   * ID of the service network (`sn-` followed by 17 characters).
   */
  readonly serviceNetworkId: string;

  /**
   * Name of the service network. Must be a literal (Kubernetes Gateways are
   * named after it).
   */
  readonly serviceNetworkName: string;

  /**
   * ARN of the service network. Give it when the network belongs to another
   * account (shared through AWS RAM): VPC associations then use the ARN,
   * which Lattice requires across accounts.
   *
   * @default - derived from `serviceNetworkId` with the account and region of
   *   the stack that imports it
   */
  readonly serviceNetworkArn?: string;
}

/**
 * Properties of a `LatticeServiceNetwork`.
 */
export interface LatticeServiceNetworkProps {
  /**
   * Name of the service network: 3-63 characters, lowercase letters, digits
   * and hyphens, starting and ending with a letter or digit, without
   * consecutive hyphens, and not starting with `servicenetwork-` or `sn-`.
   *
   * Must be a literal: the EKS clusters' Gateways are named after it.
   */
  readonly serviceNetworkName: string;

  /**
   * How requests are authenticated and authorized.
   *
   * @default LatticeAuthType.AWS_IAM
   */
  readonly authType?: LatticeAuthType;

  /**
   * Auth policy of the service network; replaces the default policy.
   * Only valid with `LatticeAuthType.AWS_IAM`. At most 10,000 characters.
   * Build it with `LatticeAuthPolicyDocument.allow(...).toPolicyDocument(scope)`
   * to get the same checks as the default policy.
   *
   * @default - allow `vpc-lattice-svcs:Invoke` to signed (non-anonymous)
   *   requests from principals of this stack's account, of
   *   `allowedAccountIds` and of `allowedOrganizationIds`
   */
  readonly authPolicy?: iam.PolicyDocument;

  /**
   * Further accounts whose authenticated principals the default auth policy
   * admits, next to this stack's own account. Only valid with
   * `LatticeAuthType.AWS_IAM` and without `authPolicy`.
   *
   * @default - this stack's account only
   */
  readonly allowedAccountIds?: string[];

  /**
   * AWS Organizations (`o-...` IDs) whose authenticated principals the default
   * auth policy admits (`aws:PrincipalOrgID`). Only valid with
   * `LatticeAuthType.AWS_IAM` and without `authPolicy`.
   *
   * @default - none
   */
  readonly allowedOrganizationIds?: string[];

  /**
   * AWS Organizations paths (`o-.../r-.../ou-.../`) whose accounts' authenticated
   * principals the default auth policy admits (`aws:PrincipalOrgPaths`; nested
   * units included). Only valid with `LatticeAuthType.AWS_IAM` and without
   * `authPolicy`.
   *
   * @default - none
   */
  readonly allowedOrganizationPaths?: string[];

  /**
   * Where access logs go.
   *
   * @default - a new CloudWatch Logs log group, kept for `accessLogRetention`
   */
  readonly accessLogDestination?: AccessLogDestination;

  /**
   * Retention of the log group created for access logs. Only valid when
   * `accessLogDestination` is not given.
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;

  /**
   * What happens to the access log group this construct creates when it is
   * removed from the stack or the stack is deleted. Only valid when
   * `accessLogDestination` is not given.
   *
   * @default RemovalPolicy.DESTROY - nothing is left behind; use
   *   `RemovalPolicy.RETAIN` to keep the logs after teardown
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Options for sharing a service network through AWS RAM.
 */
export interface ShareServiceNetworkOptions {
  /**
   * 12-digit IDs of the accounts to share with.
   *
   * @default - none
   */
  readonly accountIds?: string[];

  /**
   * ARNs of the organizations to share with
   * (`arn:aws:organizations::<management account>:organization/o-...`).
   *
   * @default - none
   */
  readonly organizationArns?: string[];

  /**
   * ARNs of the organizational units to share with
   * (`arn:aws:organizations::<management account>:ou/o-.../ou-...`).
   *
   * @default - none
   */
  readonly organizationalUnitArns?: string[];

  /**
   * Whether principals outside this account's organization may be shared with.
   *
   * @default false
   */
  readonly allowExternalPrincipals?: boolean;
}

/**
 * Creates the VPC association of `network` in the VPC's own stack. Shared by
 * owned and imported networks.
 */
function associateVpcWithServiceNetwork(
  network: ILatticeServiceNetwork,
  serviceNetworkIdentifier: string,
  vpc: ec2.IVpc,
  options: ServiceNetworkVpcAssociationOptions = {},
): vpclattice.CfnServiceNetworkVpcAssociation {
  const existing = vpc.node.children.find((child) => child instanceof vpclattice.CfnServiceNetworkVpcAssociation);
  if (existing) {
    throw validationError(network, KIND,
      `VPC "${vpc.node.path}" is already associated with a service network (association "${existing.node.path}"); ` +
      'Lattice allows one service network association per VPC');
  }
  const endpoint = vpc.node.tryFindChild(serviceNetworkEndpointId(network));
  if (endpoint) {
    throw validationError(network, KIND,
      `VPC "${vpc.node.path}" already reaches this service network through VPC endpoint "${endpoint.node.path}"; ` +
      'use either associateVpc or addVpcEndpoint for one VPC, not both');
  }
  const securityGroups = options.securityGroups ?? [];
  if (securityGroups.length > MAX_ASSOCIATION_SECURITY_GROUPS) {
    throw validationError(network, KIND,
      `a VPC association takes at most ${MAX_ASSOCIATION_SECURITY_GROUPS} security groups, got ${securityGroups.length} ` +
      `(${securityGroups.map((sg) => `"${sg.node.path}"`).join(', ')})`);
  }
  return new vpclattice.CfnServiceNetworkVpcAssociation(vpc, serviceNetworkAssociationId(network), {
    serviceNetworkIdentifier,
    vpcIdentifier: vpc.vpcId,
    securityGroupIds: securityGroups.length > 0 ? securityGroups.map((sg) => sg.securityGroupId) : undefined,
  });
}

function throwIfProblem(scope: IConstruct, problem: string | undefined): void {
  if (problem !== undefined) {
    throw validationError(scope, KIND, problem);
  }
}

/**
 * A service network defined elsewhere.
 */
class ImportedServiceNetwork extends Resource implements ILatticeServiceNetwork {
  public readonly serviceNetworkId: string;
  public readonly serviceNetworkArn: string;
  public readonly serviceNetworkName: string;
  private readonly associationIdentifier: string;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param attrs attributes of the imported service network
   */
  constructor(scope: Construct, id: string, attrs: ServiceNetworkAttributes) {
    const arn = attrs.serviceNetworkArn;
    // A malformed ARN is reported by the check below rather than by the ARN parser.
    super(scope, id, { environmentFromArn: arn !== undefined && serviceNetworkArnProblem(arn) === undefined ? arn : undefined });
    throwIfProblem(this, serviceNetworkNameProblem(attrs.serviceNetworkName));
    throwIfProblem(this, serviceNetworkIdProblem(attrs.serviceNetworkId));
    if (attrs.serviceNetworkArn !== undefined) {
      throwIfProblem(this, serviceNetworkArnProblem(attrs.serviceNetworkArn, attrs.serviceNetworkId));
    }
    this.serviceNetworkId = attrs.serviceNetworkId;
    this.serviceNetworkName = attrs.serviceNetworkName;
    this.serviceNetworkArn = attrs.serviceNetworkArn ?? Stack.of(this).formatArn({
      service: 'vpc-lattice',
      resource: 'servicenetwork',
      resourceName: attrs.serviceNetworkId,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    // An explicit ARN works across accounts; a bare ID only in the owner's account.
    this.associationIdentifier = attrs.serviceNetworkArn ?? attrs.serviceNetworkId;
  }

  public associateVpc(vpc: ec2.IVpc, options?: ServiceNetworkVpcAssociationOptions): vpclattice.CfnServiceNetworkVpcAssociation {
    return associateVpcWithServiceNetwork(this, this.associationIdentifier, vpc, options);
  }
}

/**
 * An Amazon VPC Lattice service network owned by this CloudFormation stack,
 * with its auth policy and access log subscription.
 *
 * The network is created here (never by the AWS Gateway API Controller), so
 * deleting the stack deletes it; EKS clusters' Gateways find it by name.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import { LatticeServiceNetwork } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * // Admits signed callers of this account and of 222222222222; each route's policy decides further.
 * const network = new LatticeServiceNetwork(stack, 'Network', {
 *   serviceNetworkName: 'lattice-gateway',
 *   allowedAccountIds: ['222222222222'],
 * });
 */
export class LatticeServiceNetwork extends Resource implements ILatticeServiceNetwork {
  /**
   * Imports a service network defined elsewhere (another stack, app or
   * account).
   */
  public static fromServiceNetworkAttributes(scope: Construct, id: string, attrs: ServiceNetworkAttributes): ILatticeServiceNetwork {
    return new ImportedServiceNetwork(scope, id, attrs);
  }

  /**
   * ID of the service network (`sn-...`).
   *
   * @attribute
   */
  public readonly serviceNetworkId: string;

  /**
   * ARN of the service network.
   *
   * @attribute
   */
  public readonly serviceNetworkArn: string;

  /** Name of the service network, as given in props. */
  public readonly serviceNetworkName: string;

  /** How requests to the network are authenticated and authorized. */
  public readonly authType: LatticeAuthType;

  /** The underlying `AWS::VpcLattice::ServiceNetwork` resource. */
  public readonly cfnServiceNetwork: vpclattice.CfnServiceNetwork;

  /**
   * The auth policy resource.
   *
   * @default - none, when `authType` is `LatticeAuthType.NONE`
   */
  public readonly authPolicy?: vpclattice.CfnAuthPolicy;

  /**
   * The auth policy document (the one given in props, or the default one).
   * Statements added to it before synthesis are deployed.
   *
   * @default - none, when `authType` is `LatticeAuthType.NONE`
   */
  public readonly authPolicyDocument?: iam.PolicyDocument;

  /**
   * The log group this construct created for access logs.
   *
   * @default - none, when `accessLogDestination` was given
   */
  public readonly accessLogGroup?: logs.ILogGroup;

  /**
   * The access log subscription.
   *
   * @default - none, when access logs are disabled
   */
  public readonly accessLogSubscription?: vpclattice.CfnAccessLogSubscription;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: LatticeServiceNetworkProps) {
    super(scope, id);

    throwIfProblem(this, serviceNetworkNameProblem(props.serviceNetworkName));
    claimUniqueName(this, KIND, {
      what: 'Lattice service network',
      prop: 'serviceNetworkName',
      name: props.serviceNetworkName,
      uniqueness: 'account-and-region',
      fix: 'create one LatticeServiceNetwork per name and pass it to every cluster, or give each network its own name',
    });

    const authType = props.authType ?? LatticeAuthType.AWS_IAM;
    if (!Object.values(LatticeAuthType).includes(authType)) {
      throw validationError(this, KIND, `authType "${authType}" must be one of ${Object.values(LatticeAuthType).join(', ')}`);
    }
    const allowedAccountIds = props.allowedAccountIds ?? [];
    const allowedOrganizationIds = props.allowedOrganizationIds ?? [];
    const allowedOrganizationPaths = props.allowedOrganizationPaths ?? [];
    allowedAccountIds.forEach((accountId) => throwIfProblem(this, accountIdProblem(accountId)));
    allowedOrganizationIds.forEach((orgId) => throwIfProblem(this, organizationIdProblem(orgId)));
    allowedOrganizationPaths.forEach((path) => throwIfProblem(this, organizationPathProblem(path)));

    if (authType === LatticeAuthType.NONE) {
      const given = [
        props.authPolicy !== undefined ? 'authPolicy' : undefined,
        allowedAccountIds.length > 0 ? `allowedAccountIds (${allowedAccountIds.map((a) => `"${a}"`).join(', ')})` : undefined,
        allowedOrganizationIds.length > 0 ? `allowedOrganizationIds (${allowedOrganizationIds.map((o) => `"${o}"`).join(', ')})` : undefined,
        allowedOrganizationPaths.length > 0 ? `allowedOrganizationPaths (${allowedOrganizationPaths.map((o) => `"${o}"`).join(', ')})` : undefined,
      ].filter((x): x is string => x !== undefined);
      if (given.length > 0) {
        throw validationError(this, KIND,
          `authType "${LatticeAuthType.NONE}" has no auth policy, so ${given.join(' and ')} cannot be used; use authType "${LatticeAuthType.AWS_IAM}"`);
      }
    } else if (props.authPolicy !== undefined
      && (allowedAccountIds.length > 0 || allowedOrganizationIds.length > 0 || allowedOrganizationPaths.length > 0)) {
      throw validationError(this, KIND,
        'allowedAccountIds, allowedOrganizationIds and allowedOrganizationPaths shape the default auth policy and cannot be combined with authPolicy; ' +
        'put those principals in the authPolicy document instead');
    }

    if (props.accessLogDestination !== undefined) {
      if (props.accessLogRetention !== undefined) {
        throw validationError(this, KIND,
          `accessLogRetention (${props.accessLogRetention} days) only applies to the log group this construct creates; ` +
          `it cannot be combined with accessLogDestination (${props.accessLogDestination._kind})`);
      }
      if (props.removalPolicy !== undefined) {
        throw validationError(this, KIND,
          `removalPolicy ("${props.removalPolicy}") only applies to the log group this construct creates; ` +
          `it cannot be combined with accessLogDestination (${props.accessLogDestination._kind})`);
      }
      if (props.accessLogDestination._kind === 'firehose' && props.accessLogDestination.destinationArn !== undefined) {
        throwIfProblem(this, firehoseDeliveryStreamArnProblem(props.accessLogDestination.destinationArn));
      }
    }

    this.authType = authType;
    this.serviceNetworkName = props.serviceNetworkName;
    this.cfnServiceNetwork = new vpclattice.CfnServiceNetwork(this, 'Resource', {
      name: props.serviceNetworkName,
      authType,
    });
    // Owned by this stack: deleting the stack deletes the network.
    this.cfnServiceNetwork.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.serviceNetworkId = this.cfnServiceNetwork.attrId;
    this.serviceNetworkArn = this.cfnServiceNetwork.attrArn;

    if (authType === LatticeAuthType.AWS_IAM) {
      const document = props.authPolicy ?? LatticeAuthPolicyDocument.allow(
        ...[Stack.of(this).account, ...allowedAccountIds].map((accountId) => LatticeCaller.account(accountId)),
        ...allowedOrganizationIds.map((organizationId) => LatticeCaller.organization(organizationId)),
        ...allowedOrganizationPaths.map((path) => LatticeCaller.organizationPath(path)),
      ).toPolicyDocument(this);
      this.authPolicyDocument = document;
      this.authPolicy = new vpclattice.CfnAuthPolicy(this, 'AuthPolicy', {
        resourceIdentifier: this.serviceNetworkId,
        policy: document,
      });
      this.node.addValidation({ validate: () => this.validateAuthPolicyDocument(document) });
    } else {
      Annotations.of(this).addWarningV2('cdk-lattice-eks:serviceNetworkAuthTypeNone',
        `Service network "${props.serviceNetworkName}" uses authType NONE: any caller in an associated VPC can invoke ` +
        'its services without signing requests. Use LatticeAuthType.AWS_IAM to require authenticated callers.');
    }

    const destination = props.accessLogDestination;
    let destinationArn: string | undefined;
    if (destination === undefined) {
      const logGroup = new logs.LogGroup(this, 'AccessLogs', {
        retention: validateRetention(this, props.accessLogRetention),
        removalPolicy: validateRemovalPolicy(this, KIND, 'removalPolicy', props.removalPolicy,
          'the access log group (AWS::Logs::LogGroup)', RemovalPolicy.DESTROY),
      });
      this.accessLogGroup = logGroup;
      destinationArn = logGroup.logGroupArn;
    } else {
      destinationArn = destination.destinationArn;
    }
    if (destinationArn !== undefined) {
      this.accessLogSubscription = new vpclattice.CfnAccessLogSubscription(this, 'AccessLogSubscription', {
        resourceIdentifier: this.serviceNetworkId,
        destinationArn,
      });
    }
  }

  /**
   * Associates `vpc` with this service network, in the VPC's own stack.
   */
  public associateVpc(vpc: ec2.IVpc, options?: ServiceNetworkVpcAssociationOptions): vpclattice.CfnServiceNetworkVpcAssociation {
    return associateVpcWithServiceNetwork(this, this.serviceNetworkId, vpc, options);
  }

  /**
   * Creates a VPC endpoint of type `ServiceNetwork` for this network in
   * `vpc`'s own stack: an alternative to `associateVpc` without the
   * one-association-per-VPC limit, reachable from on premises. A VPC takes
   * either an association or an endpoint of one network, not both.
   *
   * @returns the endpoint, whose `connections` admit clients
   */
  public addVpcEndpoint(vpc: ec2.IVpc, options: ServiceNetworkVpcEndpointOptions = {}): LatticeServiceNetworkEndpoint {
    const existing = vpc.node.tryFindChild(serviceNetworkEndpointId(this));
    if (existing) {
      throw validationError(this, KIND, `VPC "${vpc.node.path}" already has an endpoint of this service network ("${existing.node.path}")`);
    }
    return new LatticeServiceNetworkEndpoint(vpc, serviceNetworkEndpointId(this), { ...options, vpc, serviceNetwork: this });
  }

  /**
   * Shares the service network with other accounts, organizations or
   * organizational units through AWS RAM. The recipients can then associate
   * their VPCs with it (importing it with `fromServiceNetworkAttributes` and
   * its ARN).
   *
   * @param id construct ID of the resource share (also part of its name)
   * @returns the resource share
   */
  public shareWith(id: string, options: ShareServiceNetworkOptions): ram.CfnResourceShare {
    const accountIds = options.accountIds ?? [];
    const organizationArns = options.organizationArns ?? [];
    const organizationalUnitArns = options.organizationalUnitArns ?? [];
    if (accountIds.length + organizationArns.length + organizationalUnitArns.length === 0) {
      throw validationError(this, KIND,
        `shareWith("${id}") needs at least one principal: accountIds, organizationArns or organizationalUnitArns`);
    }
    accountIds.forEach((accountId) => throwIfProblem(this, accountIdProblem(accountId)));
    organizationArns.forEach((arn) => throwIfProblem(this, organizationArnProblem(arn)));
    organizationalUnitArns.forEach((arn) => throwIfProblem(this, organizationalUnitArnProblem(arn)));

    return new ram.CfnResourceShare(this, id, {
      name: `${this.serviceNetworkName}-${id}`,
      resourceArns: [this.serviceNetworkArn],
      principals: [...accountIds, ...organizationArns, ...organizationalUnitArns],
      allowExternalPrincipals: options.allowExternalPrincipals ?? false,
    });
  }

  private validateAuthPolicyDocument(document: iam.PolicyDocument): string[] {
    const errors = [...document.validateForResourcePolicy()];
    if (document.isEmpty) {
      errors.push('the auth policy has no statements, so Lattice would deny every request; add statements or use the default policy');
      return errors;
    }
    const sizeProblem = authPolicySizeProblem(Stack.of(this).resolve(document));
    if (sizeProblem !== undefined) errors.push(sizeProblem);
    if (errors.length === 0) {
      // A hand-written document goes through the same vocabulary checks as a built one (actions, operators, keys).
      try {
        LatticeAuthPolicyDocument.fromPolicyDocument(document).toPolicyDocument(this);
      } catch (e) {
        errors.push((e as Error).message.replace(/^[^:]*\): /, ''));
      }
    }
    return errors;
  }
}
