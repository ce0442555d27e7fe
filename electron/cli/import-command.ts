// `cairn import PATH`: brings an MLflow file store (an mlruns folder) into a Cairn data folder,
// with a progress line on stderr and a summary of what was imported and skipped on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { countOf, formatBytes } from '../../shared/quantity-text';
import { createArtifactStore, createDatabaseStores } from '../services/cairn-services';
import { openDatabase } from '../services/database/database';
import { resolveDataDir, trackerDatabaseFile } from '../services/data-dir';
import {
  importMlflowFileStore,
  type ImportSkip,
  type ImportSkipKind,
  type MlflowImportProgress,
  type MlflowImportSummary,
} from '../services/importer/mlflow-file-store-importer';
import type { CommandOutput } from './command-output';
import { ProgressLine } from './progress-line';

/** `cairn import --help`. */
export const IMPORT_HELP = `Usage: cairn import PATH [options]

Brings an MLflow file store (an mlruns folder, or a folder holding one) into Cairn:
experiments (matched by name: an existing experiment of the same name receives the runs),
runs with their MLflow run ids, params, tags, metric histories, dataset inputs and artifact
files (copied into Cairn's data folder), MLflow 3 logged models with their ids, params, tags,
metrics and files, and the model registry (models, versions, aliases). Deleted experiments,
runs and logged models stay deleted. Importing again adds nothing; an import that was
interrupted is resumed by running it again.

Options:
  --data-dir <dir>     Data folder (default: $CAIRN_DATA_DIR, else the OS's per-user app data folder)
  --experiment <name>  Import only the experiment with this name (the registry is left out)
  --dry-run            Report what would be imported and write nothing (a database that exists
                       is read; one that does not is not created)
  -h, --help           Show this help

Artifacts in remote stores (s3://, gs://, ...) are not copied: the imported runs and logged
models keep pointing at them. Symbolic links are followed only when they stay inside the mlruns
folder (or inside the artifact folder being copied); every other link (and a broken link, or a
folder link that loops) is left out, nothing it points at is read, and the summary lists each one
with where it points, also with --dry-run. Progress goes to stderr, the summary to stdout. Exit status 1
when a run or model could not be written.
`;

/** Where the command writes; process.stdout and process.stderr unless a test passes its own. */
const EXAMPLES_PER_KIND = 5;
/** Kinds of skip listed in full, however many there are: a link left out may be a file someone expects. */
const LISTED_IN_FULL: readonly ImportSkipKind[] = ['symlink'];

const SKIP_TITLES: Readonly<Record<ImportSkipKind, string>> = {
  'already-imported': 'Already in Cairn',
  symlink: 'Symbolic links (not followed)',
  malformed: 'Malformed (skipped)',
  'remote-artifacts': 'Remote artifacts (not copied)',
  'unknown-field': 'Unknown fields (ignored)',
  unsupported: 'Not imported',
  conflict: 'Conflicts with Cairn',
  failed: 'Failed',
};

/** Runs `cairn import`; resolves to the exit status. */
export async function runImportCommand(args: string[], output: CommandOutput = process): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      'data-dir': { type: 'string' },
      experiment: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Error('import needs exactly one PATH (an mlruns folder). Run `cairn import --help`.');
  const source = path.resolve(positionals[0]!);
  const dataDir = resolveDataDir(values['data-dir']);
  const dryRun = values['dry-run'] ?? false;
  const databaseFile = trackerDatabaseFile(dataDir);

  // A dry run never creates a data folder: without a database it compares against a fresh one in
  // memory, and it leaves out the artifact store (which creates its folders).
  const database = openDatabase(dryRun && !fs.existsSync(databaseFile) ? ':memory:' : databaseFile);
  const { store, registry, loggedModels } = createDatabaseStores(database);
  const progress = new ImportProgress(output.stderr);
  // Stopping is safe at any point: a run whose import did not complete is resumed by the next import.
  const onInterrupt = () => {
    progress.finish();
    output.stderr.write('cairn: import interrupted; run the same command again to resume it.\n');
    database.close();
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  try {
    const summary = await importMlflowFileStore({
      source,
      store,
      artifacts: dryRun ? null : createArtifactStore(dataDir, database.storage),
      registry,
      loggedModels,
      dryRun,
      experimentName: values.experiment,
      onProgress: (update) => progress.update(update),
    });
    progress.finish();
    output.stdout.write(formatImportSummary(summary, dataDir));
    return summary.skipped.some((skip) => skip.kind === 'failed') ? 1 : 0;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    progress.finish();
    database.close();
  }
}

/** Announces an import's size once, then shows its progress on a ProgressLine. */
class ImportProgress {
  private readonly line: ProgressLine;
  private announced = false;

