/**
 * Synth benchmark: whole-process synth time, memory and footprint of the
 * library's app versus a hand-wired aws-eks-v2 baseline, with CDK's built-in
 * template validation off and on.
 *
 *   npx projen bench                      # full matrix, writes docs/benchmarks.md
 *   npx projen bench -- --quick           # 1 cluster x 1 route only, no report
 *   npx projen bench -- --with-build      # also time jest and `npx projen build`
 *   npx projen bench -- --instructions    # also count instructions (valgrind), repeatable on a busy machine
 *   npx projen bench -- --render          # rewrite docs/benchmarks.md from docs/benchmarks-results.json (after editing the findings)
 *
 * Apps are compiled once (tsc) and run as plain node processes, so TypeScript
 * compilation is not part of the measured time.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { criticalPathSection } from './critical-path';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'benchmarks', '.out');
const RUNS = Number(process.env.BENCH_RUNS ?? '7');
const LOAD_AT_START = os.loadavg()[0];

interface Sample { seconds: number; cpuSeconds: number; maxRssMiB: number }
interface StackStats { name: string; resources: number; lambdas: number; templateBytes: number }
interface Result {
  app: string;
  clusters: number;
  routes: number;
  validation: boolean;
  median: number;
  min: number;
  max: number;
  /** Median CPU time (user + system) of the process: less sensitive than wall time to other load on a shared machine. */
  cpuMedian: number;
  rssMiB: number;
  stacks: StackStats[];
  cdkOutBytes: number;
  assetBytes: number;
}

function compileApps(): void {
  fs.rmSync(OUT, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'benchmarks', 'tsconfig.json')], { stdio: 'inherit' });
  // Lambda handler code is found relative to the compiled constructs, as in the npm package (lib/ beside assets/).
  fs.symlinkSync(path.join(ROOT, 'assets'), path.join(OUT, 'assets'), 'dir');
}

function dirBytes(dir: string, filter: (name: string) => boolean = () => true): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += filter(entry.name) ? dirBytes(full) : dirBytes(full, filter);
    else if (filter(entry.name)) total += fs.statSync(full).size;
  }
  return total;
}

/** The compiled app of `app` and the environment that gives it its shape, with `outdir` emptied. */
function appInvocation(app: string, clusters: number, routes: number, validation: boolean, outdir: string):
{ script: string; env: NodeJS.ProcessEnv } {
  fs.rmSync(outdir, { recursive: true, force: true });
  return {
    script: path.join(OUT, 'benchmarks', 'apps', `${app}-app.js`),
    env: { ...process.env, BENCH_CLUSTERS: String(clusters), BENCH_ROUTES: String(routes), BENCH_OUTDIR: outdir, CDK_VALIDATION: validation ? 'true' : 'false' },
  };
}

function runOnce(app: string, clusters: number, routes: number, validation: boolean, outdir: string): Sample {
  const { script, env } = appInvocation(app, clusters, routes, validation, outdir);
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const start = process.hrtime.bigint();
  const proc = timeBin
    ? spawnSync(timeBin, ['-f', 'MAXRSS %M CPU %U %S', process.execPath, script], { env, encoding: 'utf-8' })
    : spawnSync(process.execPath, [script], { env, encoding: 'utf-8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (proc.status !== 0) throw new Error(`${app} app failed:\n${proc.stderr}`);
  const rss = /MAXRSS (\d+) CPU ([\d.]+) ([\d.]+)/.exec(proc.stderr ?? '');
  return { seconds, cpuSeconds: rss ? Number(rss[2]) + Number(rss[3]) : NaN, maxRssMiB: rss ? Number(rss[1]) / 1024 : NaN };
}

const APPS = ['baseline', 'library'];

/**
 * Measures both apps for one shape, alternating baseline and library runs so
 * that drift of a shared machine affects both alike.
 */
function measurePair(clusters: number, routes: number, validation: boolean): Result[] {
  const outdirs = APPS.map((app) => path.join(os.tmpdir(), `bench-${app}-${clusters}-${routes}`));
  const samples: Sample[][] = APPS.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    APPS.forEach((app, a) => samples[a].push(runOnce(app, clusters, routes, validation, outdirs[a])));
  }
  return APPS.map((app, a) => summarize(app, clusters, routes, validation, outdirs[a], samples[a]));
}

function summarize(app: string, clusters: number, routes: number, validation: boolean, outdir: string, samples: Sample[]): Result {
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const cpu = samples.map((s) => s.cpuSeconds).sort((a, b) => a - b);
  const stacks: StackStats[] = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => {
    const text = fs.readFileSync(path.join(outdir, f), 'utf-8');
    const resources = Object.values<any>(JSON.parse(text).Resources ?? {});
    return {
      name: f.replace('.template.json', ''),
      resources: resources.length,
      lambdas: resources.filter((r) => r.Type === 'AWS::Lambda::Function').length,
      templateBytes: Buffer.byteLength(text),
    };
  });
  return {
    app,
    clusters,
    routes,
    validation,
    median: times[Math.floor(times.length / 2)],
    min: times[0],
    max: times[times.length - 1],
    cpuMedian: cpu[Math.floor(cpu.length / 2)],
    rssMiB: Math.max(...samples.map((s) => s.maxRssMiB)),
    stacks,
    cdkOutBytes: dirBytes(outdir),
    assetBytes: dirBytes(outdir, (name) => name.startsWith('asset.')),
  };
}

