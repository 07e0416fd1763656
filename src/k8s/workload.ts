import { K8sObject, objectMeta } from './object';

/** Input of `workloadObjects`. */
export interface WorkloadSpec {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly containerPort: number;
  readonly servicePort: number;
  readonly replicas: number;
  readonly serviceAccountName: string;
  readonly preStopSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  /**
   * Readiness probe of the container: an HTTP GET of this path, the standard
   * gRPC health service (`grpc`) or a TCP connection (`tcp`, for a port that
   * speaks TLS only).
   */
  readonly readiness: { readonly httpPath: string } | 'grpc' | 'tcp';
  readonly podAnnotations: Record<string, string>;
  readonly env: Record<string, string>;
}

/**
 * A Deployment and the Service in front of it. Pods sleep `preStopSeconds`
 * before they get SIGTERM (the `sleep` lifecycle action of Kubernetes >= 1.30
 * needs no `sleep` binary in the image), so Lattice stops sending to them
 * before they stop serving.
 */
export function workloadObjects(spec: WorkloadSpec): K8sObject[] {
  const labels = { 'app.kubernetes.io/name': spec.name };
  const portName = spec.readiness === 'grpc' ? 'grpc' : spec.readiness === 'tcp' ? 'tls' : 'http';
  const env = Object.entries(spec.env).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: objectMeta(spec.name, spec.namespace, labels),
      spec: {
        replicas: spec.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: {
            labels,
            ...(Object.keys(spec.podAnnotations).length > 0 ? { annotations: spec.podAnnotations } : {}),
          },
          spec: {
            serviceAccountName: spec.serviceAccountName,
            terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
            containers: [{
              name: spec.name,
              image: spec.image,
              ports: [{ name: portName, containerPort: spec.containerPort, protocol: 'TCP' }],
              ...(env.length > 0 ? { env } : {}),
              readinessProbe: readinessProbe(spec),
              lifecycle: { preStop: { sleep: { seconds: spec.preStopSeconds } } },
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: objectMeta(spec.name, spec.namespace, labels),
      spec: {
        selector: labels,
        ports: [{
          name: portName,
          port: spec.servicePort,
          targetPort: spec.containerPort,
          protocol: 'TCP',
          // gRPC is HTTP/2 without TLS on the pod's port (Lattice's gRPC target groups speak it).
          ...(spec.readiness === 'grpc' ? { appProtocol: 'kubernetes.io/h2c' } : {}),
        }],
      },
    },
  ];
}

/** The container's readiness probe (see `WorkloadSpec.readiness`). */
function readinessProbe(spec: WorkloadSpec): Record<string, unknown> {
  if (spec.readiness === 'grpc') return { grpc: { port: spec.containerPort } };
  if (spec.readiness === 'tcp') return { tcpSocket: { port: spec.containerPort } };
  return { httpGet: { path: spec.readiness.httpPath, port: spec.containerPort } };
}
