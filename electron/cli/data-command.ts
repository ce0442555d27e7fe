// `cairn data add | list | profile | check | drift | timeline`: the data capability from the
// command line. Every subcommand is a plain call of the data service; progress goes to stderr,
// results to stdout, and Ctrl-C cancels the running job.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DRIFT_TEST_NAMES, shortDigest, type DataJobProgress, type DriftOptions, type DriftReport, type DriftTestName } from '../../shared/data-models';
import { CairnError } from '../../shared/errors';
import { createDataCapability, type DataCapability } from '../services/data/create-data-service';
import { compareFiles, type DataRef, type DataService } from '../services/data/data-service';
import { DataEngine } from '../services/data/engine/data-engine';
import { DataJobCancelledError } from '../services/data/engine/duckdb-session';
import { checkReportJunitXml } from '../services/data/junit-report';
import { formatCheck, formatDrift, formatProfile, formatTimeline, table } from '../services/data/report-text';
import { openCairnStores } from '../services/cairn-services';
import { resolveDataDir } from '../services/data-dir';
import type { CommandOutput } from './command-output';
import { ProgressLine } from './progress-line';
import { prepareReportFile } from './report-file';

/** `cairn data --help`. */
export const DATA_HELP = `Usage: cairn data <subcommand> [options]

Datasets (a CSV, TSV, Parquet or JSON Lines file, gzip'd or not, or a folder of such files),
their profiles, data checks and drift. DATA below is a path, or the name of a dataset Cairn
knows (its newest version).

Subcommands:
  add PATH [--name N]          Record PATH as a version of dataset N (default: the file's name);
                               versions are told apart by content digest (SHA-256)
  add --from-runs [--experiment E]
                               Record the local files that runs logged with mlflow.log_input
  list [NAME]                  Datasets, or one dataset's versions
  profile DATA [--name N] [--refresh]
                               Profile every column (type, missing, distinct, min, max, mean,
                               quantiles, histogram, top values); stored per version, so a
                               second profile of the same content is instant
  check DATA --checks FILE [--reference REF] [--junit FILE] [--experiment E] [--no-record]
                               Run the rules of a checks file; prints each rule with pass or
                               fail, the failing count and examples; records the check as a run
                               (experiment "Data checks"); exit status 1 when a rule fails
  drift REFERENCE CURRENT [--test COLUMN=TEST[:THRESHOLD]]... [--columns A,B] [--drift-share S]
                               Per-column drift with Evidently's defaults; exit status 0 whether
                               or not drift is found
  timeline REFERENCE (--batches FOLDER | --dataset NAME)
                               Drift of each batch file (by name) or each version against the
                               reference, per column

Options:
  --json             Print the result as JSON (drift: {"columns": [{column, type, test, score,
                     threshold, drift}], "dataset": {drifted_columns, share, drift}})
  --data-dir <dir>   Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  -h, --help         Show this help

Drift follows Evidently: with at most 1,000 reference values a column gets the two-sample
Kolmogorov-Smirnov test (numeric), chi-squared (categorical) or a proportions Z-test (two
values), drift when p < 0.05; above 1,000, the Wasserstein distance normed by the reference's
standard deviation (numeric) or the Jensen-Shannon distance (categorical), drift at >= 0.1.
The dataset drifts when at least half its tested columns drift. TEST is one of
${DRIFT_TEST_NAMES.join(', ')}.

A checks file (YAML):
  rows: {min: 1000, max: 5000000}
  columns:
    age: {type: integer, not_null: true, range: {min: 0, max: 120}}
    country: {allowed_values: [DE, FR, US], max_missing: 0.05}
    id: {unique: true}
    email: {pattern: '^[^@]+@[^@]+$'}
  rules:
    - {name: ends after it starts, sql: end_date >= start_date}
  drift: {drift_share: 0.5, columns: {age: {test: psi, threshold: 0.2}}}
  reference: reference.csv        # for drift, unless --reference is given
Types: numeric, integer, float, string, boolean, datetime. A pattern matches anywhere in the
value (anchor it with ^ and $). Every listed column must be present.

Exit status 2 when the command could not run (bad arguments, a file it cannot read).
`;

const SUBCOMMANDS = ['add', 'list', 'profile', 'check', 'drift', 'timeline'];

