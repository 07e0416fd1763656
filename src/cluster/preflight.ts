import { Duration, Lazy } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct, IDependable } from 'constructs';
import {
  gatewayApiCrdsRequirement, KYVERNO_MUTATING_POLICY_REQUIREMENT, POD_IDENTITY_AGENT_REQUIREMENT, PreflightRequirement,
  preflightPolicy, preflightProbe, preflightValidations,
} from '../k8s/preflight';

/** What the preflight checks are built from. */
export interface PreflightChecksProps {
  /** The cluster. */
  readonly cluster: eks.ICluster;
  /** Name of the cluster, for the messages. */
  readonly clusterName: string;
  /** Name of the ValidatingAdmissionPolicy, its binding and the probe ConfigMap (cluster-wide). */
  readonly name: string;
  /** What the reads are made after (the nodes and add-ons the checked objects need). */
  readonly prerequisites?: IDependable[];
}

/**
 * Deploy-time checks of what an existing cluster must already have. Each
 * check reads one value from the cluster (`KubernetesObjectValue`, through
 * the cluster's kubectl handler; a missing object fails the read after its
 * timeout with the API server's NotFound naming it); a ValidatingAdmissionPolicy
 * then evaluates the values on a probe ConfigMap and rejects it with a message
 * naming what is missing or too old, the value found and the fix, so the
 * deploy stops there, before anything that would crashloop. The reads run
 * after the policy is applied, so the API server has had a handler round
 * trip to start enforcing it before the probe is created.
 */
export class PreflightChecks extends Construct {
  /** The probe ConfigMap: everything that needs the checks passed depends on it. */
  public readonly probe: eks.KubernetesManifest;
  private readonly checks: { requirement: PreflightRequirement; value: string }[] = [];
  private readonly props: PreflightChecksProps;
  private readonly policy: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: PreflightChecksProps) {
    super(scope, id);
    this.props = props;
    this.policy = new eks.KubernetesManifest(this, 'Policy', {
      cluster: props.cluster,
      manifest: preflightPolicy(props.name, Lazy.any({
        produce: () => preflightValidations(props.clusterName, this.checks.map((c) => c.requirement)),
      })) as any[],
    });
    this.policy.node.addDependency(...(props.prerequisites ?? []));
    this.probe = new eks.KubernetesManifest(this, 'Probe', {
      cluster: props.cluster,
      manifest: [preflightProbe(props.name, Lazy.any({
        produce: () => Object.fromEntries(this.checks.map((c) => [c.requirement.key, c.value])),
      }))] as any[],
    });
    this.probe.node.addDependency(this.policy);
  }

  /** The Pod Identity agent DaemonSet has available pods (read from `.status.numberAvailable`, waiting up to 3 minutes). */
  public requirePodIdentityAgent(): void {
    this.require(POD_IDENTITY_AGENT_REQUIREMENT, 'PodIdentityAgent', 'daemonset', 'eks-pod-identity-agent', 'kube-system',
      '.status.numberAvailable', Duration.minutes(3));
  }

  /** The Gateway API CRDs are `v1.<minMinor>` or newer (the HTTPRoute CRD's bundle-version annotation). */
  public requireGatewayApiCrds(minMinor: number): void {
    this.require(gatewayApiCrdsRequirement(minMinor), 'GatewayApiCrds', 'customresourcedefinition', 'httproutes.gateway.networking.k8s.io',
      'default', '.metadata.annotations.gateway\\.networking\\.k8s\\.io/bundle-version', Duration.minutes(1));
  }

  /** Kyverno serves `policies.kyverno.io/v1` MutatingPolicy (the CRD's served versions). */
  public requireKyvernoMutatingPolicy(): void {
    this.require(KYVERNO_MUTATING_POLICY_REQUIREMENT, 'KyvernoMutatingPolicy', 'customresourcedefinition',
      'mutatingpolicies.policies.kyverno.io', 'default', '.spec.versions[?(@.served==true)].name', Duration.minutes(1));
  }

  private require(requirement: PreflightRequirement, id: string, objectType: string, objectName: string, objectNamespace: string,
    jsonPath: string, timeout: Duration): void {
    if (this.checks.some((c) => c.requirement.key === requirement.key)) return;
    const read = new eks.KubernetesObjectValue(this, id, {
      cluster: this.props.cluster,
      objectType,
      objectName,
      objectNamespace,
      jsonPath,
      timeout,
    });
    // After the policy: the API server enforces a new ValidatingAdmissionPolicy only once its informers have seen
    // it (a real API server admitted a probe created milliseconds after the policy); a read in between puts one
    // kubectl handler round trip between them.
    read.node.addDependency(...(this.props.prerequisites ?? []), this.policy);
    this.probe.node.addDependency(read);
    this.checks.push({ requirement, value: read.value });
  }
}
