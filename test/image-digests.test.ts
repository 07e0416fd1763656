import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { ArtifactSources } from '../src/artifact-sources';
import { gatewayApiCrdsJob } from '../src/k8s/gateway-api-crds-job';
import { validatePinnedImage } from '../src/private/images';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const CHARTS = { gatewayApiController: 'oci://m.internal/c/aws-gateway-controller-chart', externalDns: 'https://m.internal/c/', kyverno: 'oci://m.internal/c/kyverno' };

describe('image references with digests', () => {
  const stack = new Stack(new App(), 'S', { env: { account: '123456789012', region: 'eu-west-1' } });

  test.each([
    [`docker.io/envoyproxy/envoy@${DIGEST}`, `m.internal/dh/envoyproxy/envoy@${DIGEST}`],
    [`docker.io/envoyproxy/envoy:distroless-v1.40.0@${DIGEST}`, `m.internal/dh/envoyproxy/envoy:distroless-v1.40.0@${DIGEST}`],
    [`docker.io/alpine:3.22@${DIGEST}`, `m.internal/dh/library/alpine:3.22@${DIGEST}`],
    [`registry.k8s.io/kubectl@${DIGEST}`, `m.internal/k8s/kubectl@${DIGEST}`],
    [`public.ecr.aws/aws-cli/aws-cli:2.36.7@${DIGEST}`, `m.internal/ecr/aws-cli/aws-cli:2.36.7@${DIGEST}`],
  ])('%s is mirrored like a tag, digest kept', (upstream, mirrored) => {
    const sources = ArtifactSources.mirror({
      images: { dockerHub: 'm.internal/dh', kubernetesRegistry: 'm.internal/k8s', ecrPublic: 'm.internal/ecr', githubContainerRegistry: 'm.internal/gh' },
      charts: CHARTS,
    });
    expect(sources._image(stack, 'Test', upstream)).toBe(mirrored);
    expect(validatePinnedImage(stack, 'Test', 'image', mirrored)).toBe(mirrored);
    const pullThrough = ArtifactSources.ecrPullThrough({ charts: CHARTS, registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' });
    expect(pullThrough._image(stack, 'Test', upstream)).toMatch(new RegExp(`^123456789012\\.dkr\\.ecr\\.eu-west-1\\.amazonaws\\.com/[a-z0-9-]+/.*@${DIGEST}$`));
  });

  test.each([
    [`registry.k8s.io/kubectl@${DIGEST}`],
    [`registry.k8s.io/kubectl:v1.35.0@${DIGEST}`],
    [`registry.example.com:5000/team/kubectl:latest@${DIGEST}`],
  ])('%s is a pinned reference', (image) => {
    expect(validatePinnedImage(stack, 'Test', 'image', image)).toBe(image);
  });

  test.each([
    ['registry.k8s.io/kubectl@sha256:abc'],
    [`registry.k8s.io/kubectl@sha512:${'a'.repeat(128)}`],
    ['registry.k8s.io/kubectl:latest'],
    ['registry.example.com:5000/team/kubectl'],
    [`registry.k8s.io/kubectl@${DIGEST}:v1.35.0`],
  ])('%s is rejected, naming the forms that are pinned', (image) => {
    expect(() => validatePinnedImage(stack, 'Test', 'versions.kubectlImage', image))
      .toThrow(`versions.kubectlImage '${image}' is not a pinned image reference (registry/repository:tag, @sha256:<64 hex digits> or :tag@sha256:<digest>; not latest without a digest`);
  });
});

describe('the CRD installer keeps the verified bundle unchanged until it is applied', () => {
  const objects = gatewayApiCrdsJob({
    name: 'gateway-api-crds-v1-5-1-x',
    version: 'v1.5.1',
    sha256: 'a'.repeat(64),
    namespace: 'kube-system',
    downloadImage: `docker.io/alpine:3.22@${DIGEST}`,
    kubectlImage: `registry.k8s.io/kubectl:v1.35.0@${DIGEST}`,
  });
  const pod = (objects.find((o) => o.kind === 'Job') as any).spec.template.spec;

  test('the download step verifies the SHA-256, makes the file read-only and names it after the checksum; the apply step applies that name only, read-only', () => {
    const [download, apply] = pod.initContainers;
    expect(download.command[2]).toMatch(/sha256sum -c -; chmod 0444 "\$BUNDLE"; mv "\$BUNDLE" "\$VERIFIED"$/);
    expect(download.env).toEqual(expect.arrayContaining([
      { name: 'SHA256', value: 'a'.repeat(64) }, { name: 'BUNDLE', value: '/bundle/download.yaml' }, { name: 'VERIFIED', value: `/bundle/${'a'.repeat(64)}.yaml` },
    ]));
    expect(download.volumeMounts).toEqual([{ name: 'bundle', mountPath: '/bundle' }]);
    expect(apply.volumeMounts).toEqual([{ name: 'bundle', mountPath: '/bundle', readOnly: true }]);
    expect(apply.args.slice(-2)).toEqual(['-f', `/bundle/${'a'.repeat(64)}.yaml`]);
    expect(apply.image).toBe(`registry.k8s.io/kubectl:v1.35.0@${DIGEST}`);
  });
});

describe('the download step, run by a real sh with sha256sum (wget replaced by a copy of a local file)', () => {
  /** Runs the step's command on `content` against `sha256`; returns the exit status and the files it left. */
  function run(content: string, sha256: string): { status: number | null; files: Record<string, string> } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crds-step-'));
    try {
      const bundle = path.join(dir, 'bundle');
      const bin = path.join(dir, 'bin');
      fs.mkdirSync(bundle);
      fs.mkdirSync(bin);
      fs.writeFileSync(path.join(dir, 'release.yaml'), content);
      fs.writeFileSync(path.join(bin, 'wget'), `#!/bin/sh\ncp "${path.join(dir, 'release.yaml')}" "$3"\n`, { mode: 0o755 });
      const job: any = gatewayApiCrdsJob({
        name: 'j', version: 'v1.5.1', sha256, namespace: 'kube-system', downloadImage: 'docker.io/alpine:3.22', kubectlImage: 'registry.k8s.io/kubectl:v1.35.0',
      }).find((o) => o.kind === 'Job');
      const download = job.spec.template.spec.initContainers[0];
      const env = Object.fromEntries(download.env.map((e: any) => [e.name, String(e.value).replace(/^\/bundle\//, `${bundle}/`)]));
      const res = spawnSync(download.command[0], download.command.slice(1), { env: { ...env, PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
      const files = Object.fromEntries(fs.readdirSync(bundle).map((f) => [f, (fs.statSync(path.join(bundle, f)).mode % 0o1000).toString(8)]));
      return { status: res.status, files };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a bundle with the expected SHA-256 ends up read-only under the name the apply step reads', () => {
    const content = 'kind: CustomResourceDefinition\n';
    const sha = createHash('sha256').update(content).digest('hex');
    expect(run(content, sha)).toEqual({ status: 0, files: { [`${sha}.yaml`]: '444' } });
  });

  test('any other content fails the step and leaves nothing the apply step could read', () => {
    const sha = createHash('sha256').update('the release').digest('hex');
    const res = run('tampered', sha);
    expect(res.status).not.toBe(0);
    expect(Object.keys(res.files)).not.toContain(`${sha}.yaml`);
  });
});
