import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** One cfn-lint error (E-rule) on a template. */
export interface CfnLintError {
  readonly rule: string;
  readonly message: string;
  readonly resource: string;
}

let cfnLint: string | undefined;

/**
 * The pinned cfn-lint (scripts/dev-tools.sh installs it into .venv-tools/ on
 * first use), never another one on PATH: an older cfn-lint does not know newer
 * intrinsics such as Fn::GetStackOutput. Fails loudly when it cannot be
 * installed: in CI it must never be skipped.
 */
function pinnedCfnLint(): string {
  if (cfnLint) return cfnLint;
  const root = path.resolve(__dirname, '..', '..');
  const install = spawnSync('bash', [path.join(root, 'scripts', 'dev-tools.sh'), 'cfn-lint', '--version'], { encoding: 'utf-8' });
  if (install.status !== 0) {
    throw new Error(`cfn-lint could not be installed by scripts/dev-tools.sh (needs Python 3 with venv): ${install.stderr}`);
  }
  cfnLint = path.join(root, '.venv-tools', 'bin', 'cfn-lint');
  return cfnLint;
}

/** Runs cfn-lint on a template object and returns its errors (warnings are ignored). */
export function cfnLintTemplate(template: unknown, name = 'template'): CfnLintError[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-lint-'));
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(template));
  let out: string;
  try {
    out = execFileSync(pinnedCfnLint(), ['--format', 'json', '--', file], { encoding: 'utf-8' });
  } catch (e: any) {
    // cfn-lint exits non-zero when it finds anything; its JSON is on stdout.
    out = e.stdout?.toString() ?? '';
    if (!out.trim().startsWith('[')) throw e;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const matches: any[] = JSON.parse(out || '[]');
  return matches
    .filter((m) => m.Level === 'Error')
    .map((m) => ({
      rule: m.Rule?.Id,
      message: m.Message,
      resource: (m.Location?.Path ?? []).slice(0, 2).join('/'),
    }));
}

/** Runs cfn-lint on a synthesized stack and returns its errors. */
export function cfnLintErrors(stack: Stack): CfnLintError[] {
  return cfnLintTemplate(Template.fromStack(stack).toJSON(), stack.stackName);
}
