// Reads a project's cairn-automations.yaml into checked automations. Every problem is reported
// with the file, the line and the automation it concerns, all at once, as the pipeline parser
// reports dvc.yaml's; a file with any problem is refused whole, so nothing half-read ever runs.
//
//   python: /usr/bin/python3            # optional: evaluates models, splits data
//   automations:
//     retrain-on-drift:
//       description: Retrain when a new batch drifts from the reference
//       data: {watch: data/incoming, reference: data/reference.csv, label: churned}
//       triggers:
//         - drift: {drift_share: 0.5}
//         - schedule: "0 3 * * 1"
//         - manual
//       action:
//         pipeline: .                       # the folder holding dvc.yaml
//         params: {train.C: 0.5}
//         new_data: {param: new_data}       # or {dep: data/new.csv}
//         model: {stage: train, path: model}
//       gate:
//         data: holdout                     # or a labelled file
//         holdout: 0.3
//         checks: [checks/batch.yaml]
//         min_new_rows: 200
//         rules: ["metrics.accuracy >= production + 0.005", "metrics.latency_ms <= 20"]
//       promote:
//         model: churn
//         alias: champion
//         deploy: {name: churn, target: local}
//         approval: false
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DRIFT_TEST_NAMES, type ColumnDriftChoice, type DriftTestName } from '../../../shared/data-models';
import type { AutomationIssue } from '../../../shared/automation-models';
import {
  AUTOMATIONS_FILE,
  AutomationsFileError,
  DATA_TRIGGERS,
  type ActionSpec,
  type AutomationSpec,
  type AutomationsFile,
  type DataSpec,
  type GateSpec,
  type NewDataPassing,
  type PromoteSpec,
  type TriggerSpec,
} from './automation-definition';
import { cronProblem } from './cron-schedule';
import { GateRuleError, parseGateRule, type GateRule } from './gate-rule';
import { readYamlMapping, YamlError, type YamlMappingDocument } from '../yaml/yaml-mapping-reader';

/** The metrics the gate's evaluator measures, by task. */
export const GATE_METRICS = {
  classification: ['accuracy', 'f1', 'precision', 'recall', 'auc', 'log_loss', 'latency_ms', 'rows'],
  regression: ['rmse', 'mse', 'mae', 'r2', 'latency_ms', 'rows'],
} as const;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const TOP_KEYS = ['python', 'automations'];
const AUTOMATION_KEYS = ['description', 'data', 'triggers', 'action', 'gate', 'promote'];
const DATA_KEYS = ['watch', 'reference', 'label'];
const ACTION_KEYS = ['pipeline', 'targets', 'params', 'new_data', 'model'];
const GATE_KEYS = ['data', 'holdout', 'seed', 'fallback', 'task', 'checks', 'min_new_rows', 'rules'];
const PROMOTE_KEYS = ['model', 'alias', 'deploy', 'approval'];
const TRIGGER_KINDS = ['schedule', 'new-data', 'drift', 'checks-failing', 'metric-decay', 'manual'];

type Path = ReadonlyArray<string | number>;

/** Collects problems; reads values at paths with their lines. */
class FileReader {
  readonly issues: AutomationIssue[] = [];
  automation: string | null = null;

  constructor(
    private readonly document: YamlMappingDocument,
    readonly fileName: string,
    readonly projectDir: string,
  ) {}

  lineOf(keyPath: Path): number | null {
    return this.document.lineAt(keyPath);
  }

  problem(keyPath: Path, message: string): void {
    this.issues.push({ file: this.fileName, line: this.lineOf(keyPath), automation: this.automation, message });
  }

