/** The demo applications: an nginx that answers with its name on port 80, and a gRPC server. */

/** Port the demo container listens on (the Service maps 80 to it). */
export const DEMO_PORT = 8090;

/** Pinned, official multi-arch image; it also ships curl for the validation calls. */
export const DEMO_IMAGE = 'public.ecr.aws/docker/library/nginx:1.29-alpine';

/** The ConfigMap, Deployment and Service of the demo app `name` in `namespace`. */
export function demoAppObjects(name: string, namespace: string, serviceAccountName: string, injectAnnotation: string): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': name };
  const deployment = `${name}-v1`;
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `${name}-nginx`, namespace, labels },
      data: {
        'default.conf': [
          'server {',
          `  listen ${DEMO_PORT};`,
          '  location / {',
          '    default_type text/plain;',
          `    return 200 "Requesting to Pod($hostname): Hello from ${deployment}\\n";`,
          '  }',
          '}',
          '',
        ].join('\n'),
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: deployment, namespace, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { [injectAnnotation]: 'true' } },
          spec: {
            serviceAccountName,
            terminationGracePeriodSeconds: 150,
            containers: [{
              name: deployment,
              image: DEMO_IMAGE,
              ports: [{ name: 'http', containerPort: DEMO_PORT }],
              readinessProbe: { httpGet: { path: '/', port: DEMO_PORT } },
              // Lattice sends to a terminating pod until it is deregistered (controller FAQ).
              lifecycle: { preStop: { sleep: { seconds: 60 } } },
              resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' } },
              volumeMounts: [{ name: 'nginx-conf', mountPath: '/etc/nginx/conf.d', readOnly: true }],
            }],
            volumes: [{ name: 'nginx-conf', configMap: { name: `${name}-nginx` } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: DEMO_PORT, protocol: 'TCP' }] },
    },
  ];
}

/** Port of the demo gRPC server (the standard gRPC health service, `grpc.health.v1.Health`). */
export const GREETER_PORT = 50051;

/**
 * Pinned Kubernetes e2e test image whose `grpc-health-checking` command serves
 * `grpc.health.v1.Health` (and an HTTP control server on 8080).
 */
export const GREETER_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';

/** The Deployment and Service of the demo gRPC server `name` in `namespace`. */
export function greeterObjects(name: string, namespace: string): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': name };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 150,
            containers: [{
              name,
              image: GREETER_IMAGE,
              args: ['grpc-health-checking', `--port=${GREETER_PORT}`],
              ports: [{ name: 'grpc', containerPort: GREETER_PORT }],
              readinessProbe: { grpc: { port: GREETER_PORT } },
              lifecycle: { preStop: { sleep: { seconds: 60 } } },
              resources: { requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '64Mi' } },
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels },
      spec: {
        selector: labels,
        ports: [{ name: 'grpc', port: GREETER_PORT, targetPort: GREETER_PORT, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' }],
      },
    },
  ];
}
