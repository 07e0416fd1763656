import { IConstruct } from 'constructs';
import { validationError } from '../private/errors';

/**
 * SHA-256 of the `standard-install.yaml` of every Gateway API release the
 * installer accepts without an explicit checksum. Each value is the bundle
 * rebuilt by `scripts/gateway-api-bundle-sha256.sh` from the release's Go
 * module (`sigs.k8s.io/gateway-api`, verified against the Go checksum database)
 * with the release's own `hack/build-install-yaml.sh`; for v1.5.1 that
 * reproduces the checksum pinned since the installer was written. The Job
 * checks the downloaded asset against it before applying anything.
 */
export const GATEWAY_API_BUNDLE_SHA256: Readonly<Record<string, string>> = {
  'v1.5.0': '510338cf6709f84410efcce5269268f4c7c5067efdc5d04c75aa2fd2f8380c96',
  'v1.5.1': '751002b3b91a87f7ae3bd2517c79a47a8d7ed6702901808a1cf9bd97d284f9b8',
  'v1.6.0': 'a557172e8348f758479e9ee4000bbbb4b4aa48302a6b73461823ea5349bad56d',
  'v1.6.1': '24d931f22abd8e40c973264319ead7cfa09d0fb7716b7ab1ee2ff174cb063a73',
  'v1.6.2': 'faede450fa178126aba41337737b97d351ebe87d93c910237ce1e072d1ca40d9',
  'v1.6.3': '356c2b8e286a964dc20995435659ad1095386329974793af10bbfe3eff977fe5',
  'v1.7.0': '4e2602c4cbe1afbc394d86f4ac6522e1a5263b01133bba1e40a6d1a549e753a1',
};

/** Oldest Gateway API minor the AWS Gateway API Controller v2.1 works with (v2.1.3 is built against v1.5.0). */
export const MIN_GATEWAY_API_MINOR = 5;

/** Newest Gateway API minor whose bundle the installer may apply (the newest release the library was checked with). */
export const MAX_GATEWAY_API_MINOR = 7;

/** A Gateway API release and the SHA-256 of its standard bundle. */
export interface GatewayApiBundle {
  readonly version: string;
  readonly sha256: string;
}

/**
 * The bundle to install: `version` (a `v1.<minor>.<patch>` release from v1.5 to v1.7) and its
 * SHA-256, given or known. Throws for releases the controller cannot use, releases newer than
 * the library was checked with, malformed checksums, and a given checksum that contradicts the
 * known one.
 */
export function resolveGatewayApiBundle(scope: IConstruct, kind: string, version: string, sha256?: string): GatewayApiBundle {
  const m = /^v1\.(\d+)\.(\d+)$/.exec(version);
  if (!m) {
    throw validationError(scope, kind, `versions.gatewayApi '${version}' is not a Gateway API release tag; give one such as 'v1.6.3' (v1.<minor>.<patch>, with the leading 'v')`);
  }
  const minor = Number(m[1]);
  if (minor < MIN_GATEWAY_API_MINOR) {
    throw validationError(scope, kind,
      `versions.gatewayApi '${version}' is older than v1.${MIN_GATEWAY_API_MINOR}: the AWS Gateway API Controller v2.1 needs Gateway API v1.${MIN_GATEWAY_API_MINOR} or newer; ` +
      `give a v1.${MIN_GATEWAY_API_MINOR}.x to v1.${MAX_GATEWAY_API_MINOR}.x release`);
  }
  if (minor > MAX_GATEWAY_API_MINOR) {
    throw validationError(scope, kind,
      `versions.gatewayApi '${version}' is newer than v1.${MAX_GATEWAY_API_MINOR}.x, the newest Gateway API the library and AWS Gateway API Controller v2.1 ` +
      `were checked with; give a v1.${MIN_GATEWAY_API_MINOR}.x to v1.${MAX_GATEWAY_API_MINOR}.x release, or installGatewayApiCrds: false to manage the CRDs yourself`);
  }
  const known = GATEWAY_API_BUNDLE_SHA256[version];
  if (sha256 === undefined) {
    if (known === undefined) {
      throw validationError(scope, kind,
        `versions.gatewayApi '${version}' needs versions.gatewayApiStandardInstallSha256 (the SHA-256 of its standard-install.yaml): ` +
        `run 'scripts/gateway-api-bundle-sha256.sh ${version}', or 'sha256sum standard-install.yaml' on the release asset; the library knows ${Object.keys(GATEWAY_API_BUNDLE_SHA256).join(', ')}`);
    }
    return { version, sha256: known };
  }
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw validationError(scope, kind, `versions.gatewayApiStandardInstallSha256 '${sha256}' is not a lowercase hex SHA-256`);
  }
  if (known !== undefined && known !== sha256) {
    throw validationError(scope, kind,
      `versions.gatewayApiStandardInstallSha256 '${sha256}' is not the SHA-256 of the standard-install.yaml of Gateway API ${version} (${known}); drop it to use the known one`);
  }
  return { version, sha256 };
}
