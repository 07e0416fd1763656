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
  /** Path of the readiness probe (the Lattice health check's path). */
  readonly readinessPath: string;
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
              ports: [{ name: 'http', containerPort: spec.containerPort, protocol: 'TCP' }],
              ...(env.length > 0 ? { env } : {}),
              readinessProbe: { httpGet: { path: spec.readinessPath, port: spec.containerPort } },
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
      spec: { selector: labels, ports: [{ name: 'http', port: spec.servicePort, targetPort: spec.containerPort, protocol: 'TCP' }] },
    },
  ];
}
