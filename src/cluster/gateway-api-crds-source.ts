import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { validationError } from '../private/errors';

/** Options of `GatewayApiCrdsSource.fromFile()`. */
export interface GatewayApiCrdsFileOptions {
  /**
   * Expected SHA-256 (lowercase hex) of the file.
   * @default - `versions.gatewayApiStandardInstallSha256` of the cluster (`PinnedVersions.GATEWAY_API_STANDARD_INSTALL_SHA256` by default)
   */
  readonly sha256?: string;
}

/**
 * Where the installer Job of a `LatticeEksCluster` gets the Gateway API
 * `standard-install.yaml` from: the pinned GitHub release at deploy time (the
 * default), or a local copy that is verified at synth time and delivered as a
 * CDK file asset (S3), for clusters without internet access.
 *
 * @example
 * import { GatewayApiCrdsSource } from 'cdk-lattice-eks';
 *
 * // standard-install.yaml of the pinned Gateway API release, downloaded beforehand
 * // (e.g. from an internal artifact store); synth fails unless its SHA-256 matches.
 * const crds = GatewayApiCrdsSource.fromFile('vendor/gateway-api/standard-install.yaml');
 */
export class GatewayApiCrdsSource {
  /** The release's `standard-install.yaml` from GitHub, downloaded and verified in the cluster at deploy time. */
  public static github(): GatewayApiCrdsSource {
    return new GatewayApiCrdsSource(undefined, undefined);
  }

  /**
   * A local `standard-install.yaml`, checked against the expected SHA-256 at
   * synth time and uploaded as a file asset; the installer Job reads it from S3
   * (EKS Pod Identity, `s3:GetObject` on that object only), verifies the
   * SHA-256 again and applies it. Nodes need a route to S3 (e.g. an S3 gateway
   * endpoint). A relative `file` is resolved against the working directory of
   * the synthesis.
   */
  public static fromFile(file: string, options: GatewayApiCrdsFileOptions = {}): GatewayApiCrdsSource {
    return new GatewayApiCrdsSource(file, options?.sha256);
  }

  /** Path of the local file (undefined for GitHub). */
  public readonly file?: string;
  /** Expected SHA-256 given with the file, if any. */
  public readonly sha256?: string;

  private constructor(file: string | undefined, sha256: string | undefined) {
    this.file = file;
    this.sha256 = sha256;
  }

  /**
   * Verifies the file against `expected` (this source's own SHA-256 wins) and
   * returns its absolute path and SHA-256.
   * @internal
   */
  public _verify(scope: IConstruct, kind: string, expected: string): { file: string; sha256: string } {
    if (this.file === undefined) throw new Error('GatewayApiCrdsSource: not a file source');
    const sha256 = this.sha256 ?? expected;
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
      throw validationError(scope, kind, `gatewayApiCrds: sha256 '${sha256}' of '${this.file}' is not a lowercase hex SHA-256`);
    }
    const file = path.resolve(this.file);
    let content: Buffer;
    try {
      content = fs.readFileSync(file);
    } catch (e: any) {
      throw validationError(scope, kind,
        `gatewayApiCrds: cannot read '${file}' (${e?.code ?? e?.message}); give the path of the Gateway API release's standard-install.yaml`);
    }
    const actual = crypto.createHash('sha256').update(content).digest('hex');
    if (actual !== sha256) {
      throw validationError(scope, kind,
        `gatewayApiCrds: '${file}' has SHA-256 ${actual}, expected ${sha256}; use the release's unmodified standard-install.yaml ` +
        '(or give its SHA-256 together with versions.gatewayApi)');
    }
    return { file, sha256 };
  }
}
