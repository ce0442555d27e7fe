// Parses CSV and TSV text (RFC 4180 quoting) for artifact previews, up to a number of rows.

/** The rows of delimited text; a cut-off last line (a truncated preview) is dropped. */
export function parseDelimited(text: string, delimiter: ',' | '\t', maxRows: number, truncated = false): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    field = '';
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
  };
  while (i < text.length && rows.length < maxRows) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (char === '"') quoted = false;
      else field += char;
      i++;
      continue;
    }
    if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += char;
    i++;
  }
  if (rows.length < maxRows && !truncated && (field !== '' || row.length > 0)) endRow();
  return rows;
}
