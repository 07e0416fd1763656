import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { clusterFixture } from './util/fixtures';
import { LatticeEksClusterProps } from '../src/cluster/lattice-eks-cluster';

function amiTypeOf(extra: Partial<LatticeEksClusterProps>): string {
  const { stack } = clusterFixture(extra, false);
  const groups = Template.fromStack(stack).findResources('AWS::EKS::Nodegroup');
  const [group] = Object.values<any>(groups);
  return group.Properties.AmiType;
}

describe('node group AMI type', () => {
  test.each<[string, Partial<LatticeEksClusterProps>, string]>([
    ['default instance type (t3.large)', {}, 'AL2023_x86_64_STANDARD'],
    ['Graviton instance type', { nodeInstanceType: new ec2.InstanceType('m7g.large') }, 'AL2023_ARM_64_STANDARD'],
    ['Graviton burstable', { nodeInstanceType: new ec2.InstanceType('t4g.medium') }, 'AL2023_ARM_64_STANDARD'],
    ['explicit Bottlerocket', { nodeAmiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64 }, 'BOTTLEROCKET_x86_64'],
    ['explicit AL2 on 1.32 (last AL2 release)', { version: eks.KubernetesVersion.V1_32, nodeAmiType: eks.NodegroupAmiType.AL2_X86_64 }, 'AL2_x86_64'],
  ])('%s', (_name, extra, expected) => {
    expect(amiTypeOf(extra)).toBe(expected);
  });

  test.each<[string, Partial<LatticeEksClusterProps>, RegExp]>([
    ['AL2 on 1.35', { nodeAmiType: eks.NodegroupAmiType.AL2_X86_64 },
      /LatticeEksCluster \(Cluster1\/Lattice\): nodeAmiType 'AL2_x86_64' \(Amazon Linux 2\) is not offered for Kubernetes 1\.35.*use 'AL2023_x86_64_STANDARD'/],
    ['AL2 ARM on 1.33', { version: eks.KubernetesVersion.V1_33, nodeInstanceType: new ec2.InstanceType('m7g.large'), nodeAmiType: eks.NodegroupAmiType.AL2_ARM_64 },
      /nodeAmiType 'AL2_ARM_64' .*Kubernetes 1\.33.*use 'AL2023_ARM_64_STANDARD'/],
    ['AL2 GPU on 1.35', { nodeAmiType: eks.NodegroupAmiType.AL2_X86_64_GPU }, /use 'AL2023_x86_64_NVIDIA'/],
    ['ARM AMI on an x86 instance', { nodeAmiType: eks.NodegroupAmiType.AL2023_ARM_64_STANDARD },
      /nodeAmiType 'AL2023_ARM_64_STANDARD' is for arm64 but nodeInstanceType 't3\.large' is x86_64/],
    ['x86 AMI on Graviton', { nodeInstanceType: new ec2.InstanceType('c7g.xlarge'), nodeAmiType: eks.NodegroupAmiType.BOTTLEROCKET_X86_64 },
      /is for x86_64 but nodeInstanceType 'c7g\.xlarge' is arm64/],
    ['Windows', { nodeAmiType: eks.NodegroupAmiType.WINDOWS_CORE_2022_X86_64 }, /is a Windows AMI: .* need Linux nodes/],
    ['unknown string from a JavaScript caller', { nodeAmiType: 'AL2023' as eks.NodegroupAmiType }, /nodeAmiType 'AL2023' is not an EKS AMI type/],
  ])('rejects %s', (_name, extra, message) => {
    expect(() => clusterFixture(extra, false)).toThrow(message);
  });
});