  /** A mapping (plain object), or null after reporting it. */
  mapping(value: unknown, keyPath: Path, what: string): Record<string, unknown> | null {
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.problem(keyPath, `${what} must be a mapping of keys to values`);
      return null;
    }
    return value as Record<string, unknown>;
  }

  knownKeys(value: Record<string, unknown>, known: readonly string[], keyPath: Path, what: string): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.problem([...keyPath, key], `unknown key '${key}' in ${what}; the keys are ${known.join(', ')}`);
    }
  }

  string(value: unknown, keyPath: Path, what: string, required: boolean): string | null {
    if (value === undefined || value === null) {
      if (required) this.problem(keyPath, `${what} is required`);
      return null;
    }
    if (typeof value !== 'string' || !value.trim()) {
      this.problem(keyPath, `${what} must be a non-empty text`);
      return null;
    }
    return value.trim();
  }

  number(value: unknown, keyPath: Path, what: string, range: { min?: number; max?: number; integer?: boolean } = {}): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
      this.problem(keyPath, `${what} must be a ${range.integer ? 'whole number' : 'number'}`);
      return null;
    }
    if ((range.min !== undefined && value < range.min) || (range.max !== undefined && value > range.max)) {
      this.problem(keyPath, `${what} must be between ${range.min ?? '-∞'} and ${range.max ?? '∞'}, got ${value}`);
      return null;
    }
    return value;
  }

  /** A path relative to the file's folder, made absolute; `mustExist` reports a missing one. */
  filePath(value: unknown, keyPath: Path, what: string, options: { required?: boolean; mustExist?: boolean } = {}): string | null {
    const text = this.string(value, keyPath, what, options.required ?? false);
    if (text === null) return null;
    const absolute = path.resolve(this.projectDir, text);
    if (options.mustExist && !fs.existsSync(absolute)) this.problem(keyPath, `${what}: no file or folder at ${text} (${absolute})`);
    return absolute;
  }
}

function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Reads and checks the automations file at `file`; AutomationsFileError lists every problem. */
export function readAutomationsFile(file: string): AutomationsFile {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch {
    throw new AutomationsFileError([{ file: path.basename(absolute), line: null, automation: null, message: `no automations file at ${absolute}; write one (see \`cairn ct --help\`)` }]);
  }
  return parseAutomationsFile(text, absolute);
}

/** The automations file of a project folder. */
export function automationsFileOf(projectDir: string): string {
  return path.join(path.resolve(projectDir), AUTOMATIONS_FILE);
}

/**
 * The YAML of the automations files last read, by their text: the Automations page asks for the
 * automations' state every few seconds and the scheduler reads the file on every event, and the
 * YAML parse was 4 to 5 ms of each such read. The checks that follow it (files it names exist)
 * still run every time.
 */
const parsedYaml = new Map<string, YamlMappingDocument>();
const PARSED_YAML_KEPT = 16;

function yamlOf(text: string): YamlMappingDocument {
  const known = parsedYaml.get(text);
  if (known) return known;
  const document = readYamlMapping(text);
  if (parsedYaml.size >= PARSED_YAML_KEPT) parsedYaml.delete(parsedYaml.keys().next().value!);
  parsedYaml.set(text, document);
  return document;
}

/** Parses the text of an automations file at `file` (paths in it are relative to its folder). */
export function parseAutomationsFile(text: string, file: string): AutomationsFile {
  const projectDir = path.dirname(path.resolve(file));
  const fileName = path.basename(file);
  let document: YamlMappingDocument;
  try {
    document = yamlOf(text);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    const message = error.message.replace(/^line \d+: /, '');
    throw new AutomationsFileError([{ file: fileName, line: error.line, automation: null, message: `${message === 'the file is empty' ? 'the file is empty: it needs an `automations:` mapping' : `not valid YAML: ${message}`}` }]);
  }
  const reader = new FileReader(document, fileName, projectDir);
  const top: Record<string, unknown> = document.root;
  reader.knownKeys(top, TOP_KEYS, [], 'the file');
  const python = reader.string(top.python, ['python'], 'python', false);
  const automations: AutomationSpec[] = [];
  const entries = reader.mapping(top.automations, ['automations'], 'automations');
  if (entries && Object.keys(entries).length === 0) reader.problem(['automations'], 'there are no automations: add one under `automations:`');
  for (const [name, value] of Object.entries(entries ?? {})) {
    reader.automation = name;
    if (!NAME_PATTERN.test(name)) {
      reader.problem(['automations', name], `the name '${name}' must be 1 to 63 letters, digits, '.', '-' or '_', starting with a letter or digit`);
      continue;
    }
    const spec = readAutomation(reader, name, value);
    if (spec) automations.push(spec);
  }
  reader.automation = null;
  if (reader.issues.length) throw new AutomationsFileError(reader.issues);
  return { file: path.resolve(file), projectDir, python, automations, digest: digestOf(text) };
}

