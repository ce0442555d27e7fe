// `cairn data` as a command: exit codes, the check table and its JUnit XML, the check recorded as
// a run with metrics and artifacts, the drift JSON shape, and clear errors for bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCairnStores } from '../services/cairn-services';
import { runDataCommand } from './data-command';
import type { CommandOutput } from './command-output';

const EXAMPLES = path.join(__dirname, '..', '..', 'examples', 'data');
const FIXTURES = path.join(__dirname, '..', 'services', 'data', 'fixtures');

let dir: string;
let dataDir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-data-cli-'));
  dataDir = path.join(dir, 'data');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const output: CommandOutput = { stdout: { write: (text: string) => (out += text) }, stderr: { write: (text: string) => (err += text), isTTY: false } };
  const code = await runDataCommand([...args, '--data-dir', dataDir], output);
  return { code, out, err };
}

describe('cairn data check', () => {
  it('prints each rule with pass or fail, failing counts and examples, writes JUnit XML, records a run, and exits 1', async () => {
    const junit = path.join(dir, 'junit.xml');
    const { code, out } = await run('check', path.join(EXAMPLES, 'orders-april.csv'), '--checks', path.join(EXAMPLES, 'orders-checks.yaml'), '--junit', junit);
    expect(code).toBe(1);
    expect(out).toMatch(/^FAIL\s+order_id: unique\s+2\s+"?10025"? ×3/m);
    expect(out).toMatch(/^FAIL\s+amount: between 0 and 10000\s+2\s+"-12.5" \(row 4\); "-3.0" \(row 41\)/m);
    expect(out).toMatch(/^FAIL\s+country: one of DE, FR, US, NL\s+1\s+"XX" \(row 18\)/m);
    expect(out).toMatch(/^FAIL\s+every row: shipped after it was placed\s+1\s+row 61: \{order_id: "10061"/m);
    expect(out).toMatch(/^FAIL\s+no drift \(3 columns, drift share 0.3\)\s+1\s+amount: wasserstein/m);
    expect(out).toMatch(/^pass\s+rows: between 1000 and 1000000$/m);
    expect(out).toMatch(/^pass\s+country: at most 1% missing$/m);
    const summary = /(\d+) passed, (\d+) failed \(recorded as run ([0-9a-f]{32})\)/.exec(out)!;
    expect([Number(summary[1]), Number(summary[2])]).toEqual([15, 5]);

    const xml = fs.readFileSync(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(xml).toContain('tests="20" failures="5"');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(20);
    expect((xml.match(/<failure /g) ?? []).length).toBe(5);
    expect(xml).toContain('<failure message="1 value is not allowed." type="allowed-values">');

    const stores = openCairnStores(dataDir);
    const tracker = stores.store;
    try {
      const recorded = await tracker.getRun(summary[3]!);
      expect(recorded.info.status).toBe('FAILED');
      expect(recorded.info.runName).toBe('check orders-april.csv');
      const metrics = Object.fromEntries(recorded.metrics.map((m) => [m.key, m.value]));
      expect(metrics).toMatchObject({ rules_passed: 15, rules_failed: 5, rules_total: 20, rows: 1200 });
      expect(recorded.params.find((p) => p.key === 'checks_file')!.value).toBe(path.join(EXAMPLES, 'orders-checks.yaml'));
      expect(recorded.datasets.map((d) => [d.name, d.context])).toEqual([
        ['orders-april.csv', 'check'],
        ['orders-march.csv', 'reference'],
      ]);
      const artifacts = stores.artifacts;
      const files = await artifacts.listArtifacts(recorded.info.artifactUri, 'data-check');
      expect(files.map((f) => f.path).sort()).toEqual(['data-check/junit.xml', 'data-check/report.json', 'data-check/report.txt']);
      const report = JSON.parse((await artifacts.readArtifactPreview(recorded.info.artifactUri, 'data-check/report.json', 1_000_000)).bytes.toString('utf8'));
      expect([report.runId, report.failed, report.data.rows]).toEqual([summary[3], 5, 1200]);
    } finally {
      stores.close();
    }
  });

  it('writes --junit into a folder it makes, and refuses a folder as the file before recording anything', async () => {
    const nested = path.join(dir, 'reports', 'ci', 'junit.xml');
    const checked = await run('check', path.join(EXAMPLES, 'orders-april.csv'), '--checks', path.join(EXAMPLES, 'orders-checks.yaml'), '--junit', nested);
    expect([checked.code, checked.err]).toEqual([1, '']);
    expect(fs.readFileSync(nested, 'utf8')).toContain('tests="20" failures="5"');

    const refused = await run('check', path.join(EXAMPLES, 'orders-april.csv'), '--checks', path.join(EXAMPLES, 'orders-checks.yaml'), '--junit', dir);
    expect([refused.code, refused.out, refused.err]).toEqual([2, '', `cairn data check: --junit ${dir}: that is a folder; name a file.\n`]);
    const stores = openCairnStores(dataDir);
    try {
      const experiment = (await stores.store.getExperimentByName('Data checks'))!;
      expect((await stores.store.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 10 })).items).toHaveLength(1);
    } finally {
      stores.close();
    }
  });

  it('exits 0 when every rule passes, and --json prints the report', async () => {
    const checks = path.join(dir, 'ok.yaml');
    fs.writeFileSync(checks, 'rows: {min: 1}\ncolumns:\n  order_id: {unique: true, not_null: true}\n  country: {pattern: "^[A-Z]{2}$"}\n');
    const { code, out } = await run('check', path.join(EXAMPLES, 'orders-march.csv'), '--checks', checks, '--json', '--no-record');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect([report.passed, report.failed, report.runId]).toEqual([6, 0, null]);
    expect(fs.existsSync(path.join(dataDir, 'cairn.db'))).toBe(true);
  });

  it('says what is wrong with a checks file and exits 2 without recording anything', async () => {
    const cases: Array<[string, RegExp]> = [
      ['columns:\n  a: {nul: true}\n', /columns.a has unknown key nul/],
      ['rows: [1, 2\n', /not valid YAML \(line \d\)/],
      ['columns:\n  a: {type: number}\n', /columns.a.type must be one of numeric, integer/],
      ['drift: {columns: {a: {test: t}}}\n', /drift.columns.a.test must be one of ks, chisquare/],
      ['rules:\n  - {sql: "1=1; DROP TABLE x"}\n', /without ';'/],
      ['', /it is empty/],
    ];
    for (const [text, message] of cases) {
      const checks = path.join(dir, 'bad.yaml');
      fs.writeFileSync(checks, text);
      const { code, err } = await run('check', path.join(EXAMPLES, 'orders-march.csv'), '--checks', checks);
      expect(code, text).toBe(2);
      expect(err, text).toMatch(message);
    }
    const missing = await run('check', path.join(EXAMPLES, 'orders-march.csv'));
    expect([missing.code, missing.err]).toEqual([2, expect.stringMatching(/needs --checks FILE/)]);
    const stores = openCairnStores(dataDir);
    try {
      expect(await stores.store.getExperimentByName('Data checks')).toBeNull();
    } finally {
      stores.close();
    }
  });

  it('fails a drift rule without a reference, with the reason', async () => {
    const checks = path.join(dir, 'drift.yaml');
    fs.writeFileSync(checks, 'drift: {}\n');
    const { code, out } = await run('check', path.join(EXAMPLES, 'orders-march.csv'), '--checks', checks, '--no-record');
    expect(code).toBe(1);
    expect(out).toMatch(/needs a reference: pass --reference REF/);
    const withReference = await run('check', path.join(EXAMPLES, 'orders-march.csv'), '--checks', checks, '--no-record', '--reference', path.join(EXAMPLES, 'orders-march.csv'));
    expect(withReference.code).toBe(0);
  });
});

