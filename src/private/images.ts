import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/**
 * A pinned image reference: `registry/repository:tag`, `registry/repository@sha256:digest` or
 * `registry/repository:tag@sha256:digest` (the digest decides what is pulled; the tag is for people).
 */
const PINNED_IMAGE = /^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+(:\w[\w.-]{0,127})?(@sha256:[0-9a-f]{64})?$/;

/** Whether an image reference names a tag or a digest (not only a repository). */
const HAS_TAG_OR_DIGEST = /(:\w[\w.-]*|@sha256:[0-9a-f]{64})$/;

/** A registry host with an optional path, where mirrored repositories start (e.g. `registry.example.com/docker-hub`). */
const REGISTRY_PREFIX = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;

/** An image reference split into its registry host and the rest (repository path and tag or digest). */
export interface ImageParts {
  readonly registry: string;
  readonly path: string;
}

/** Splits `registry/repository:tag` (or `@sha256:digest`, or both); Docker Hub's official images get their implicit `library/`. */
export function splitImage(image: string): ImageParts {
  const slash = image.indexOf('/');
  const registry = image.slice(0, slash);
  let path = image.slice(slash + 1);
  if (registry === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { registry, path };
}

/** Throws unless `image` is a pinned image reference (tokens pass). */
export function validatePinnedImage(scope: IConstruct, kind: string, prop: string, image: string): string {
  if (typeof image !== 'string') {
    throw validationError(scope, kind, `${prop} must be an image reference string (registry/repository:tag or @sha256:digest), got ${String(image)}`);
  }
  if (Token.isUnresolved(image)) return image;
  if (image.trim() === '') {
    throw validationError(scope, kind, `${prop} '${image}' is empty; give a pinned image reference (registry/repository:tag or @sha256:digest), or leave ${prop} out for the pinned default`);
  }
  if (!PINNED_IMAGE.test(image) || !HAS_TAG_OR_DIGEST.test(image.slice(image.indexOf('/'))) || /:latest$/.test(image)) {
    throw validationError(scope, kind,
      `${prop} '${image}' is not a pinned image reference (registry/repository:tag, @sha256:<64 hex digits> or :tag@sha256:<digest>; ` +
      "not latest without a digest; a tag is 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-')");
  }
  return image;
}

/** Throws unless `prefix` is a registry host with an optional path (tokens pass). */
export function validateRegistryPrefix(scope: IConstruct, kind: string, prop: string, prefix: string | undefined): string {
  if (prefix === undefined || prefix === null || (!Token.isUnresolved(prefix) && prefix.trim() === '')) {
    throw validationError(scope, kind, `${prop} is missing: give the registry (host and optional path) that mirrors it, e.g. 'registry.example.com/mirror'`);
  }
  if (Token.isUnresolved(prefix)) return prefix;
  if (!REGISTRY_PREFIX.test(prefix)) {
    throw validationError(scope, kind,
      `${prop} '${prefix}' is not a registry host with an optional path (lowercase, no scheme, no tag, no trailing '/'), e.g. 'registry.example.com/mirror'`);
  }
  return prefix;
}

/** Throws unless `repository` is an `oci://` chart reference or an `https://` Helm repository (tokens pass). */
export function validateChartRepository(scope: IConstruct, kind: string, prop: string, repository: string | undefined, chart: string): string {
  if (repository === undefined || repository === null || (!Token.isUnresolved(repository) && repository.trim() === '')) {
    throw validationError(scope, kind,
      `${prop} is missing: give the mirror of chart '${chart}' (an oci:// reference ending in '/${chart}', or an https:// Helm repository)`);
  }
  if (Token.isUnresolved(repository)) return repository;
  if (repository.startsWith('oci://')) {
    if (!repository.endsWith(`/${chart}`)) {
      throw validationError(scope, kind, `${prop} '${repository}' must end in '/${chart}': an OCI chart reference names the chart`);
    }
    return repository;
  }
  if (!/^https:\/\/[^\s/]+(\/\S*)?$/.test(repository)) {
    throw validationError(scope, kind, `${prop} '${repository}' is neither an oci:// chart reference nor an https:// Helm repository`);
  }
  return repository;
}
