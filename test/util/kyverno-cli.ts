/**
 * The Kyverno CLI at the version the library deploys (PinnedVersions.KYVERNO),
 * built once per machine from the Go module proxy (scripts/engines/kyverno.sh)
 * or found on PATH, for the engine tests.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { PinnedVersions } from '../../src/versions';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'engines', 'kyverno.sh');

/** The CLI's path, or what is missing to have it here. */
export interface KyvernoCli {
  readonly bin?: string;
  readonly missing?: string;
}

/** The Kyverno CLI of the pinned version, built or found; `missing` (with a reason) when it cannot be had here. */
export function kyvernoCli(): KyvernoCli {
  if (spawnSync('sh', ['-c', 'command -v go || command -v kyverno']).status !== 0) {
    return { missing: `Go (>= 1.25) to build the Kyverno CLI ${PinnedVersions.KYVERNO}` };
  }
  const run = spawnSync('bash', [SCRIPT], { encoding: 'utf8', timeout: 40 * 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) return { missing: `the Kyverno CLI ${PinnedVersions.KYVERNO} (build failed: ${run.stderr.trim().split('\n').slice(-3).join(' | ')})` };
  return { bin: run.stdout.trim().split('\n').pop() };
}

/** Runs the CLI; a panic fails the test whatever the exit code. */
export function runKyverno(bin: string, args: string[]): { stdout: string; status: number | null } {
  const run = spawnSync(bin, args, { encoding: 'utf8', timeout: 120_000 });
  const output = `${run.stdout}\n${run.stderr}`;
  if (/panic|reflect\.Set/.test(output)) throw new Error(`Kyverno panicked:\n${output}`);
  return { stdout: output, status: run.status };
}