/** Runs `cairn data`; resolves to the exit status. */
export async function runDataCommand(args: string[], output: CommandOutput = process): Promise<number> {
  const [subcommand, ...rest] = args;
  if (!subcommand || !SUBCOMMANDS.includes(subcommand)) {
    output.stderr.write(`cairn data: ${subcommand ? `unknown subcommand '${subcommand}'` : 'a subcommand is needed'}. Run \`cairn data --help\`.\n`);
    return 2;
  }
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  process.once('SIGINT', onInterrupt);
  const progress = new ProgressLine(output.stderr, false);
  try {
    return await runSubcommand(subcommand, rest, output, { signal: abort.signal, onProgress: (update) => progress.update(() => describeDataProgress(update)) });
  } catch (error) {
    progress.finish();
    if (error instanceof DataJobCancelledError) {
      output.stderr.write('cairn data: cancelled.\n');
      return 130;
    }
    if (error instanceof CairnError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))) {
      output.stderr.write(`cairn data ${subcommand}: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    progress.finish();
    process.removeListener('SIGINT', onInterrupt);
  }
}

interface JobOptions {
  readonly signal: AbortSignal;
  readonly onProgress: (progress: DataJobProgress) => void;
}

async function runSubcommand(subcommand: string, args: string[], output: CommandOutput, job: JobOptions): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      refresh: { type: 'boolean', default: false },
      'from-runs': { type: 'boolean', default: false },
      experiment: { type: 'string' },
      checks: { type: 'string' },
      reference: { type: 'string' },
      junit: { type: 'string' },
      'no-record': { type: 'boolean', default: false },
      test: { type: 'string', multiple: true },
      columns: { type: 'string' },
      'drift-share': { type: 'string' },
      batches: { type: 'string' },
      dataset: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const dataDir = resolveDataDir(values['data-dir']);
  const print = (text: string) => output.stdout.write(text);
  const json = (value: unknown) => print(`${JSON.stringify(value, null, 2)}\n`);
  const needs = (count: number, usage: string) => {
    if (positionals.length !== count) throw new CairnError('INVALID_PARAMETER_VALUE', `usage: cairn data ${usage}`);
  };

  if (subcommand === 'drift') {
    needs(2, 'drift REFERENCE CURRENT [--json]');
    const options = driftOptions(values.test ?? [], values.columns, values['drift-share']);
    const [reference, current] = positionals as [string, string];
    const report =
      fs.existsSync(reference) && fs.existsSync(current)
        ? await withEngine((engine) => compareFiles(engine, reference, current, { ...options, ...job }))
        : await withData(dataDir, (data) => data.service.compare(dataRef(reference, data.service), dataRef(current, data.service), { ...options, ...job, record: false }));
    if (values.json) json(evidentlyJson(report));
    else print(formatDrift(report));
    return 0;
  }

  return withData(dataDir, async (data) => {
    const service = data.service;
    switch (subcommand) {
      case 'add': {
        if (values['from-runs']) {
          needs(0, 'add --from-runs [--experiment E]');
          return addFromRuns(data, values.experiment, output, job);
        }
        needs(1, 'add PATH [--name N]');
        const version = await service.addDataset(positionals[0]!, { name: values.name, ...job });
        if (values.json) json(version);
        else print(`Added ${version.datasetName} version ${shortDigest(version.digest, 12)} (${version.files.length} file${version.files.length === 1 ? '' : 's'}, ${version.bytes.toLocaleString('en')} bytes) from ${version.path}\n`);
        return 0;
      }
      case 'list': {
        if (positionals.length > 1) needs(1, 'list [NAME]');
        if (positionals[0]) {
          const versions = service.listVersions(positionals[0]);
          if (values.json) json(versions);
          else {
            print(
              `${table(
                ['version', 'digest', 'seen first', 'bytes', 'profiled', 'path'],
                versions.map((v) => [v.versionId.slice(0, 8), shortDigest(v.digest, 12), new Date(v.createdTime).toISOString().slice(0, 19), v.bytes.toLocaleString('en'), v.profiled ? 'yes' : '', v.path]),
              )}\n`,
            );
          }
          return 0;
        }
        const datasets = service.listDatasets();
        if (values.json) json(datasets);
        else if (datasets.length === 0) print('No datasets yet. Add one with `cairn data add PATH`.\n');
        else print(`${table(['dataset', 'versions', 'latest', 'path'], datasets.map((d) => [d.name, String(d.versionCount), d.latestVersion ? shortDigest(d.latestVersion.digest, 12) : '', d.latestVersion?.path ?? '']))}\n`);
        return 0;
      }
      case 'profile': {
        needs(1, 'profile DATA [--name N] [--refresh]');
        const { version, profile, cached } = await service.profile(dataRef(positionals[0]!, service), { name: values.name, refresh: values.refresh, ...job });
        if (values.json) json({ version, profile, cached });
        else print(formatProfile(`${version.datasetName} version ${shortDigest(version.digest, 12)}${cached ? ' (stored profile)' : ''}`, profile));
        return 0;
      }
      case 'check': {
        needs(1, 'check DATA --checks FILE [--reference REF]');
        if (!values.checks) throw new CairnError('INVALID_PARAMETER_VALUE', 'check needs --checks FILE (a YAML checks file; see `cairn data --help`).');
        const junit = values.junit ? prepareReportFile(values.junit, '--junit') : null;
        const report = await service.check(
          {
            data: dataRef(positionals[0]!, service),
            checks: values.checks,
            reference: values.reference ? dataRef(values.reference, service) : null,
            record: values['no-record'] ? false : { experimentName: values.experiment },
          },
          job,
        );
        if (junit) fs.writeFileSync(junit, checkReportJunitXml(report));
        if (values.json) json(report);
        else print(formatCheck(report));
        return report.failed > 0 ? 1 : 0;
      }
      case 'timeline': {
        needs(1, 'timeline REFERENCE (--batches FOLDER | --dataset NAME)');
        if (!values.batches === !values.dataset) throw new CairnError('INVALID_PARAMETER_VALUE', 'timeline needs either --batches FOLDER or --dataset NAME.');
        const options = driftOptions(values.test ?? [], values.columns, values['drift-share']);
        const timeline = await service.driftTimeline(
          dataRef(positionals[0]!, service),
          values.batches ? { folder: values.batches } : { dataset: values.dataset! },
          { ...options, ...job },
        );
        if (values.json) json(timeline);
        else print(formatTimeline(timeline));
        return 0;
      }
    }
    return 2;
  });
}

/** Runs `work` with an engine only: comparing two files reads no data folder and records nothing. */
async function withEngine<T>(work: (engine: DataEngine) => Promise<T>): Promise<T> {
  const engine = new DataEngine();
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

/** Runs `work` with the data capability over the tracker database in `dataDir`. */
async function withData<T>(dataDir: string, work: (data: DataCapability) => Promise<T>): Promise<T> {
  const stores = openCairnStores(dataDir);
  const data = createDataCapability({ database: stores.database, tracker: stores.store, artifacts: stores.artifacts });
  try {
    return await work(data);
  } finally {
    await data.close();
    stores.close();
  }
}

async function addFromRuns(data: DataCapability, experiment: string | undefined, output: CommandOutput, job: JobOptions): Promise<number> {
  const registrations = await data.service.registerAllRunInputs({ experimentName: experiment, ...job });
  let recorded = 0;
  for (const { runName, registration } of registrations) {
    if (registration.version) {
      recorded++;
      output.stdout.write(`${runName}: ${registration.name} → ${registration.version.datasetName} version ${shortDigest(registration.version.digest, 12)} (${registration.version.path})\n`);
    } else {
      output.stdout.write(`${runName}: ${registration.name} not recorded: ${registration.reason}\n`);
    }
  }
  output.stdout.write(`${recorded} dataset input${recorded === 1 ? '' : 's'} recorded, ${registrations.length - recorded} not.\n`);
  return 0;
}

/** A path when one exists there, else a dataset's name; neither is refused naming both, as a mistyped path is the likelier mistake. */
function dataRef(text: string, service: DataService): DataRef {
  if (fs.existsSync(text)) return text;
  try {
    service.getDataset(text);
  } catch (error) {
    if (!(error instanceof CairnError) || error.code !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    throw new CairnError('RESOURCE_DOES_NOT_EXIST', `No file or folder at ${path.resolve(text)}, and no dataset named ${text} (add one with \`cairn data add PATH --name ${text}\`).`);
  }
  return { dataset: text };
}