function readAutomation(reader: FileReader, name: string, value: unknown): AutomationSpec | null {
  const at: Path = ['automations', name];
  const body = reader.mapping(value, at, `automation '${name}'`);
  if (!body) return null;
  const before = reader.issues.length;
  reader.knownKeys(body, AUTOMATION_KEYS, at, 'an automation');
  const description = reader.string(body.description, [...at, 'description'], 'description', false);
  const data = readData(reader, body.data, [...at, 'data']);
  const triggers = readTriggers(reader, body.triggers, [...at, 'triggers']);
  const action = readAction(reader, body.action, [...at, 'action']);
  const promote = body.promote === undefined ? null : readPromote(reader, body.promote, [...at, 'promote']);
  const gate = body.gate === undefined ? null : readGate(reader, body.gate, [...at, 'gate']);

  // What the parts need of each other.
  for (const trigger of triggers) {
    if (DATA_TRIGGERS.has(trigger.kind) && !data.watch) reader.problem([...at, 'triggers'], `the ${trigger.kind} trigger acts on new data: set data.watch to the file or folder where it lands`);
    if (trigger.kind === 'drift' && !data.reference) reader.problem([...at, 'triggers'], 'the drift trigger compares new data with a reference: set data.reference');
    if (trigger.kind === 'metric-decay') {
      if (!data.label) reader.problem([...at, 'triggers'], 'the metric-decay trigger evaluates the production model on newly labelled data: set data.label to the label column');
      if (!promote) reader.problem([...at, 'triggers'], 'the metric-decay trigger evaluates the model holding the production alias: add promote with its model and alias');
    }
  }
  if (action?.newData && !data.watch) reader.problem([...at, 'action', 'new_data'], 'new_data passes the watched data to the pipeline: set data.watch');
  if (gate) {
    if (gate.rules.length && !data.label) reader.problem([...at, 'gate', 'rules'], 'metric rules need the label column: set data.label');
    if (gate.rules.length && !action?.model) reader.problem([...at, 'gate', 'rules'], "metric rules evaluate the candidate: set action.model to the stage and the MLflow model folder it writes");
    if (gate.data.kind === 'holdout' && gate.rules.length && !data.watch && !gate.fallback) {
      reader.problem([...at, 'gate', 'data'], 'the holdout is split off new data, and there is none without data.watch: set data.watch, or gate.data (or gate.fallback) to a labelled file');
    }
    for (const rule of gate.rules) {
      const known: readonly string[] = GATE_METRICS[gate.task];
      for (const metric of rule.metrics.concat(rule.metric)) {
        if (!known.includes(metric)) reader.problem([...at, 'gate', 'rules'], `'${rule.text}': the ${gate.task} metrics are ${known.join(', ')}; '${metric}' is not one of them`);
      }
    }
  }
  for (const trigger of triggers) {
    if (trigger.kind === 'metric-decay') {
      const task = gate?.task ?? 'classification';
      const known: readonly string[] = GATE_METRICS[task];
      if (!known.includes(trigger.metric)) reader.problem([...at, 'triggers'], `metric-decay: the ${task} metrics are ${known.join(', ')}; '${trigger.metric}' is not one of them`);
    }
  }
  if (promote) {
    if (!gate || gate.rules.length === 0) reader.problem([...at, 'promote'], 'a promotion needs a gate with at least one metric rule, so that a worse model is never promoted (e.g. rules: ["metrics.accuracy >= production"])');
    if (!action?.model) reader.problem([...at, 'promote'], 'a promotion registers the candidate: set action.model to the stage and the MLflow model folder it writes');
  }
  if (!action) return null;
  if (reader.issues.length > before) return null;
  return { name, description, projectDir: reader.projectDir, line: reader.lineOf(at), data, triggers, action, gate, promote };
}