  constructor(private readonly stream: CommandOutput['stderr']) {
    this.line = new ProgressLine(stream);
  }

  update(progress: MlflowImportProgress): void {
    if (!this.announced) {
      this.announced = true;
      const models = progress.modelsTotal > 0 ? ` and ${countOf(progress.modelsTotal, 'logged model')}` : '';
      this.stream.write(`Importing ${countOf(progress.runsTotal, 'run')}${models} (${formatBytes(progress.metricBytesTotal)} of metric files)\n`);
    }
    this.line.update(() => describeProgress(progress));
  }

  finish(): void {
    this.line.finish();
  }
}

function describeProgress(progress: MlflowImportProgress): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.metricPoints / seconds : 0;
  const total = progress.runsTotal + progress.modelsTotal;
  let fraction = total > 0 ? (progress.runsDone + progress.modelsDone) / total : 1;
  if (progress.metricBytesTotal > 0) fraction = progress.metricBytesDone / progress.metricBytesTotal;
  const eta = fraction > 0 && fraction < 1 ? formatDuration((seconds * (1 - fraction)) / fraction) : '--';
  const models = progress.modelsTotal > 0 ? `  ${progress.modelsDone}/${progress.modelsTotal} logged models` : '';
  return (
    `${progress.runsDone}/${progress.runsTotal} runs${models}  ${Math.floor(fraction * 100)}%  ` +
    `${progress.metricPoints.toLocaleString('en')} points  ${Math.round(rate).toLocaleString('en')} points/s  ETA ${eta}`
  );
}

/** The summary printed after an import: what came in, and what was skipped and why. */
function formatImportSummary(summary: MlflowImportSummary, dataDir: string): string {
  const verb = summary.dryRun ? 'Dry run: would import' : 'Imported';
  const seconds = summary.elapsedMs / 1000;
  const lines = [
    `${verb} from ${summary.source} into ${dataDir}:`,
    row(
      'experiments',
      `${summary.experimentsCreated + summary.experimentsMatched} (${summary.experimentsCreated} new, ${summary.experimentsMatched} existing)` +
        `, ${countOf(summary.experimentTags, 'tag')}`,
    ),
    row('runs', `${summary.runs}${summary.runsResumed > 0 ? ` (${summary.runsResumed} resumed after an interrupted import)` : ''}`),
    row('params', summary.params.toLocaleString('en')),
    row('metric points', summary.metricPoints.toLocaleString('en')),
    row('tags', summary.tags.toLocaleString('en')),
    row('dataset inputs', summary.datasetInputs.toLocaleString('en')),
    row(
      'logged models',
      `${summary.loggedModels} (${countOf(summary.loggedModelParams, 'param')}, ${countOf(summary.loggedModelTags, 'tag')}, ` +
        `${countOf(summary.loggedModelMetricPoints, 'metric point')})`,
    ),
    row('artifacts', `${countOf(summary.artifactFiles, 'file')}, ${formatBytes(summary.artifactBytes)}`),
    row(
      'registry',
      `${countOf(summary.registeredModels, 'model')}, ${countOf(summary.modelVersions, 'version')}, ${countOf(summary.aliases, 'alias', 'aliases')}`,
    ),
    row(
      'took',
      `${formatDuration(seconds)}${summary.metricPoints > 0 && seconds > 0 ? ` (${Math.round(summary.metricPoints / seconds).toLocaleString('en')} metric points/s)` : ''}`,
    ),
  ];
  if (summary.skipped.length === 0) {
    lines.push('Nothing was skipped.');
  } else {
    lines.push('Skipped:');
    const byKind = new Map<ImportSkipKind, ImportSkip[]>();
    for (const skip of summary.skipped) byKind.set(skip.kind, [...(byKind.get(skip.kind) ?? []), skip]);
    for (const [kind, skips] of byKind) {
      lines.push(`  ${SKIP_TITLES[kind]} (${skips.length}):`);
      const shown = LISTED_IN_FULL.includes(kind) ? skips : skips.slice(0, EXAMPLES_PER_KIND);
      for (const skip of shown) {
        const where = skip.path ? ` [${shortPath(summary.source, skip.path)}${skip.line ? `:${skip.line}` : ''}]` : '';
        const times = skip.count > 1 && kind === 'unknown-field' ? ` in ${skip.count} files` : '';
        lines.push(`    ${skip.subject}${times}: ${skip.reason}${where}`);
      }
      if (skips.length > shown.length) lines.push(`    … and ${skips.length - shown.length} more`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A path inside the imported folder relative to it (the summary names that folder first), else as it is. */
function shortPath(source: string, file: string): string {
  const relative = path.relative(source, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

function row(label: string, value: string): string {
  return `  ${label.padEnd(16)}${value}`;
}



function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = String(whole % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
