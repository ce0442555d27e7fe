// Reads a stage's metrics files into metric points. JSON, YAML and TOML files are read as DVC's
// `metrics show` reads them: nested mappings flattened into dotted keys (`avg_prec.test`), numbers
// and booleans kept, strings and lists left out. CSV and TSV files (the tabular form DVC reads for
// plots) give one point per row for each numeric column, the row's index as the step.
import fs from 'node:fs';
import path from 'node:path';
import { readDataFile } from './python-data-file';
import { isPyMap, PyFloat, type PyValue } from './python-value';

/** One metric point read from a file. */
export interface MetricFilePoint {
  readonly key: string;
  readonly value: number;
  readonly step: number;
}

function flatten(value: PyValue, prefix: string, into: MetricFilePoint[]): void {
  if (typeof value === 'number') into.push({ key: prefix, value, step: 0 });
  else if (value instanceof PyFloat) into.push({ key: prefix, value: value.value, step: 0 });
  else if (typeof value === 'boolean') into.push({ key: prefix, value: value ? 1 : 0, step: 0 });
  else if (isPyMap(value)) for (const [key, item] of value) flatten(item, prefix ? `${prefix}.${key}` : key, into);
}

/** Splits delimited text into rows of fields (quotes as RFC 4180 has them). */
function parseDelimited(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === delimiter) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((fields) => fields.some((item) => item !== ''));
}

/** The metric points of a metrics file (an absolute path); `label` names it in errors. */
export function readMetricsFile(absolute: string, label: string): MetricFilePoint[] {
  const extension = path.extname(absolute).toLowerCase();
  if (extension === '.csv' || extension === '.tsv') {
    const [header, ...rows] = parseDelimited(fs.readFileSync(absolute, 'utf8'), extension === '.tsv' ? '\t' : ',');
    if (!header) return [];
    const points: MetricFilePoint[] = [];
    rows.forEach((row, step) => {
      header.forEach((column, index) => {
        const text = row[index]?.trim() ?? '';
        const value = Number(text);
        if (text !== '' && Number.isFinite(value)) points.push({ key: column.trim(), value, step });
      });
    });
    return points;
  }
  const points: MetricFilePoint[] = [];
  flatten(readDataFile(absolute, label).value, '', points);
  return points;
}
