/**
 * The ExternalDNS values the library renders, checked against the pinned chart's own
 * `values.schema.json` (what Helm enforces at install) and its Chart.yaml, read from the
 * ExternalDNS Go module (`sigs.k8s.io/external-dns`, whose tree carries the chart) that
 * `go mod download` fetches from the Go module proxy and verifies against the Go
 * checksum database. Nothing of the chart is stored in this repository.
 *
 * Skipped with one line without Go or the module proxy; fails when CI is set.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { externalDnsValues } from '../../src/k8s/helm-values';
import { PinnedVersions } from '../../src/versions';

/** The first ExternalDNS release whose tree carries chart `PinnedVersions.EXTERNAL_DNS_CHART` (1.22.0 was released from it). */
const MODULE_VERSION = 'v0.23.0';

/**
 * The chart folder of the release module, extracted into a temporary folder. `go mod download` fetches the
 * zip and checks it against the checksum database (it reports that building the module needs a newer Go,
 * which does not matter here); its `Sum` is compared with the database's entry once more through the proxy.
 */
function chartDir(): { dir?: string; missing?: string; work?: string } {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'external-dns-chart-'));
  const module = `sigs.k8s.io/external-dns@${MODULE_VERSION}`;
  const run = spawnSync('go', ['mod', 'download', '-json', module], { cwd: work, encoding: 'utf8', timeout: 300_000 });
  if (run.error) return { missing: `Go (${run.error.message})` };
  let info: any = {};
  try {
    info = JSON.parse(run.stdout);
  } catch {
    return { missing: `${module} from the Go module proxy (${`${run.stdout}${run.stderr}`.trim().slice(0, 200)})` };
  }
  if (!info.Zip || !info.Sum) return { missing: `${module} from the Go module proxy (${info.Error ?? 'no zip'})` };
  const lookup = spawnSync('curl', ['-fsS', `https://proxy.golang.org/sumdb/sum.golang.org/lookup/${module}`], { encoding: 'utf8', timeout: 60_000 });
  if (!(lookup.stdout ?? '').split('\n').includes(`sigs.k8s.io/external-dns ${MODULE_VERSION} ${info.Sum}`)) {
    return { missing: `the checksum database's entry for ${module} (or it differs from ${info.Sum})` };
  }
  const unzip = spawnSync('unzip', ['-q', info.Zip, `${module}/charts/external-dns/*`, '-d', work], { encoding: 'utf8' });
  if (unzip.status !== 0) return { missing: `unzip (${unzip.error?.message ?? unzip.stderr})` };
  return { dir: path.join(work, module, 'charts', 'external-dns'), work };
}

const chart = chartDir();
if (chart.missing && process.env.CI !== 'true') {
  // eslint-disable-next-line no-console
  console.warn(`ExternalDNS chart engine test skipped: missing ${chart.missing}`);
}
const describeWithChart = chart.dir || process.env.CI === 'true' ? describe : describe.skip;

describeWithChart('the ExternalDNS values against the pinned chart (Chart.yaml and values.schema.json from its release module)', () => {
  afterAll(() => {
    if (chart.work) fs.rmSync(chart.work, { recursive: true, force: true });
  });

  const schema = () => {
    const s = JSON.parse(fs.readFileSync(path.join(chart.dir!, 'values.schema.json'), 'utf8'));
    delete s.$schema;
    return new Ajv({ strict: false, allErrors: true }).compile(s);
  };

  test('the module carries the pinned chart and its appVersion is the one PinnedVersions names', () => {
    const meta = parse(fs.readFileSync(path.join(chart.dir!, 'Chart.yaml'), 'utf8'));
    expect(meta.version).toBe(PinnedVersions.EXTERNAL_DNS_CHART);
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'src', 'versions.ts'), 'utf8');
    expect(source).toContain(`ExternalDNS Helm chart (app v${meta.appVersion})`);
  });

  test.each([
    ['a zone in the same account', {}],
    ['a hub zone through an assumed role, from a mirrored image repository', { assumeRoleArn: 'arn:aws:iam::111111111111:role/hub', imageRepository: 'm.internal/k8s/external-dns/external-dns' }],
  ])('the values for %s pass the chart\'s schema', (_what, extra) => {
    const validate = schema();
    const values = externalDnsValues({ domainName: 'example.com', txtOwnerId: 'eks-cluster1', region: 'eu-west-1', ...extra });
    expect({ valid: validate(values), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  });

  test('the schema really rejects values without `policy` (required since chart 1.22)', () => {
    const validate = schema();
    const { policy, ...rest } = externalDnsValues({ domainName: 'example.com', txtOwnerId: 'eks-cluster1', region: 'eu-west-1' });
    expect(policy).toBe('sync');
    expect(validate(rest)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('policy');
  });
});
