// Parses a checks file (YAML) into rules, refusing anything it does not understand with the
// place and a sentence that says how to fix it. The format:
//
//   rows: {min: 1000, max: 5000000}          # row count range
//   columns:                                  # every column listed must be present
//     age: {type: integer, not_null: true, range: {min: 0, max: 120}}
//     country: {allowed_values: [DE, FR, US], max_missing: 0.05}
//     id: {unique: true}
//     email: {pattern: '^[^@]+@[^@]+$'}
//   rules:                                    # SQL predicates every row must meet
//     - {name: ends after it starts, sql: end_date >= start_date}
//   drift:                                    # no drift against a reference (--reference or `reference:`)
//     drift_share: 0.5
//     columns: {age: {test: psi, threshold: 0.2}, country: {}}
import path from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { DRIFT_TEST_NAMES, type ColumnDriftChoice, type DriftTestName } from '../../../../shared/data-models';
import { CairnError } from '../../../../shared/errors';
import { EXPECTED_COLUMN_TYPES, type ChecksFile, type CheckRule, type ExpectedColumnType, type RangeBound } from './check-rules';

const TOP_KEYS = ['rows', 'columns', 'rules', 'drift', 'reference'];
const COLUMN_KEYS = ['type', 'not_null', 'max_missing', 'unique', 'range', 'allowed_values', 'pattern'];

/** Parses the text of a checks file; `file` names it in errors and anchors a relative `reference`. */
export function parseChecksFile(text: string, file: string): ChecksFile {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` (line ${error.linePos[0].line})` : '';
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw invalid(file, `it is not valid YAML${where}: ${message}`);
  }
  if (document === null || document === undefined) throw invalid(file, 'it is empty; see `cairn data check --help` for the format');
  const top = record(document, file, 'the file');
  unknownKeys(top, TOP_KEYS, file, 'the file');

  const rules: CheckRule[] = [];
  if (top.rows !== undefined) {
    const rows = record(top.rows, file, 'rows');
    unknownKeys(rows, ['min', 'max'], file, 'rows');
    const min = optionalNumber(rows.min, file, 'rows.min');
    const max = optionalNumber(rows.max, file, 'rows.max');
    if (min === null && max === null) throw invalid(file, 'rows needs min, max or both');
    rules.push({ kind: 'row-count', name: `rows: ${describeRange(min, max)}`, column: null, min, max });
  }
  if (top.columns !== undefined) {
    for (const [column, value] of Object.entries(record(top.columns, file, 'columns'))) {
      rules.push(...columnRules(column, value ?? {}, file));
    }
  }
  if (top.rules !== undefined) {
    if (!Array.isArray(top.rules)) throw invalid(file, 'rules must be a list of {name, sql}');
    top.rules.forEach((entry, index) => {
      const rule = record(entry, file, `rules[${index}]`);
      unknownKeys(rule, ['name', 'sql'], file, `rules[${index}]`);
      if (typeof rule.sql !== 'string' || !rule.sql.trim()) throw invalid(file, `rules[${index}].sql must be a SQL condition, e.g. "price > 0"`);
      if (rule.sql.includes(';')) throw invalid(file, `rules[${index}].sql must be one condition, without ';'`);
      const name = typeof rule.name === 'string' && rule.name.trim() ? rule.name.trim() : rule.sql.trim();
      rules.push({ kind: 'sql', name: `every row: ${name}`, column: null, predicate: rule.sql.trim() });
    });
  }
  if (top.drift !== undefined) rules.push(driftRule(top.drift ?? {}, file));

  if (rules.length === 0) throw invalid(file, 'it holds no rules (rows, columns, rules or drift)');
  let reference: string | null = null;
  if (top.reference !== undefined) {
    if (typeof top.reference !== 'string' || !top.reference) throw invalid(file, 'reference must be a path');
    reference = path.resolve(path.dirname(path.resolve(file)), top.reference);
  }
  return { rules, reference };
}

