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
      .toThrow(`versions.kubectlImage '${image}' is not a pinned image reference (registry/repository:tag, @sha256:<64 hex digits> or :tag@sha256:<digest>; not latest without a digest)`);
  });
});

describe('the CRD installer keeps the verified bundle unchanged until it is applied', () => {
  const objects = gatewayApiCrdsJob({
    name: 'gateway-api-crds-v1-5-1-x', version: 'v1.5.1', sha256: 'a'.repeat(64), namespace: 'kube-system',
    downloadImage: `docker.io/alpine:3.22@${DIGEST}`, kubectlImage: `registry.k8s.io/kubectl:v1.35.0@${DIGEST}`,
  });
  const pod = (objects.find((o) => o.kind === 'Job') as any).spec.template.spec;

  test('the download step verifies the SHA-256 and then makes the file read-only; the apply step mounts it read-only', () => {
    const [download, apply] = pod.initContainers;
    expect(download.command[2]).toMatch(/sha256sum -c -; chmod 0444 "\$BUNDLE"$/);
    expect(download.volumeMounts).toEqual([{ name: 'bundle', mountPath: '/bundle' }]);
    expect(apply.volumeMounts).toEqual([{ name: 'bundle', mountPath: '/bundle', readOnly: true }]);
    expect(apply.args).toContain('/bundle/standard-install.yaml');
    expect(apply.image).toBe(`registry.k8s.io/kubectl:v1.35.0@${DIGEST}`);
  });
});
