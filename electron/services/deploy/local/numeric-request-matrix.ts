// The host's fast path for the commonest scoring request: a JSON body of plain numbers for a
// model whose signature is all named doubles. Such a body is parsed here (V8's JSON parser is
// several times faster than Python's) and crosses to the worker as float64 bytes. Anything else
// (other keys, an index, strings, booleans, nulls, NaN, a missing or extra column, malformed
// JSON) returns null and goes to the worker as it came, which answers it as MLflow does.

/** The rows of a request as float64 in the signature's column order. */
export interface RequestMatrix {
  readonly rows: number;
  readonly values: Float64Array;
}

/** Whether a content type is plain JSON (MLflow accepts a charset=utf-8 parameter, case-insensitively). */
export function isPlainJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const [mime, ...parameters] = contentType.split(';').map((part) => part.trim());
  if (mime !== 'application/json') return false;
  return parameters.every((parameter) => parameter.toLowerCase() === 'charset=utf-8');
}

/** The numbers of a dataframe_split or dataframe_records body, or null when the fast path does not apply. */
export function parseRequestMatrix(body: Buffer, columns: readonly string[], columnIndex: ReadonlyMap<string, number>): RequestMatrix | null {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const keys = Object.keys(payload);
  if (keys.length !== 1) return null;
  const value = (payload as Record<string, unknown>)[keys[0]!];
  if (keys[0] === 'dataframe_split') return splitMatrix(value, columns, columnIndex);
  if (keys[0] === 'dataframe_records') return recordsMatrix(value, columns);
  return null;
}

function splitMatrix(value: unknown, columns: readonly string[], columnIndex: ReadonlyMap<string, number>): RequestMatrix | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const split = value as Record<string, unknown>;
  const keys = Object.keys(split);
  if (keys.length !== 2 || !Array.isArray(split.columns) || !Array.isArray(split.data)) return null;
  const given = split.columns as unknown[];
  const data = split.data as unknown[];
  const width = columns.length;
  if (given.length !== width || data.length === 0) return null;
  // Where each given column goes in signature order; a repeated or unknown column falls back.
  const target = new Int32Array(width);
  const seen = new Uint8Array(width);
  for (let i = 0; i < width; i++) {
    const index = typeof given[i] === 'string' ? columnIndex.get(given[i] as string) : undefined;
    if (index === undefined || seen[index]) return null;
    seen[index] = 1;
    target[i] = index;
  }
  const values = new Float64Array(data.length * width);
  for (let r = 0; r < data.length; r++) {
    const row = data[r];
    if (!Array.isArray(row) || row.length !== width) return null;
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const cell: unknown = (row as unknown[])[c];
      if (typeof cell !== 'number') return null;
      values[base + target[c]!] = cell;
    }
  }
  return { rows: data.length, values };
}

function recordsMatrix(value: unknown, columns: readonly string[]): RequestMatrix | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  const width = columns.length;
  const values = new Float64Array(value.length * width);
  for (let r = 0; r < value.length; r++) {
    const record: unknown = (value as unknown[])[r];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return null;
    if (Object.keys(record).length !== width) return null;
    const base = r * width;
    for (let c = 0; c < width; c++) {
      const cell = (record as Record<string, unknown>)[columns[c]!];
      if (typeof cell !== 'number') return null;
      values[base + c] = cell;
    }
  }
  return { rows: value.length, values };
}