function readData(reader: FileReader, value: unknown, at: Path): DataSpec {
  const body = reader.mapping(value, at, 'data') ?? {};
  reader.knownKeys(body, DATA_KEYS, at, 'data');
  return {
    watch: reader.filePath(body.watch, [...at, 'watch'], 'data.watch'),
    reference: reader.filePath(body.reference, [...at, 'reference'], 'data.reference', { mustExist: true }),
    label: reader.string(body.label, [...at, 'label'], 'data.label', false),
  };
}

function readTriggers(reader: FileReader, value: unknown, at: Path): TriggerSpec[] {
  if (!Array.isArray(value) || value.length === 0) {
    reader.problem(at, `triggers must be a list of at least one of: ${TRIGGER_KINDS.join(', ')} (use 'manual' for one run only by hand)`);
    return [];
  }
  const triggers: TriggerSpec[] = [];
  (value as unknown[]).forEach((item, index) => {
    const where = [...at, index];
    let kind: string;
    let options: unknown;
    if (typeof item === 'string') {
      kind = item;
      options = null;
    } else if (item && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length === 1) {
      [kind, options] = Object.entries(item as Record<string, unknown>)[0]!;
    } else {
      reader.problem(where, `a trigger is a kind (${TRIGGER_KINDS.join(', ')}) or one kind with its options, e.g. {schedule: "0 3 * * *"}`);
      return;
    }
    const optionsAt = typeof item === 'string' ? where : [...where, kind];
    const trigger = readTrigger(reader, kind, options, optionsAt);
    if (trigger) triggers.push(trigger);
  });
  return triggers;
}