function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

function clusterStack(r: Result): StackStats {
  return r.stacks.find((s) => s.name === 'cluster1')!;
}

/**
 * What profiling the library app found (instruction counts under valgrind,
 * node --cpu-prof, process.cpuUsage() around CDK's synthesis phases, stubbing
 * one part at a time; 1, 2, 8 and 16 clusters x 1 route and 1 cluster x 40 routes,
 * validation off). Written by hand: re-profile when the figures in the table
 * above move.
 */
const PROFILE_FINDINGS = [
  '### Where the library\'s synth time goes',
  '',
  'Profiled on the machine above. Wall and CPU time move by several percent between identical runs there, so parts were',
  'compared by instructions: `valgrind --tool=callgrind` on `node --predictable` (single-threaded V8, the same count to 0.02%',
  'between runs), whole process, validation off.',
  '',
  '- The table above: from 1 to 8 clusters each further cluster stack adds 520 million instructions to the library and',
  '  328 million to the baseline (1.59), and each further route 17.2 million against 8.5 (2.0), so the ratio grows with',
  '  the number of clusters and of routes. Split at 1 and 2 clusters (apps stopped before `app.synth()`): a cluster stack',
  '  costs 113 against 61 million to construct and 460 against 320 million to synthesize.',
  '- The fixed excess (0.61 billion at 1 cluster) is mostly loading the library: requiring its 75 modules (575 KB of',
  '  JavaScript) costs 0.35 billion instructions, about 65 ms, of which V8 compiling them 33 ms and resolving',
  '  `aws-cdk-lib/...` through its package exports about 20 ms. Bundling them into one file saved 15 ms, loading only the',
  '  modules this app uses 7 ms, minifying nothing measurable. Not done: the npm package keeps one module per source file.',
  '  Tried: taking `CfnAddon` and `CfnPodIdentityAssociation` from `aws-eks-v2` instead of `aws-eks` (which loads a second',
  '  218 KB copy of the generated EKS classes) saved 13 million instructions (0.3%), but aws-cdk-lib 2.263.0, the lowest',
  '  version the package supports, has neither in `aws-eks-v2` (the Java package did not compile). The tables above were',
  '  measured with that change, since reverted.',
  '- Per cluster stack the excess is spread, not concentrated: 72 resources against 59, 2.8 times the references and 2.1',
  '  times the DependsOn. Rendering one pass of a cluster stack (warm) takes 8.2 ms against 4.3 ms; the largest items are',
  '  the tenant-isolation manifest (8%, its deploy-identity tokens), the EKS cluster (5.5%), the controller\'s policy (5%)',
  '  and the CRD installer (5%). Synthesis renders every stack twice (references, template), and tree.json resolves every',
  '  L1\'s properties again (58 of its 106 ms at 16 clusters). Stubbed one at a time (instructions at 2 clusters): tenant',
  '  isolation 33 million per cluster stack, the deletion guard 20 million, the VPC flow log 13 million.',
  '- Per route the default deny-all auth policy (a `CrossClusterAuthPolicy` and its manifest) is 5.7 of the 17.2 million;',
  '  without it 40 routes would be at 1.22. The route and its policy keep separate custom resources: one manifest for both',
  '  changes their logical ids, and on update CloudFormation would delete the old policy resource, and with it the policy',
  '  (the service\'s IAM auth off).',
  '- Measured and not kept: removing every DependsOn implied by others (60 of 156 per cluster stack) 2% of CPU, in the',
  '  noise; pre-rendering token-free manifests as strings, no gain; freezing logical ids with `overrideLogicalId` 1.5%',
  '  fewer instructions, but it pins every id of the subtree; routes depending on the Gateway only, with the guards moved',
  '  before the Gateway, 0.6%.',
  '- Still true from earlier rounds: pseudo-parameter ARNs are resolved once into one intrinsic each',
  '  (`src/private/pseudo-intrinsics.ts`); cdk-nag acknowledgements write their metadata directly; a deny-all auth policy is',
  '  a plain JSON string; the one-function deletion guard took 12 resources out of every cluster stack; no repeated asset',
  '  hashing, no per-construct validation walking the tree, no regular expressions compiled in hot paths.',
  '- Memory: the peak RSS gap is mostly not what the library keeps. At 1 cluster with 40 routes V8\'s heap ends at 65 MiB',
  '  committed against 59 while peak RSS is 123 against 96 MiB; with `node --single-threaded` the same apps peak at 117',
  '  against 110 MiB (6%, 3 runs each). The rest is how V8\'s concurrent garbage collector and compiler threads size their memory for',
  '  the larger amount of work, in steps (the young generation doubling), not in proportion to it.',
  '- What is left: 1.25 at 4 or more clusters, or at 40 routes, needs fewer resources, references and dependencies per',
  '  cluster stack and per route (fewer guards, or route and policy in one custom resource with an upgrade path for',
  '  deployed stacks), not a faster rendering of the same deployment.',
];