function driftOptions(tests: readonly string[], columns: string | undefined, driftShare: string | undefined): DriftOptions {
  const chosen: Record<string, { test: DriftTestName; threshold?: number }> = {};
  for (const spec of tests) {
    const match = /^(.+)=([a-z_]+)(?::([0-9.eE+-]+))?$/.exec(spec);
    if (!match || !DRIFT_TEST_NAMES.includes(match[2] as DriftTestName) || (match[3] !== undefined && !Number.isFinite(Number(match[3])))) {
      throw new CairnError('INVALID_PARAMETER_VALUE', `--test ${spec}: write COLUMN=TEST or COLUMN=TEST:THRESHOLD with TEST one of ${DRIFT_TEST_NAMES.join(', ')}.`);
    }
    chosen[match[1]!] = { test: match[2] as DriftTestName, ...(match[3] !== undefined ? { threshold: Number(match[3]) } : {}) };
  }
  const share = driftShare === undefined ? undefined : Number(driftShare);
  if (share !== undefined && !(share > 0 && share <= 1)) throw new CairnError('INVALID_PARAMETER_VALUE', '--drift-share must be above 0 and at most 1.');
  return {
    ...(Object.keys(chosen).length ? { columns: chosen } : {}),
    ...(columns ? { only: columns.split(',').map((c) => c.trim()).filter(Boolean) } : {}),
    ...(share !== undefined ? { driftShare: share } : {}),
  };
}

/** The drift report in the shape Evidently users know: num/cat/text columns, Evidently's key names. */
export function evidentlyJson(report: DriftReport) {
  return {
    columns: report.columns
      .filter((column) => column.kind === 'num' || column.kind === 'cat' || column.kind === 'text')
      .map((column) => ({
        column: column.column,
        type: column.kind,
        test: column.test,
        score: column.score,
        threshold: column.threshold,
        drift: column.drift,
      })),
    dataset: { drifted_columns: report.dataset.driftedColumns, share: report.dataset.share, drift: report.dataset.drift },
  };
}

/** One line of a data job's progress: its stage, the file, how far, how many rows. */
function describeDataProgress(progress: DataJobProgress): string {
  const fraction = progress.fraction === null ? '' : ` ${Math.floor(progress.fraction * 100)}%`;
  const rows = progress.rowsRead === null ? '' : `, ${progress.rowsRead.toLocaleString('en')} rows`;
  return `${progress.stage} ${path.basename(progress.subject)}${fraction}${rows}`;
}