function readTrigger(reader: FileReader, kind: string, options: unknown, at: Path): TriggerSpec | null {
  switch (kind) {
    case 'manual':
    case 'new-data': {
      if (options !== null && !(typeof options === 'object' && options && Object.keys(options).length === 0)) reader.problem(at, `the ${kind} trigger takes no options`);
      return { kind, text: kind };
    }
    case 'schedule': {
      let expression: string | null = null;
      let timezone: string | null = null;
      if (typeof options === 'string') expression = options.trim();
      else {
        const body = reader.mapping(options, at, 'schedule');
        if (!body) return null;
        reader.knownKeys(body, ['cron', 'timezone'], at, 'schedule');
        expression = reader.string(body.cron, [...at, 'cron'], 'schedule.cron', true);
        timezone = reader.string(body.timezone, [...at, 'timezone'], 'schedule.timezone', false);
      }
      if (!expression) {
        if (typeof options === 'string') reader.problem(at, 'schedule needs a cron expression, e.g. "0 3 * * *"');
        return null;
      }
      const problem = cronProblem(expression, timezone);
      if (problem) {
        reader.problem(at, problem);
        return null;
      }
      return { kind, text: `schedule ${expression}${timezone ? ` (${timezone})` : ''}`, schedule: { expression, timezone } };
    }
    case 'drift': {
      const body = reader.mapping(options, at, 'drift');
      if (!body) return null;
      reader.knownKeys(body, ['drift_share', 'columns'], at, 'drift');
      const driftShare = reader.number(body.drift_share, [...at, 'drift_share'], 'drift.drift_share', { min: 0, max: 1 }) ?? 0.5;
      const columns = body.columns === undefined ? null : readDriftColumns(reader, body.columns, [...at, 'columns']);
      return { kind, text: `drift (share of drifted columns ≥ ${driftShare})`, driftShare, columns };
    }
    case 'checks-failing': {
      let checks: unknown = options;
      if (options && typeof options === 'object' && !Array.isArray(options)) {
        const body = options as Record<string, unknown>;
        reader.knownKeys(body, ['checks'], at, 'checks-failing');
        checks = body.checks;
      }
      const checksFile = reader.filePath(checks, at, 'checks-failing (a checks file)', { required: true, mustExist: true });
      if (!checksFile) return null;
      return { kind, text: `checks fail (${path.relative(reader.projectDir, checksFile)})`, checksFile };
    }
    case 'metric-decay': {
      const body = reader.mapping(options, at, 'metric-decay');
      if (!body) return null;
      reader.knownKeys(body, ['metric', 'below', 'above', 'margin'], at, 'metric-decay');
      const metric = reader.string(body.metric, [...at, 'metric'], 'metric-decay.metric', true);
      if (body.below !== undefined && body.above !== undefined) reader.problem(at, "metric-decay takes 'below' (a metric where higher is better) or 'above' (lower is better), not both");
      const threshold = reader.number(body.below ?? body.above, [...at, body.below !== undefined ? 'below' : 'above'], 'metric-decay threshold');
      const margin = reader.number(body.margin, [...at, 'margin'], 'metric-decay.margin', { min: 0 });
      if (threshold === null && margin === null) reader.problem(at, "metric-decay needs 'below' (or 'above') a value, a 'margin' from the value at promotion, or both");
      if (!metric) return null;
      const parts = [threshold !== null ? `${body.above !== undefined ? 'above' : 'below'} ${threshold}` : null, margin !== null ? `worse than at promotion by more than ${margin}` : null].filter(Boolean);
      return { kind, text: `${metric} decays (${parts.join(', or ')})`, metric, threshold, margin };
    }
    default:
      reader.problem(at, `unknown trigger '${kind}'; the triggers are ${TRIGGER_KINDS.join(', ')}`);
      return null;
  }
}

function readDriftColumns(reader: FileReader, value: unknown, at: Path): Record<string, ColumnDriftChoice> | null {
  const body = reader.mapping(value, at, 'drift.columns');
  if (!body) return null;
  const columns: Record<string, ColumnDriftChoice> = {};
  for (const [column, choice] of Object.entries(body)) {
    const spec = reader.mapping(choice, [...at, column], `drift.columns.${column}`) ?? {};
    reader.knownKeys(spec, ['test', 'threshold'], [...at, column], `drift.columns.${column}`);
    if (spec.test !== undefined && !DRIFT_TEST_NAMES.includes(spec.test as DriftTestName)) {
      reader.problem([...at, column, 'test'], `unknown drift test ${JSON.stringify(spec.test)}; the tests are ${DRIFT_TEST_NAMES.join(', ')}`);
    }
    const threshold = reader.number(spec.threshold, [...at, column, 'threshold'], `drift.columns.${column}.threshold`);
    columns[column] = { ...(spec.test !== undefined ? { test: spec.test as DriftTestName } : {}), ...(threshold !== null ? { threshold } : {}) };
  }
  return columns;
}

/** A params value as `dvc exp run -S` reads it (YAML): JSON for anything but a plain number, boolean or simple word. */
function paramText(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_./-]*$/.test(value) && !/^(true|false|null|yes|no|on|off|~)$/i.test(value)) return value;
  return JSON.stringify(value);
}

function flattenParams(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, item]): Array<[string, unknown]> =>
    item && typeof item === 'object' && !Array.isArray(item) ? flattenParams(item as Record<string, unknown>, `${prefix}${key}.`) : [[`${prefix}${key}`, item]],
  );
}