interface SuiteTimes { jestSeconds?: number; buildSeconds?: number }

/** Instructions of one whole app process, validation off. */
interface InstructionCount { app: string; clusters: number; routes: number; instructions: number }

/**
 * Instructions the process executes, counted by `valgrind --tool=callgrind`
 * with V8 in `--predictable` mode (one thread, no timing-dependent
 * optimization), so that two runs agree to a few hundredths of a percent
 * where wall and CPU time move by several percent on a shared machine.
 */
function countInstructions(app: string, clusters: number, routes: number): number {
  const { script, env } = appInvocation(app, clusters, routes, false, path.join(os.tmpdir(), `bench-instructions-${app}`));
  const proc = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--predictable', script], { env, encoding: 'utf-8' });
  if (proc.error) throw new Error(`--instructions needs valgrind on the PATH (Debian: apt-get install valgrind): ${proc.error.message}`);
  const collected = /Collected\s*:\s*(\d+)/.exec(proc.stderr ?? '');
  if (proc.status !== 0 || !collected) throw new Error(`valgrind ${app} app failed:\n${proc.stderr}`);
  return Number(collected[1]);
}

function renderInstructions(counts: InstructionCount[]): string[] {
  const lines = ['', '## Instructions, library vs hand-wired aws-eks-v2 (validation off)', '',
    'Counted by `npx projen bench -- --instructions`: `valgrind --tool=callgrind` on `node --predictable`, one run each (repeatable to about 0.02%).', '',
    '| clusters | routes/cluster | baseline billion | library billion | ratio |', '| --- | --- | --- | --- | --- |'];
  for (const lib of counts.filter((c) => c.app === 'library')) {
    const base = counts.find((c) => c.app === 'baseline' && c.clusters === lib.clusters && c.routes === lib.routes)!;
    lines.push(`| ${lib.clusters} | ${lib.routes} | ${fmt(base.instructions / 1e9)} | ${fmt(lib.instructions / 1e9)} | ${fmt(lib.instructions / base.instructions)} |`);
  }
  return lines;
}

