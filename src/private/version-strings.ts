import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from './errors';

/** Semantic version 2.0.0 without the leading `v` (Helm chart versions). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** An EKS add-on version: `v<major>.<minor>.<patch>-eksbuild.<n>`. */
const ADDON_VERSION = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Throws unless `value` is a literal, non-empty version string (any format); returns it. */
export function requireLiteralVersion(scope: IConstruct, kind: string, prop: string, value: unknown, example: string): string {
  if (typeof value !== 'string') {
    throw validationError(scope, kind, `${prop} must be a version string such as '${example}', got ${describe(value)}`);
  }
  if (Token.isUnresolved(value)) {
    throw validationError(scope, kind,
      `${prop} must be a literal string, not a token (needed at synth to check the pin); give a version such as '${example}'`);
  }
  if (value.trim() === '') {
    throw validationError(scope, kind,
      `${prop} '${value}' is empty, which drops the pin (the latest or the default version would be installed at deploy); ` +
      `give a version such as '${example}', or leave ${prop} out for the pinned default`);
  }
  return value;
}

/**
 * Throws unless `value` is a literal Helm chart version: one exact semantic
 * version (Helm reads `v` before it as part of the version, so `v2.1.3` and
 * `2.1.3` both pin). A range such as `^1.21` or `1.x` would float at deploy.
 */
export function validateChartVersion(scope: IConstruct, kind: string, prop: string, value: unknown, example: string): string {
  const version = requireLiteralVersion(scope, kind, prop, value, example);
  if (!SEMVER.test(version.startsWith('v') ? version.slice(1) : version)) {
    throw validationError(scope, kind,
      `${prop} '${version}' is not one exact chart version (a semantic version such as '${example}', no range or wildcard); ` +
      'Helm would install another version or fail at deploy');
  }
  return version;
}

/** Throws unless `value` is a literal EKS add-on version (`v1.2.3-eksbuild.4`). */
export function validateAddonVersion(scope: IConstruct, kind: string, prop: string, value: unknown, example: string): string {
  const version = requireLiteralVersion(scope, kind, prop, value, example);
  if (!ADDON_VERSION.test(version)) {
    throw validationError(scope, kind,
      `${prop} '${version}' is not an EKS add-on version (v<major>.<minor>.<patch>-eksbuild.<n>, such as '${example}'; ` +
      'list them with aws eks describe-addon-versions); EKS would reject it at deploy');
  }
  return version;
}