function readAction(reader: FileReader, value: unknown, at: Path): ActionSpec | null {
  if (value === undefined) {
    reader.problem(at.slice(0, -1), 'action is required: the pipeline to run (action: {pipeline: .})');
    return null;
  }
  const body = reader.mapping(value, at, 'action');
  if (!body) return null;
  reader.knownKeys(body, ACTION_KEYS, at, 'action');
  const projectDir = reader.filePath(body.pipeline ?? '.', [...at, 'pipeline'], 'action.pipeline') ?? reader.projectDir;
  if (!fs.existsSync(path.join(projectDir, 'dvc.yaml'))) reader.problem([...at, 'pipeline'], `action.pipeline: no dvc.yaml in ${projectDir}`);
  let targets: string[] = [];
  if (typeof body.targets === 'string') targets = [body.targets];
  else if (Array.isArray(body.targets) && body.targets.every((target) => typeof target === 'string')) targets = body.targets;
  else if (body.targets !== undefined) reader.problem([...at, 'targets'], 'action.targets must be a stage name or a list of them');
  const params = body.params === undefined ? {} : (reader.mapping(body.params, [...at, 'params'], 'action.params') ?? {});
  const setParams = flattenParams(params).map(([key, item]) => `${key}=${paramText(item)}`);
  let newData: NewDataPassing = null;
  if (body.new_data !== undefined) {
    const passing = reader.mapping(body.new_data, [...at, 'new_data'], 'action.new_data') ?? {};
    reader.knownKeys(passing, ['param', 'dep'], [...at, 'new_data'], 'action.new_data');
    const param = reader.string(passing.param, [...at, 'new_data', 'param'], 'action.new_data.param', false);
    const dep = reader.string(passing.dep, [...at, 'new_data', 'dep'], 'action.new_data.dep', false);
    if ((param === null) === (dep === null)) reader.problem([...at, 'new_data'], 'action.new_data takes one of param (a params key set to the new data\'s path) or dep (a path in the project the new data is written to)');
    else if (param) newData = { param };
    else if (dep) {
      if (path.isAbsolute(dep) || dep.split(/[\\/]/).includes('..')) reader.problem([...at, 'new_data', 'dep'], 'action.new_data.dep must be a path inside the project');
      newData = { dep };
    }
    if (dep && setParams.length) reader.problem([...at, 'new_data'], 'new_data.dep runs the pipeline in the project, which params overrides would not: pass the new data as a param instead');
  }
  let model: ActionSpec['model'] = null;
  if (body.model !== undefined) {
    const spec = reader.mapping(body.model, [...at, 'model'], 'action.model') ?? {};
    reader.knownKeys(spec, ['stage', 'path'], [...at, 'model'], 'action.model');
    const stage = reader.string(spec.stage, [...at, 'model', 'stage'], 'action.model.stage', true);
    const folder = reader.string(spec.path, [...at, 'model', 'path'], 'action.model.path', true);
    if (stage && folder) model = { stage, path: folder };
  }
  return { projectDir, targets, setParams, newData, model };
}