function timeCommand(cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const proc = spawnSync(cmd, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (proc.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed`);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

function versions(): Record<string, string> {
  const pkg = (name: string) => JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [ROOT] }), 'utf-8')).version;
  return { 'node': process.version, 'aws-cdk-lib': pkg('aws-cdk-lib'), 'cdk-nag': pkg('cdk-nag'), 'typescript': pkg('typescript') };
}

function renderReport(results: Result[], suite: SuiteTimes, instructions: InstructionCount[], loadAtStart: number): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const lines: string[] = [];
  const row = (cells: Array<string | number>) => lines.push(`| ${cells.join(' | ')} |`);
  lines.push('# Benchmarks', '');
  lines.push('Generated by `npx projen bench` (benchmarks/run.ts); raw numbers in `docs/benchmarks-results.json`.', '');
  lines.push(`Machine: ${os.cpus().length} x ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}.`);
  lines.push(`Versions: ${Object.entries(versions()).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
  lines.push(`Each timing is the whole \`node app.js\` process (apps precompiled with tsc), ${RUNS} runs alternating baseline and library: median [min-max]. `
    + 'Validation is CDK\'s built-in CloudFormation schema validation (`CDK_VALIDATION`). '
    + 'CPU s is user + system time of the process (median): on a shared machine it moves much less with other load than wall time.',
  `Load average (1 min) when the run started: ${loadAtStart.toFixed(1)}.`, '');
  lines.push('## Synth time, library vs hand-wired aws-eks-v2', '');
  row(['clusters', 'routes/cluster', 'validation', 'baseline s', 'library s', 'ratio', 'baseline CPU s', 'library CPU s', 'CPU ratio', 'baseline MiB', 'library MiB']);
  row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---']);
  const keyOf = (r: Result) => `${r.clusters}/${r.routes}/${r.validation}`;
  for (const lib of results.filter((r) => r.app === 'library')) {
    const base = results.find((r) => r.app === 'baseline' && keyOf(r) === keyOf(lib))!;
    row([lib.clusters, lib.routes, lib.validation ? 'on' : 'off',
      `${fmt(base.median)} [${fmt(base.min)}-${fmt(base.max)}]`, `${fmt(lib.median)} [${fmt(lib.min)}-${fmt(lib.max)}]`,
      fmt(lib.median / base.median), fmt(base.cpuMedian), fmt(lib.cpuMedian), fmt(lib.cpuMedian / base.cpuMedian),
      fmt(base.rssMiB, 0), fmt(lib.rssMiB, 0)]);
  }
  if (instructions.length > 0) lines.push(...renderInstructions(instructions));
  lines.push('', ...PROFILE_FINDINGS);
  lines.push('', '## Footprint per cluster stack (validation off)', '');
  row(['clusters', 'routes/cluster', 'app', 'resources', 'Lambda functions', 'template KiB', 'cdk.out MiB', 'assets MiB']);
  row(['---', '---', '---', '---', '---', '---', '---', '---']);
  for (const r of results.filter((x) => !x.validation)) {
    const s = clusterStack(r);
    const mib = (bytes: number) => fmt(bytes / 2 ** 20, 1);
    row([r.clusters, r.routes, r.app, s.resources, s.lambdas, fmt(s.templateBytes / 1024, 1), mib(r.cdkOutBytes), mib(r.assetBytes)]);
  }
  if (suite.jestSeconds !== undefined || suite.buildSeconds !== undefined) {
    lines.push('', '## Test suite and build', '');
    if (suite.jestSeconds !== undefined) lines.push(`- \`npx jest\` (whole suite, no coverage): ${fmt(suite.jestSeconds, 1)} s`);
    if (suite.buildSeconds !== undefined) lines.push(`- \`npx projen build\` (compile, tests, lint, example, API.md, js/python/java packages, consumer tests): ${fmt(suite.buildSeconds, 0)} s`);
  }
  lines.push('', criticalPathSection());
  return lines.join('\n') + '\n';
}

function main(): void {
  const docs = path.join(ROOT, 'docs');
  if (process.argv.includes('--render')) {
    const saved = JSON.parse(fs.readFileSync(path.join(docs, 'benchmarks-results.json'), 'utf-8'));
    fs.writeFileSync(path.join(docs, 'benchmarks.md'), renderReport(saved.results, saved.suite, saved.instructions ?? [], saved.loadAtStart));
    console.log('rewrote docs/benchmarks.md from docs/benchmarks-results.json');
    return;
  }
  const quick = process.argv.includes('--quick');
  compileApps();
  const shapes: Array<[number, number]> = quick ? [[1, 1]] : [[1, 1], [2, 1], [4, 1], [8, 1], [1, 10], [1, 40]];
  const results: Result[] = [];
  for (const [clusters, routes] of shapes) {
    for (const validation of [false, true]) {
      for (const r of measurePair(clusters, routes, validation)) {
        results.push(r);
        const app = r.app;
        console.log(`${app.padEnd(8)} clusters=${clusters} routes=${routes} validation=${validation ? 'on ' : 'off'} `
          + `median=${fmt(r.median)}s [${fmt(r.min)}-${fmt(r.max)}] cpu=${fmt(r.cpuMedian)}s rss=${fmt(r.rssMiB, 0)}MiB `
          + `cluster1: ${clusterStack(r).resources} resources, ${clusterStack(r).lambdas} lambdas, ${fmt(clusterStack(r).templateBytes / 1024, 1)} KiB`);
      }
    }
  }
  if (quick) return;
  const suite: SuiteTimes = {};
  if (process.argv.includes('--with-build')) {
    suite.jestSeconds = timeCommand('npx', ['jest', '--coverage=false']);
    suite.buildSeconds = timeCommand('npx', ['projen', 'build']);
  }
  const instructions: InstructionCount[] = [];
  if (process.argv.includes('--instructions')) {
    for (const [clusters, routes] of shapes) {
      for (const app of APPS) {
        instructions.push({ app, clusters, routes, instructions: countInstructions(app, clusters, routes) });
        console.log(`${app.padEnd(8)} clusters=${clusters} routes=${routes} instructions=${fmt(instructions[instructions.length - 1].instructions / 1e9, 3)} billion`);
      }
    }
  }
  fs.mkdirSync(docs, { recursive: true });
  fs.writeFileSync(path.join(docs, 'benchmarks-results.json'),
    JSON.stringify({ versions: versions(), cpus: os.cpus().length, runs: RUNS, loadAtStart: LOAD_AT_START, suite, results, instructions }, null, 2) + '\n');
  fs.writeFileSync(path.join(docs, 'benchmarks.md'), renderReport(results, suite, instructions, LOAD_AT_START));
  console.log('wrote docs/benchmarks.md and docs/benchmarks-results.json');
}

main();
