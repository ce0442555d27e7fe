// Scoring requests as the Try it form and the curl line show them: a request as editable text
// (pretty JSON, or CSV), the text read back into a request, and the same request as a shell
// command a person can paste into a terminal.
import type { PredictionInput } from '../../../shared/deployments';

/** A scoring request as text: JSON (one of MLflow's formats) or CSV. */
export interface ScoringText {
  readonly format: 'json' | 'csv';
  readonly text: string;
}

/** JSON indented by two spaces, except that an array of plain values (a row, a list of columns) stays on one line. */
export function readableJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) return JSON.stringify(value);
    return value.length === 0 ? '[]' : `[\n${value.map((item) => inner + readableJson(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${readableJson(item, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** A request as the form shows it: JSON made readable (rows on one line each), CSV as it is. */
export function scoringText(input: PredictionInput): ScoringText {
  return 'csv' in input ? { format: 'csv', text: input.csv } : { format: 'json', text: readableJson(input.json) };
}

/** Reads the form's text back into a request; a sentence saying what is wrong when the JSON does not parse. */
export function parseScoringText(scoring: ScoringText): { readonly input: PredictionInput } | { readonly error: string } {
  if (scoring.format === 'csv') {
    return scoring.text.trim() ? { input: { csv: scoring.text } } : { error: 'Write the rows to score: a header line, then one line per row.' };
  }
  try {
    return { input: { json: JSON.parse(scoring.text) as unknown } };
  } catch (error) {
    return { error: `The request is not valid JSON: ${(error as Error).message}` };
  }
}

/** Quotes a word for a POSIX shell (single quotes; a single quote becomes '\''). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/**
 * How curl authenticates to a deployment's endpoint, by target: nothing for a local endpoint; a
 * cloud endpoint's credentials taken from the environment at run time (never written into the
 * line): SageMaker's SigV4 with AWS keys, Databricks' bearer token, Azure ML's endpoint key (unset,
 * the shell stops and says how to get it).
 */
export function curlAuthArgs(target: string, config: Readonly<Record<string, string>>): string {
  if (target === 'sagemaker') return `--aws-sigv4 ${shellQuote(`aws:amz:${config.region_name ?? 'us-west-2'}:sagemaker`)} --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`;
  if (target === 'databricks') return '-H "Authorization: Bearer $DATABRICKS_TOKEN"';
  if (target === 'azureml') {
    const getKey = `az ml online-endpoint get-credentials --name ${config.endpoint_name || '<endpoint>'} --query primaryKey -o tsv`;
    return `-H "Authorization: Bearer \${AZUREML_ENDPOINT_KEY:?set it to the endpoint key: ${getKey}}"`;
  }
  return '';
}

/**
 * A curl command sending `input` to an endpoint's /invocations, with compact JSON and `authArgs`.
 * A URL that is already a scoring URL (ending in /invocations, or Azure ML's /score) is used as given.
 */
export function curlCommand(endpointUrl: string, input: PredictionInput, authArgs = ''): string {
  const body = 'csv' in input ? input.csv : JSON.stringify(input.json);
  const contentType = 'csv' in input ? 'text/csv' : 'application/json';
  const url = /\/(invocations|score)$/.test(endpointUrl) ? endpointUrl : `${endpointUrl}/invocations`;
  return `curl -s ${shellQuote(url)}${authArgs ? ` ${authArgs}` : ''} -H ${shellQuote(`Content-Type: ${contentType}`)} --data-binary ${shellQuote(body)}`;
}