function readGate(reader: FileReader, value: unknown, at: Path): GateSpec | null {
  const body = reader.mapping(value, at, 'gate');
  if (!body) return null;
  reader.knownKeys(body, GATE_KEYS, at, 'gate');
  const fraction = reader.number(body.holdout, [...at, 'holdout'], 'gate.holdout', { min: 0.01, max: 0.9 }) ?? 0.3;
  const seed = reader.number(body.seed, [...at, 'seed'], 'gate.seed', { integer: true, min: 0 }) ?? 0;
  let data: GateSpec['data'] = { kind: 'holdout', fraction, seed };
  if (body.data !== undefined && body.data !== 'holdout') {
    const file = reader.filePath(body.data, [...at, 'data'], "gate.data ('holdout' or a labelled file)");
    if (file) data = { kind: 'file', path: file };
  }
  const fallback = reader.filePath(body.fallback, [...at, 'fallback'], 'gate.fallback', { mustExist: true });
  let task: GateSpec['task'] = 'classification';
  if (body.task !== undefined) {
    if (body.task === 'classification' || body.task === 'regression') task = body.task;
    else reader.problem([...at, 'task'], "gate.task must be 'classification' or 'regression'");
  }
  const checksList = body.checks === undefined ? [] : typeof body.checks === 'string' ? [body.checks] : body.checks;
  const checks: string[] = [];
  if (!Array.isArray(checksList)) reader.problem([...at, 'checks'], 'gate.checks must be a checks file or a list of them');
  else checksList.forEach((item, index) => {
    const file = reader.filePath(item, typeof body.checks === 'string' ? [...at, 'checks'] : [...at, 'checks', index], 'gate.checks', { required: true, mustExist: true });
    if (file) checks.push(file);
  });
  const minNewRows = reader.number(body.min_new_rows, [...at, 'min_new_rows'], 'gate.min_new_rows', { integer: true, min: 1 });
  const rules: GateRule[] = [];
  const rulesList = body.rules === undefined ? [] : body.rules;
  if (!Array.isArray(rulesList)) reader.problem([...at, 'rules'], 'gate.rules must be a list of rules, e.g. ["metrics.auc >= production + 0.005"]');
  else rulesList.forEach((item, index) => {
    if (typeof item !== 'string') {
      reader.problem([...at, 'rules', index], 'a rule is a text, e.g. "metrics.auc >= production + 0.005"');
      return;
    }
    try {
      rules.push(parseGateRule(item));
    } catch (error) {
      if (!(error instanceof GateRuleError)) throw error;
      reader.problem([...at, 'rules', index], `rule '${item}': ${error.message}`);
    }
  });
  return { data, fallback, task, checks, minNewRows, rules };
}

function readPromote(reader: FileReader, value: unknown, at: Path): PromoteSpec | null {
  const body = reader.mapping(value, at, 'promote');
  if (!body) return null;
  reader.knownKeys(body, PROMOTE_KEYS, at, 'promote');
  const model = reader.string(body.model, [...at, 'model'], 'promote.model (the registered model)', true);
  const alias = reader.string(body.alias ?? 'champion', [...at, 'alias'], 'promote.alias', true);
  if (alias && !/^[A-Za-z0-9_-]+$/.test(alias)) reader.problem([...at, 'alias'], 'promote.alias must be letters, digits, - and _');
  if (alias && /^v\d+$/i.test(alias)) reader.problem([...at, 'alias'], `promote.alias '${alias}' would be read as a version number in models:/ URIs; choose another`);
  let deploy: PromoteSpec['deploy'] = null;
  if (body.deploy !== undefined) {
    const spec = reader.mapping(body.deploy, [...at, 'deploy'], 'promote.deploy');
    if (spec) {
      reader.knownKeys(spec, ['name', 'target', 'config'], [...at, 'deploy'], 'promote.deploy');
      const name = reader.string(spec.name, [...at, 'deploy', 'name'], 'promote.deploy.name (the deployment)', true);
      const target = reader.string(spec.target ?? 'local', [...at, 'deploy', 'target'], 'promote.deploy.target', true);
      const config = reader.mapping(spec.config, [...at, 'deploy', 'config'], 'promote.deploy.config') ?? {};
      if (name && target) deploy = { name, target, config: Object.fromEntries(Object.entries(config).map(([key, item]) => [key, String(item)])) };
    }
  }
  let approval = false;
  if (body.approval !== undefined) {
    if (typeof body.approval === 'boolean') approval = body.approval;
    else reader.problem([...at, 'approval'], 'promote.approval must be true (a person approves) or false');
  }
  if (!model || !alias) return null;
  return { model, alias, deploy, approval };
}
