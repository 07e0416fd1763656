import { Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as vpclattice from 'aws-cdk-lib/aws-vpclattice';
import { Construct } from 'constructs';
import { LatticeAuthPolicyDocument } from './lattice-auth-policy';
import { isPassthroughRoute, passthroughAuthError } from './passthrough-auth';
import { clusterWiring } from '../cluster/lattice-cluster';
import { ILatticeRoute } from '../cluster/lattice-route-ref';
import { routeKindOf, routeProtocolOf } from '../cluster/route-protocol';
import { iamAuthPolicy } from '../k8s/iam-auth-policy';
import { LatticeAuthType, LatticeServiceNetwork } from '../network/service-network';
import { ILatticeServiceNetwork } from '../network/service-network-ref';
import { AuthPolicyOwner, claimAuthPolicy, routeAuthPolicyTarget } from '../private/auth-policy-owners';
import { validationError } from '../private/errors';

const KIND = 'CrossClusterAuthPolicy';

const SERVICE_ID_RE = /^svc-[0-9a-z]{17}$/;
const SERVICE_ARN_RE = /^arn:aws(?:-[a-z]+)*:vpc-lattice:[a-z0-9-]+:\d{12}:service\/(svc-[0-9a-z]{17})$/;

const MANIFEST = 'IAMAuthPolicy manifest (AWS Gateway API Controller)';
const CFN = 'AWS::VpcLattice::AuthPolicy (CloudFormation)';

/** Properties of a `CrossClusterAuthPolicy`. Give exactly one target. */
export interface CrossClusterAuthPolicyProps {
  /** Who may call the target. */
  readonly policy: LatticeAuthPolicyDocument;

  /**
   * A route exposed with `LatticeEksCluster.exposeService()`: the policy
   * becomes an IAMAuthPolicy next to the HTTPRoute, and the AWS Gateway API
   * Controller attaches it to the route's Lattice service. Create the policy
   * in the route's stack.
   *
   * @default - not a route
   */
  readonly route?: ILatticeRoute;

  /**
   * A service network whose auth policy this stack should own, imported with
   * `LatticeServiceNetwork.fromServiceNetworkAttributes()` (a
   * `LatticeServiceNetwork` owns its policy already: give it
   * `authPolicy: document.toPolicyDocument(this)` instead).
   *
   * @default - not a service network
   */
  readonly serviceNetwork?: ILatticeServiceNetwork;

  /**
   * ID (`svc-...`) or ARN of a Lattice service that CloudFormation owns (for
   * example a `CfnService`'s `attrArn`), not one the AWS Gateway API
   * Controller created for a route.
   *
   * @default - not a service
   */
  readonly serviceIdentifier?: string;
}

/**
 * The auth policy of one Lattice service or service network, attached the way
 * its owner expects: an IAMAuthPolicy manifest for a route served by the AWS
 * Gateway API Controller, an `AWS::VpcLattice::AuthPolicy` for a service or
 * service network that CloudFormation owns.
 *
 * Each Lattice resource has one auth policy, so each target takes one
 * `CrossClusterAuthPolicy` (of either kind): a second one is a synth-time
 * error.
 *
 * The IAMAuthPolicy is created after the HTTPRoute and deleted before it,
 * while the controller still runs. When it is deleted the controller sets the
 * service's auth type to NONE: the service network's auth policy then still
 * applies.
 *
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import { CrossClusterAuthPolicy, LatticeAuthPolicyDocument, LatticeCaller, LatticeServiceRoute } from 'cdk-lattice-eks';
 *
 * declare const stack: Stack;
 * declare const route: LatticeServiceRoute;
 * new CrossClusterAuthPolicy(stack, 'OrdersPolicy', {
 *   route,
 *   policy: LatticeAuthPolicyDocument.allow(
 *     LatticeCaller.eksWorkload({ clusterName: 'eks-cluster2', namespaces: ['checkout'] }),
 *   ),
 * });
 */
export class CrossClusterAuthPolicy extends Construct {
  /** The auth policy as rendered in this stack. */
  public readonly policyDocument: iam.PolicyDocument;

  /**
   * The IAMAuthPolicy manifest.
   *
   * @default - none, for a service or service network target
   */
  public readonly manifest?: eks.KubernetesManifest;

  /**
   * The `AWS::VpcLattice::AuthPolicy` resource.
   *
   * @default - none, for a route target
   */
  public readonly cfnAuthPolicy?: vpclattice.CfnAuthPolicy;

  /**
   * @param scope the construct this one is created in
   * @param id its id, unique within `scope`
   * @param props properties (see the props interface)
   */
  constructor(scope: Construct, id: string, props: CrossClusterAuthPolicyProps) {
    super(scope, id);
    const targets = [
      props.route !== undefined ? `route '${props.route.namespace}/${props.route.routeName}' (${MANIFEST})` : undefined,
      props.serviceNetwork !== undefined ? `serviceNetwork '${props.serviceNetwork.serviceNetworkName}' (${CFN})` : undefined,
      props.serviceIdentifier !== undefined ? `serviceIdentifier '${props.serviceIdentifier}' (${CFN})` : undefined,
    ].filter((t): t is string => t !== undefined);
    if (targets.length !== 1) {
      throw validationError(this, KIND, targets.length === 0
        ? 'needs a target: route, serviceNetwork or serviceIdentifier'
        : `takes exactly one target, got ${targets.join(' and ')}; a Lattice resource has one auth policy and one owner`);
    }

    if (props.route !== undefined && isPassthroughRoute(props.route)) throw passthroughAuthError(this, KIND, props.route, props.policy._callers());
    this.policyDocument = props.policy.toPolicyDocument(this);
    if (props.route !== undefined) {
      this.manifest = this.attachToRoute(props.route);
    } else if (props.serviceNetwork !== undefined) {
      this.cfnAuthPolicy = this.attachToServiceNetwork(props.serviceNetwork);
    } else {
      this.cfnAuthPolicy = this.attachToService(props.serviceIdentifier!);
    }
  }

  private attachToRoute(route: ILatticeRoute): eks.KubernetesManifest {
    const routeStack = Stack.of(route);
    if (Stack.of(this) !== routeStack) {
      throw validationError(this, KIND,
        `must be created in the stack of route '${route.node.path}' (${routeStack.stackName}), ` +
        `not in ${Stack.of(this).stackName}: the manifest is applied through that cluster`);
    }
    // Passthrough routes (TLSRoute) were refused in the constructor: the controller attaches no IAMAuthPolicy to them.
    const routeKind = routeKindOf(routeProtocolOf(route)) as 'HTTPRoute' | 'GRPCRoute';
    this.claim(routeAuthPolicyTarget(clusterWiring(this, KIND, route.cluster).key, route.namespace, route.routeName),
      `${routeKind} '${route.namespace}/${route.routeName}' of cluster '${route.cluster.clusterName}'`, MANIFEST);
    const manifest = clusterWiring(this, KIND, route.cluster).addManifest(this, 'IamAuthPolicy', [iamAuthPolicy({
      name: `${route.routeName}-iam-auth-policy`,
      namespace: route.namespace,
      targetKind: routeKind,
      targetName: route.routeName,
      policy: policyJson(Stack.of(this), this.policyDocument),
    })], true);
    // Beside the route, not after it: both wait for the namespace, the Gateway and the controller, and
    // the controller reconciles a policy again on every event of its target route (so a policy applied
    // first is attached once the route's Lattice service exists). One Lambda round trip less each way.
    return manifest;
  }

  private attachToServiceNetwork(network: ILatticeServiceNetwork): vpclattice.CfnAuthPolicy {
    if (network instanceof LatticeServiceNetwork) {
      throw validationError(this, KIND, network.authType === LatticeAuthType.NONE
        ? `service network '${network.serviceNetworkName}' uses authType NONE, so Lattice ignores auth policies; use authType AWS_IAM and its authPolicy prop`
        : `service network '${network.serviceNetworkName}' already owns its auth policy (${network.authPolicy?.node.path}); ` +
          'give the document to its authPolicy prop instead (LatticeAuthPolicyDocument.toPolicyDocument())');
    }
    const networkAccount = network.env.account;
    const stackAccount = Stack.of(this).account;
    if (!Token.isUnresolved(networkAccount) && !Token.isUnresolved(stackAccount) && networkAccount !== stackAccount) {
      throw validationError(this, KIND,
        `service network '${network.serviceNetworkName}' belongs to account ${networkAccount}; only that account can set its auth policy, not ${stackAccount}`);
    }
    const id = network.serviceNetworkId;
    this.claim(Token.isUnresolved(id) ? `construct:${network.node.path}` : `servicenetwork:${id}`,
      `service network '${network.serviceNetworkName}'`, CFN);
    return new vpclattice.CfnAuthPolicy(this, 'Resource', { resourceIdentifier: id, policy: this.policyDocument });
  }

  private attachToService(identifier: string): vpclattice.CfnAuthPolicy {
    let key = `service:${identifier}`;
    if (!Token.isUnresolved(identifier)) {
      const fromArn = SERVICE_ARN_RE.exec(identifier)?.[1];
      if (fromArn === undefined && !SERVICE_ID_RE.test(identifier)) {
        throw validationError(this, KIND,
          `serviceIdentifier '${identifier}' must be a Lattice service ID (svc- followed by 17 characters) or ARN (arn:aws:vpc-lattice:<region>:<account>:service/svc-...)`);
      }
      key = `service:${fromArn ?? identifier}`;
    }
    this.claim(key, `Lattice service '${identifier}'`, CFN);
    return new vpclattice.CfnAuthPolicy(this, 'Resource', { resourceIdentifier: identifier, policy: this.policyDocument });
  }

  private claim(key: string, target: string, mechanism: string): void {
    const owner: AuthPolicyOwner = { path: this.node.path, mechanism };
    const existing = claimAuthPolicy(this, key, owner);
    if (existing === undefined) return;
    const kinds = existing.mechanism === mechanism
      ? `both as ${mechanism}`
      : `as ${existing.mechanism} and as ${mechanism}, whose owners would overwrite each other`;
    throw validationError(this, KIND,
      `the auth policy of ${target} is already attached by '${existing.path}'; attaching it twice (${kinds}) is not allowed: ` +
      'a Lattice resource has one auth policy, so put every caller in one LatticeAuthPolicyDocument');
  }
}

/**
 * The policy as the JSON string an IAMAuthPolicy carries: a plain string when
 * it resolves to literals (deny-all, callers of literal accounts), a token that
 * CloudFormation renders otherwise. A nested PolicyDocument token would be
 * resolved again in every synthesis pass (references, template, tree), and
 * per route that was the larger part of the manifest's synth time.
 */
function policyJson(stack: Stack, document: iam.PolicyDocument): string {
  const resolved = stack.resolve(document);
  return hasIntrinsic(resolved) ? stack.toJsonString(document) : JSON.stringify(resolved);
}

/** Whether a resolved value still holds a CloudFormation intrinsic (`Ref`, `Fn::...`). */
function hasIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasIntrinsic);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, v]) => key === 'Ref' || key.startsWith('Fn::') || hasIntrinsic(v));
}
