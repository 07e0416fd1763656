import { App, Stack } from 'aws-cdk-lib';
import { ArtifactSources } from '../src/artifact-sources';
import { PinnedVersions } from '../src/versions';
import { pinnedVersionsTable, readmeTable, sourcesColumn } from './util/pinned-versions';

describe('the README lists every pinned version', () => {
  test('its table is the one generated from PinnedVersions (run `npx projen docgen:pinned` after a bump)', () => {
    expect(readmeTable()).toBe(pinnedVersionsTable());
  });

  test('every constant is a row with its value and a description', () => {
    const table = pinnedVersionsTable();
    for (const [name, value] of Object.entries(PinnedVersions)) {
      expect(table).toMatch(new RegExp(`^\\| \`${name}\` \\| \`${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\` \\| \\S`, 'm'));
    }
    expect(Object.keys(PinnedVersions).length).toBeGreaterThanOrEqual(21);
  });

  test('every chart repository and image says how a mirror replaces it, and ArtifactSources really maps its upstream', () => {
    const sources = ArtifactSources.mirror({
      images: { dockerHub: 'm.internal/dh', kubernetesRegistry: 'm.internal/k8s', ecrPublic: 'm.internal/ecr', githubContainerRegistry: 'm.internal/gh' },
      charts: { gatewayApiController: 'oci://m.internal/c/aws-gateway-controller-chart', externalDns: 'https://m.internal/c/', kyverno: 'oci://m.internal/c/kyverno' },
    });
    const stack = new Stack(new App(), 'S');
    for (const [name, value] of Object.entries(PinnedVersions)) {
      const column = sourcesColumn(name, value);
      if (/_IMAGE$|_IMAGE_REPOSITORY$/.test(name)) {
        expect({ name, column }).toEqual({ name, column: expect.stringMatching(/^`images\.\w+`/) });
        expect(sources._image(stack, 'Test', name.endsWith('_REPOSITORY') ? `${value}:x` : value)).toMatch(/^m\.internal\//);
      } else if (name.endsWith('_REPOSITORY')) {
        expect({ name, column }).toEqual({ name, column: expect.stringMatching(/^`charts\.\w+`$/) });
      } else {
        expect({ name, column }).toEqual({ name, column: expect.stringMatching(/\S/) });
      }
    }
  });
});
