/**
 * The pod shapes the injection engine tests run through the mutation (Kyverno CLI, and the
 * native MutatingAdmissionPolicy on a real API server): [name, pod, injected?].
 */
import { SigV4SidecarPolicy } from '../../src/sidecar/sigv4-sidecar-policy';

export const ANNOTATION = SigV4SidecarPolicy.DEFAULT_ANNOTATION_KEY;
const OPT_IN = { [ANNOTATION]: 'true' };

/** A pod as the API server sees it at admission. */
export function pod(name: string, namespace: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, annotations: OPT_IN, ...metadata },
    spec: { containers: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:1.37' }], ...spec },
  };
}

const EXISTING_INIT = { name: 'migrate', image: 'public.ecr.aws/docker/library/busybox:1.37', command: ['true'] };
const EXISTING_VOLUME = { name: 'data', emptyDir: {} };
const owner = (kind: string, name: string) => [{ apiVersion: kind === 'ReplicaSet' || kind === 'StatefulSet' ? 'apps/v1' : 'batch/v1', kind, name, uid: '0b0e5d43-6f5c-4d0e-9b43-7c2b3d1e0a11', controller: true, blockOwnerDeletion: true }];

/** [name, pod, injected?] */
export const SHAPES: Array<[string, any, boolean]> = [
  ['no init containers, no volumes', pod('bare', 'apps', {}), true],
  ['volumes only', pod('volumes', 'apps', { volumes: [EXISTING_VOLUME] }), true],
  ['init containers only', pod('init', 'apps', { initContainers: [EXISTING_INIT] }), true],
  ['init containers and volumes', pod('both', 'apps', { initContainers: [EXISTING_INIT], volumes: [EXISTING_VOLUME] }), true],
  ['a Deployment\'s pod (ReplicaSet owner, generateName)', pod('demo-6d7558f5b4-zk5cg', 'apps', { serviceAccountName: 'client' }, {
    generateName: 'demo-6d7558f5b4-', labels: { 'app': 'demo', 'pod-template-hash': '6d7558f5b4' }, ownerReferences: owner('ReplicaSet', 'demo-6d7558f5b4'),
  }), true],
  ['a StatefulSet\'s pod (PVC volume, hostname)', pod('web-0', 'apps', {
    hostname: 'web-0', subdomain: 'web', volumes: [{ name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } }],
  }, { labels: { 'app': 'web', 'statefulset.kubernetes.io/pod-name': 'web-0' }, ownerReferences: owner('StatefulSet', 'web') }), true],
  ['a Job\'s pod (restartPolicy Never)', pod('report-x7k2p', 'apps', { restartPolicy: 'Never' }, {
    labels: { 'batch.kubernetes.io/job-name': 'report' }, ownerReferences: owner('Job', 'report'),
  }), true],
  ['already injected', pod('again', 'apps', { initContainers: [{ name: 'lattice-sigv4-proxy', image: 'envoy', restartPolicy: 'Always' }] }), false],
  ['an app container with NET_ADMIN', pod('netadmin', 'apps', {
    containers: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:1.37', securityContext: { capabilities: { add: ['NET_ADMIN'] } } }],
  }), true],
  ['a privileged app container', pod('privileged', 'apps', {
    containers: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox:1.37', securityContext: { privileged: true } }],
  }), true],
  ['not opted in', pod('plain', 'apps', {}, { annotations: {} }), false],
  ['annotation "false"', pod('opted-out', 'apps', {}, { annotations: { [ANNOTATION]: 'false' } }), false],
  ['a system namespace', pod('sys', 'kube-system', {}), false],
  ['hostNetwork', pod('host', 'apps', { hostNetwork: true }), false],
  ['a namespace not listed', pod('elsewhere', 'other', {}), false],
];
