// The first rows of the data a model version was trained on, as a scoring request: what a "Try it"
// form is prefilled with when the model saved no input example. The data is found through the
// version's run: its training dataset (else its first), when that is a local CSV or TSV file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { DeployedModel, PredictionInput } from '../../../shared/deployments';
import type { RunDataset } from '../../../shared/models';
import type { ModelFileStores } from './model-version-files';

/** How many rows the example holds. */
const EXAMPLE_ROWS = 2;
/** How much of the file is read to find them. */
const READ_BYTES = 256 * 1024;
const NUMERIC_TYPES = new Set(['double', 'float', 'long', 'integer']);

/** The local file a dataset's source names (MLflow's local and file sources: {"uri": ...} or a path), or null. */
export function datasetFile(dataset: Pick<RunDataset, 'source' | 'sourceType'>): string | null {
  if (!dataset.source) return null;
  let location: unknown = dataset.source;
  try {
    const parsed: unknown = JSON.parse(dataset.source);
    if (parsed && typeof parsed === 'object') location = (parsed as { uri?: unknown; path?: unknown }).uri ?? (parsed as { path?: unknown }).path;
  } catch {
    // A plain path or URI.
  }
  if (typeof location !== 'string') return null;
  try {
    const file = location.startsWith('file:') ? fileURLToPath(location) : location;
    return path.isAbsolute(file) && /\.(csv|tsv)$/i.test(file) && fs.statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** Splits one delimited line, honouring double quotes ("" inside quotes is a quote). */
export function splitDelimitedLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

/** The signature's input columns and their types, from an MLmodel file; null when it names none. */
function signatureColumns(modelDir: string): Array<{ name: string; type: string }> | null {
  try {
    const mlmodel = parseYaml(fs.readFileSync(path.join(modelDir, 'MLmodel'), 'utf8')) as { signature?: { inputs?: unknown } } | null;
    const inputs = mlmodel?.signature?.inputs;
    const specs: unknown = typeof inputs === 'string' ? JSON.parse(inputs) : inputs;
    if (!Array.isArray(specs)) return null;
    const columns = specs.flatMap((spec) => {
      const { name, type } = (spec ?? {}) as { name?: unknown; type?: unknown };
      return typeof name === 'string' && typeof type === 'string' ? [{ name, type }] : [];
    });
    return columns.length === specs.length && columns.length > 0 ? columns : null;
  } catch {
    return null;
  }
}

/** The first rows of the local CSV file the version's run trained on, as a dataframe_split request; null when there is none. */
export async function trainingDataExample(stores: Pick<ModelFileStores, 'registry' | 'tracker'>, model: DeployedModel, modelDir: string): Promise<PredictionInput | null> {
  const version = await stores.registry.getModelVersion(model.name, model.version).catch(() => null);
  const run = version?.runId ? await stores.tracker.getRun(version.runId).catch(() => null) : null;
  if (!run) return null;
  const datasets = [...run.datasets].sort((a, b) => Number(b.context === 'training') - Number(a.context === 'training'));
  const file = datasets.map(datasetFile).find((found) => found !== null);
  if (!file) return null;
  const handle = await fs.promises.open(file, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(READ_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, READ_BYTES, 0);
    text = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const delimiter = /\.tsv$/i.test(file) ? '\t' : ',';
  const lines = text.split(/\r?\n/).slice(0, EXAMPLE_ROWS + 2).filter((line) => line.trim() !== '');
  if (lines.length < 2) return null;
  const header = splitDelimitedLine(lines[0]!.replace(/^\uFEFF/, ''), delimiter);
  const rows = lines.slice(1, EXAMPLE_ROWS + 1).map((line) => splitDelimitedLine(line, delimiter));
  const signature = signatureColumns(modelDir);
  const columns = signature ?? header.map((name) => ({ name, type: 'string' }));
  const positions = columns.map((column) => header.indexOf(column.name));
  if (positions.some((position) => position === -1)) return null;
  const data = rows.map((cells) =>
    columns.map((column, i) => {
      const raw = cells[positions[i]!] ?? '';
      if (raw === '') return null;
      const number = Number(raw);
      return (NUMERIC_TYPES.has(column.type) || !signature) && Number.isFinite(number) ? number : raw;
    }),
  );
  return { json: { dataframe_split: { columns: columns.map((column) => column.name), data } } };
}
