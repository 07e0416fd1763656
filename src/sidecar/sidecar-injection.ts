import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { MIN_NATIVE_INJECTION_MINOR } from '../k8s/native-injection';
import { validationError } from '../private/errors';
import { describeValue } from '../private/ports';

/** What injects the SigV4 proxy into opted-in pods. */
export enum SidecarInjection {
  /**
   * A Kyverno `policies.kyverno.io/v1` MutatingPolicy, served by Kyverno's
   * admission webhook (Kyverno installed by the construct, or the cluster's own).
   * Works on every supported Kubernetes version.
   */
  KYVERNO = 'kyverno',
  /**
   * A Kubernetes `admissionregistration.k8s.io/v1` MutatingAdmissionPolicy,
   * applied by the API server itself (Kubernetes 1.36 or newer): no Kyverno
   * chart, no webhook, two fewer images to mirror.
   */
  NATIVE = 'native',
}

/** The props of `SigV4SidecarPolicy` this check reads. */
export interface InjectionChoice {
  readonly injection?: SidecarInjection;
  readonly installKyverno?: boolean;
  readonly kyvernoChartVersion?: string;
}

/**
 * The injection engine, checked against the cluster's Kubernetes version
 * (`1.36`; undefined when the app does not know it) and the Kyverno props.
 */
export function validateInjection(scope: Construct, kind: string, choice: InjectionChoice, kubernetesVersion?: string): SidecarInjection {
  const injection = choice.injection ?? SidecarInjection.KYVERNO;
  const valid: string[] = Object.values(SidecarInjection);
  if (typeof injection !== 'string' || Token.isUnresolved(injection) || !valid.includes(injection)) {
    throw validationError(scope, kind, `injection ${describeValue(injection)} is not an injection engine; `
      + 'use SidecarInjection.KYVERNO (\'kyverno\', the default) or SidecarInjection.NATIVE (\'native\', Kubernetes 1.36+)');
  }
  if (injection !== SidecarInjection.NATIVE) return injection;
  for (const prop of ['installKyverno', 'kyvernoChartVersion'] as const) {
    if (choice[prop] !== undefined) {
      throw validationError(scope, kind, `${prop} ${describeValue(choice[prop])} is given but injection is SidecarInjection.NATIVE, which uses no Kyverno; drop ${prop}, or use SidecarInjection.KYVERNO`);
    }
  }
  const minor = kubernetesVersion === undefined ? undefined : /^1\.(\d+)$/.exec(kubernetesVersion);
  if (kubernetesVersion !== undefined && (!minor || Number(minor[1]) < MIN_NATIVE_INJECTION_MINOR)) {
    throw validationError(scope, kind, `injection SidecarInjection.NATIVE needs Kubernetes 1.${MIN_NATIVE_INJECTION_MINOR} or newer (MutatingAdmissionPolicy `
      + `admissionregistration.k8s.io/v1 is GA and on by default from 1.${MIN_NATIVE_INJECTION_MINOR}), but the cluster runs ${kubernetesVersion}; `
      + `set the cluster's version to eks.KubernetesVersion.V1_${MIN_NATIVE_INJECTION_MINOR}, or use SidecarInjection.KYVERNO`);
  }
  return injection;
}
