/** The demo application: an nginx that answers with its name, exposed on port 80. */

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
