// The params a pipeline's stages read, as the editor lists them: one row per leaf value (a
// section such as `train: {lr: 0.1, epochs: 5}` gives `train.lr` and `train.epochs`), written as
// an override takes it, and the overrides that the edited rows make.
import type { ParamView } from '../../../shared/pipelines';

/** One editable param value. */
export interface ParamLeaf {
  /** The params file, relative to the project root. */
  readonly file: string;
  /** Dotted key. */
  readonly key: string;
  /** The value as typed in an override (`0.01`, `true`, `abc`, `[1, 2]`). */
  readonly text: string;
  readonly stages: readonly string[];
}

/** The default params file, which an override does not name. */
const DEFAULT_PARAMS_FILE = 'params.yaml';

function leafText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flattens params to their leaves, in the order given (a float keeps the text Python prints, `1.0`). */
export function paramLeaves(params: readonly ParamView[]): ParamLeaf[] {
  const leaves: ParamLeaf[] = [];
  const seen = new Set<string>();
  const walk = (param: ParamView, key: string, value: unknown, text: string | null) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [child, inner] of Object.entries(value)) walk(param, `${key}.${child}`, inner, null);
      return;
    }
    const id = `${param.file}\0${key}`;
    if (seen.has(id)) return;
    seen.add(id);
    leaves.push({ file: param.file, key, text: text ?? leafText(value), stages: param.stages });
  };
  for (const param of params) walk(param, param.key, param.value, isPlainObject(param.value) ? null : param.text === 'True' || param.text === 'False' ? param.text.toLowerCase() : param.text);
  return leaves;
}

/** The overrides (`[file:]key=value`) for the leaves whose text was edited to something else. */
export function paramOverrides(leaves: readonly ParamLeaf[], edited: Readonly<Record<string, string>>): string[] {
  return leaves.flatMap((leaf) => {
    const id = leafId(leaf);
    const text = edited[id];
    if (text === undefined || text.trim() === leaf.text) return [];
    return [`${leaf.file === DEFAULT_PARAMS_FILE ? '' : `${leaf.file}:`}${leaf.key}=${text.trim()}`];
  });
}

/** A leaf's identity in the editor. */
export function leafId(leaf: Pick<ParamLeaf, 'file' | 'key'>): string {
  return `${leaf.file}:${leaf.key}`;
}