function columnRules(column: string, value: unknown, file: string): CheckRule[] {
  const where = `columns.${column}`;
  const spec = record(value, file, where);
  unknownKeys(spec, COLUMN_KEYS, file, where);
  const rules: CheckRule[] = [{ kind: 'column-present', name: `${column}: present`, column }];
  if (spec.type !== undefined) {
    if (typeof spec.type !== 'string' || !EXPECTED_COLUMN_TYPES.includes(spec.type as ExpectedColumnType)) {
      throw invalid(file, `${where}.type must be one of ${EXPECTED_COLUMN_TYPES.join(', ')}`);
    }
    rules.push({ kind: 'column-type', name: `${column}: type ${spec.type}`, column, type: spec.type as ExpectedColumnType });
  }
  if (spec.not_null !== undefined) {
    if (typeof spec.not_null !== 'boolean') throw invalid(file, `${where}.not_null must be true or false`);
    if (spec.not_null) rules.push({ kind: 'not-null', name: `${column}: not null`, column });
  }
  if (spec.max_missing !== undefined) {
    const share = optionalNumber(spec.max_missing, file, `${where}.max_missing`);
    if (share === null || share < 0 || share > 1) throw invalid(file, `${where}.max_missing must be a share between 0 and 1`);
    rules.push({ kind: 'max-missing', name: `${column}: at most ${formatShare(share)} missing`, column, share });
  }
  if (spec.unique !== undefined) {
    if (typeof spec.unique !== 'boolean') throw invalid(file, `${where}.unique must be true or false`);
    if (spec.unique) rules.push({ kind: 'unique', name: `${column}: unique`, column });
  }
  if (spec.range !== undefined) {
    const range = record(spec.range, file, `${where}.range`);
    unknownKeys(range, ['min', 'max'], file, `${where}.range`);
    const min = optionalBound(range.min, file, `${where}.range.min`);
    const max = optionalBound(range.max, file, `${where}.range.max`);
    if (min === null && max === null) throw invalid(file, `${where}.range needs min, max or both`);
    rules.push({ kind: 'range', name: `${column}: ${describeRange(min, max)}`, column, min, max });
  }
  if (spec.allowed_values !== undefined) {
    const values = spec.allowed_values;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => !['string', 'number', 'boolean'].includes(typeof v))) {
      throw invalid(file, `${where}.allowed_values must be a non-empty list of values`);
    }
    const shown = values.length > 5 ? `${values.slice(0, 5).join(', ')}, …` : values.join(', ');
    rules.push({ kind: 'allowed-values', name: `${column}: one of ${shown}`, column, values: values as (string | number | boolean)[] });
  }
  if (spec.pattern !== undefined) {
    if (typeof spec.pattern !== 'string' || !spec.pattern) throw invalid(file, `${where}.pattern must be a regular expression`);
    rules.push({ kind: 'pattern', name: `${column}: matches /${spec.pattern}/`, column, pattern: spec.pattern });
  }
  return rules;
}

function driftRule(value: unknown, file: string): CheckRule {
  const spec = record(value, file, 'drift');
  unknownKeys(spec, ['drift_share', 'columns'], file, 'drift');
  const driftShare = optionalNumber(spec.drift_share, file, 'drift.drift_share') ?? 0.5;
  if (driftShare <= 0 || driftShare > 1) throw invalid(file, 'drift.drift_share must be a share above 0 and at most 1');
  let columns: string[] | null = null;
  const tests: Record<string, ColumnDriftChoice> = {};
  if (spec.columns !== undefined) {
    columns = [];
    const entries: Array<[string, unknown]> = Array.isArray(spec.columns)
      ? spec.columns.map((name) => [String(name), {}] as [string, unknown])
      : Object.entries(record(spec.columns, file, 'drift.columns'));
    for (const [column, choiceValue] of entries) {
      columns.push(column);
      const choice = record(choiceValue ?? {}, file, `drift.columns.${column}`);
      unknownKeys(choice, ['test', 'threshold'], file, `drift.columns.${column}`);
      if (choice.test !== undefined && !DRIFT_TEST_NAMES.includes(choice.test as DriftTestName)) {
        throw invalid(file, `drift.columns.${column}.test must be one of ${DRIFT_TEST_NAMES.join(', ')}`);
      }
      const threshold = optionalNumber(choice.threshold, file, `drift.columns.${column}.threshold`);
      tests[column] = {
        ...(choice.test !== undefined ? { test: choice.test as DriftTestName } : {}),
        ...(threshold !== null ? { threshold } : {}),
      };
    }
  }
  const which = columns ? `${columns.length} column${columns.length === 1 ? '' : 's'}` : 'all columns';
  return { kind: 'no-drift', name: `no drift (${which}, drift share ${driftShare})`, column: null, columns, tests, driftShare };
}

function record(value: unknown, file: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, `${where} must be a mapping (key: value)`);
  return value as Record<string, unknown>;
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], file: string, where: string): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length) throw invalid(file, `${where} has unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${known.join(', ')})`);
}

function optionalNumber(value: unknown, file: string, where: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(file, `${where} must be a number`);
  return value;
}

function optionalBound(value: unknown, file: string, where: string): RangeBound | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  return optionalNumber(value, file, where);
}

function describeRange(min: RangeBound | null, max: RangeBound | null): string {
  if (min !== null && max !== null) return `between ${min} and ${max}`;
  return min !== null ? `at least ${min}` : `at most ${max}`;
}

function formatShare(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function invalid(file: string, why: string): CairnError {
  return new CairnError('INVALID_PARAMETER_VALUE', `The checks file ${file} is not valid: ${why}.`);
}
