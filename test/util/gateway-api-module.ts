/**
 * The standard CRDs of the Gateway API Go module (sigs.k8s.io/gateway-api) at a release, from
 * the Go module cache (downloaded through the Go module proxy when missing, as
 * scripts/gateway-api-bundle-sha256.sh does). The reference CRD folder carries no TLSRoute;
 * the module of the pinned release carries TLSRoute v1 (Gateway API v1.5+).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { PinnedVersions } from '../../src/versions';

/** Where the module's standard CRDs are, or what is missing. */
export interface GatewayApiModuleCrds {
  readonly dir?: string;
  readonly missing?: string;
}

/** `config/crd/standard` of sigs.k8s.io/gateway-api@`version` in the Go module cache. */
export function gatewayApiModuleCrds(version: string = PinnedVersions.GATEWAY_API): GatewayApiModuleCrds {
  const env = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
  if (env.status !== 0) return { missing: `Go (to read sigs.k8s.io/gateway-api@${version} from the module cache)` };
  const dir = path.join(env.stdout.trim(), 'sigs.k8s.io', `gateway-api@${version}`, 'config', 'crd', 'standard');
  if (!fs.existsSync(dir)) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gateway-api-module-'));
    fs.writeFileSync(path.join(work, 'go.mod'), 'module probe\n');
    spawnSync('go', ['mod', 'download', `sigs.k8s.io/gateway-api@${version}`], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    fs.rmSync(work, { recursive: true, force: true });
  }
  return fs.existsSync(dir) ? { dir } : { missing: `sigs.k8s.io/gateway-api@${version} in the Go module cache (go mod download failed)` };
}

/** The CustomResourceDefinition of `plural` (e.g. `tlsroutes`) in the module's standard CRDs. */
export function gatewayApiModuleCrd(dir: string, plural: string): any {
  const file = path.join(dir, `gateway.networking.k8s.io_${plural}.yaml`);
  const crd = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS({ maxAliasCount: -1 })).find((d) => d?.kind === 'CustomResourceDefinition');
  if (!crd) throw new Error(`${file} holds no CustomResourceDefinition`);
  return crd;
}
