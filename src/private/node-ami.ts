import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/** Last Kubernetes minor for which EKS publishes Amazon Linux 2 AMIs. */
export const LAST_AL2_KUBERNETES_MINOR = 32;

const AL2_TYPES: ReadonlySet<string> = new Set([
  eks.NodegroupAmiType.AL2_X86_64, eks.NodegroupAmiType.AL2_X86_64_GPU, eks.NodegroupAmiType.AL2_ARM_64,
]);

/** CPU architecture of each AMI type (Windows types are x86-64 only). */
function amiArchitecture(amiType: eks.NodegroupAmiType): ec2.InstanceArchitecture {
  return /ARM_64/.test(amiType) ? ec2.InstanceArchitecture.ARM_64 : ec2.InstanceArchitecture.X86_64;
}

/**
 * The AMI type of the cluster's managed node group: the one given, or Amazon
 * Linux 2023 standard for the instance type's architecture (Graviton types get
 * the ARM variant). aws-eks-v2 would otherwise pick Amazon Linux 2, which EKS
 * no longer offers after Kubernetes 1.32.
 *
 * Rejects, at synth time: Amazon Linux 2 on Kubernetes newer than 1.32, an AMI
 * of another architecture than the instance type, and Windows (the controller,
 * ExternalDNS and Kyverno run on Linux nodes).
 */
export function nodegroupAmiType(
  scope: IConstruct, kind: string, instanceType: ec2.InstanceType, version: eks.KubernetesVersion, given?: eks.NodegroupAmiType,
): eks.NodegroupAmiType {
  const arch = instanceType.architecture;
  const amiType = given ?? (arch === ec2.InstanceArchitecture.ARM_64
    ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD
    : eks.NodegroupAmiType.AL2023_X86_64_STANDARD);
  if (given === undefined) return amiType;

  if (!Object.values(eks.NodegroupAmiType).includes(amiType)) {
    throw validationError(scope, kind, `nodeAmiType '${String(amiType)}' is not an EKS AMI type; use one of eks.NodegroupAmiType (e.g. AL2023_x86_64_STANDARD)`);
  }
  if (amiType.startsWith('WINDOWS_')) {
    throw validationError(scope, kind, `nodeAmiType '${amiType}' is a Windows AMI: the Gateway API Controller, ExternalDNS and Kyverno need Linux nodes; use an AL2023 or Bottlerocket type`);
  }
  const minor = Number(/^1\.(\d+)$/.exec(version.version)?.[1]);
  if (AL2_TYPES.has(amiType) && minor > LAST_AL2_KUBERNETES_MINOR) {
    const replacement = amiArchitecture(amiType) === ec2.InstanceArchitecture.ARM_64
      ? eks.NodegroupAmiType.AL2023_ARM_64_STANDARD
      : amiType === eks.NodegroupAmiType.AL2_X86_64_GPU ? eks.NodegroupAmiType.AL2023_X86_64_NVIDIA : eks.NodegroupAmiType.AL2023_X86_64_STANDARD;
    throw validationError(scope, kind, `nodeAmiType '${amiType}' (Amazon Linux 2) is not offered for Kubernetes ${version.version}: EKS publishes AL2 AMIs only up to 1.${LAST_AL2_KUBERNETES_MINOR}; use '${replacement}'`);
  }
  if (amiArchitecture(amiType) !== arch) {
    throw validationError(scope, kind, `nodeAmiType '${amiType}' is for ${amiArchitecture(amiType)} but nodeInstanceType '${instanceType}' is ${arch}; pick an AMI type of the instance's architecture or leave nodeAmiType unset`);
  }
  return amiType;
}