describe('cairn data drift', () => {
  it('prints exactly the Evidently-shaped JSON and exits 0 even when columns drift', async () => {
    const { code, out } = await run('drift', path.join(FIXTURES, 'drift-small-reference.csv'), path.join(FIXTURES, 'drift-small-current.csv'), '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(Object.keys(report)).toEqual(['columns', 'dataset']);
    expect(Object.keys(report.dataset)).toEqual(['drifted_columns', 'share', 'drift']);
    for (const column of report.columns) {
      expect(Object.keys(column)).toEqual(['column', 'type', 'test', 'score', 'threshold', 'drift']);
      expect(['num', 'cat', 'text']).toContain(column.type);
      if (column.test !== null) expect(['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi', 'kl_div']).toContain(column.test);
    }
    expect(report.columns.find((c: { column: string }) => c.column === 'colour')).toEqual({ column: 'colour', type: 'cat', test: 'chisquare', score: 0, threshold: 0.05, drift: true });
    expect(report.dataset).toEqual({ drifted_columns: 4, share: 4 / 9, drift: false });
    // Comparing two files reads no data folder.
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('takes per-column tests and thresholds, and refuses an unknown test', async () => {
    const { out } = await run('drift', path.join(FIXTURES, 'drift-small-reference.csv'), path.join(FIXTURES, 'drift-small-current.csv'), '--json', '--test', 'num_cont=psi:0.2', '--columns', 'num_cont,flag');
    const report = JSON.parse(out);
    expect(report.columns.map((c: { column: string }) => c.column)).toEqual(['num_cont', 'flag']);
    expect(report.columns[0]).toMatchObject({ test: 'psi', threshold: 0.2 });
    const bad = await run('drift', path.join(FIXTURES, 'drift-small-reference.csv'), path.join(FIXTURES, 'drift-small-current.csv'), '--test', 'num_cont=anova');
    expect([bad.code, bad.err]).toEqual([2, expect.stringMatching(/COLUMN=TEST/)]);
  });
});

describe('cairn data add, list, profile, timeline', () => {
  it('adds versions, lists them, profiles (then answers from the store) and draws a timeline over versions', async () => {
    const added = await run('add', path.join(EXAMPLES, 'orders-march.csv'), '--name', 'orders');
    expect(added.code).toBe(0);
    expect(added.out).toMatch(/^Added orders version [0-9a-f]{12} \(1 file, 82,712 bytes\)/);
    await run('add', path.join(EXAMPLES, 'orders-april.csv'), '--name', 'orders');
    const list = await run('list');
    expect(list.out).toMatch(/^orders\s+2\s+/m);
    const versions = await run('list', 'orders', '--json');
    expect(JSON.parse(versions.out).map((v: { path: string }) => path.basename(v.path))).toEqual(['orders-march.csv', 'orders-april.csv']);

    const profile = await run('profile', 'orders');
    expect(profile.code).toBe(0);
    expect(profile.out).toMatch(/^1,200 rows, 6 columns/m);
    expect(profile.out).toMatch(/^country\s+categorical\s+VARCHAR\s+3\s+5\s/m);
    const again = await run('profile', 'orders');
    expect(again.out).toContain('(stored profile)');

    const timeline = await run('timeline', path.join(EXAMPLES, 'orders-march.csv'), '--dataset', 'orders', '--json');
    const points = JSON.parse(timeline.out).points;
    expect(points.map((p: { label: string }) => p.label.split('@')[0])).toEqual(['orders', 'orders']);
    expect(points[0].dataset.driftedColumns).toBe(0);
    expect(points[1].columns.find((c: { column: string }) => c.column === 'amount').drift).toBe(true);
  });

  it('checks a file the catalog holds in the dataset that holds it, as the README walks it', async () => {
    await run('add', path.join(EXAMPLES, 'orders-march.csv'), '--name', 'orders');
    await run('add', path.join(EXAMPLES, 'orders-april.csv'), '--name', 'orders');
    const checked = await run('check', path.join(EXAMPLES, 'orders-april.csv'), '--checks', path.join(EXAMPLES, 'orders-checks.yaml'));
    expect(checked.code).toBe(1);
    const runId = /recorded as run ([0-9a-f]{32})/.exec(checked.out)![1];

    const datasets = JSON.parse((await run('list', '--json')).out);
    expect(datasets.map((d: { name: string }) => d.name)).toEqual(['orders']);
    const versions = JSON.parse((await run('list', 'orders', '--json')).out);
    expect(versions).toHaveLength(2);
    const april = versions.find((v: { path: string }) => path.basename(v.path) === 'orders-april.csv');
    expect(april.origins.map((o: { kind: string; runId: string | null }) => [o.kind, o.runId])).toContainEqual(['check', runId]);
  });

  it('add --from-runs records the inputs runs logged, not again the data a check run already linked', async () => {
    const checked = await run('check', path.join(EXAMPLES, 'orders-april.csv'), '--checks', path.join(EXAMPLES, 'orders-checks.yaml'));
    expect(checked.code).toBe(1);
    const stores = openCairnStores(dataDir);
    try {
      const experiment = await stores.store.createExperiment({ name: 'training' });
      const training = await stores.store.createRun({ experimentId: experiment.experimentId, runName: 'train', startTime: Date.now(), tags: [] });
      await stores.store.logInputs(training.info.runId, [
        { name: 'orders', digest: 'abc12345', sourceType: 'local', source: JSON.stringify({ uri: path.join(EXAMPLES, 'orders-march.csv') }), tags: [] },
      ]);
    } finally {
      stores.close();
    }

    const fromRuns = await run('add', '--from-runs');
    expect([fromRuns.code, fromRuns.out]).toEqual([0, expect.stringMatching(/^train: orders → orders version [0-9a-f]{12} .*\n1 dataset input recorded, 0 not\.\n$/)]);
    const datasets = JSON.parse((await run('list', '--json')).out);
    expect(datasets.map((d: { name: string }) => d.name).sort()).toEqual(['orders', 'orders-april']);
  });

  it('answers a mistyped path with one line naming the path, exit 2, and records nothing', async () => {
    await run('add', path.join(EXAMPLES, 'orders-march.csv'), '--name', 'orders');
    const missing = path.join(dir, 'orders-aprl.csv');
    const attempts = [
      ['profile', missing],
      ['check', missing, '--checks', path.join(EXAMPLES, 'orders-checks.yaml')],
      ['drift', path.join(EXAMPLES, 'orders-march.csv'), missing],
      ['timeline', missing, '--dataset', 'orders'],
    ];
    for (const args of attempts) {
      const { code, out, err } = await run(...args);
      expect([args[0], code, out]).toEqual([args[0], 2, '']);
      expect(err).toBe(`cairn data ${args[0]}: No file or folder at ${missing}, and no dataset named ${missing} (add one with \`cairn data add PATH --name ${missing}\`).\n`);
    }
    const datasets = JSON.parse((await run('list', '--json')).out);
    expect(datasets.map((d: { name: string; versionCount: number }) => [d.name, d.versionCount])).toEqual([['orders', 1]]);
    const stores = openCairnStores(dataDir);
    try {
      expect(await stores.store.getExperimentByName('Data checks')).toBeNull();
    } finally {
      stores.close();
    }
  });

  it('answers usage mistakes with exit 2', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('profile')).err).toMatch(/usage: cairn data profile/);
    expect((await run('add', path.join(dir, 'nope.csv'))).err).toMatch(/No file or folder/);
    expect((await run('profile', 'unknown-dataset')).err).toMatch(/no dataset named unknown-dataset/);
  });
});
