// The scalar types of YAML 1.1 exactly as PyYAML's safe loader resolves them (its resolver.py and
// constructor.py), as tags for the `yaml` package. Python tools (MLflow, through PyYAML) write
// their YAML this way, and the `yaml` package's own 1.1 schema differs in small ways that matter
// here: it reads `y`/`n` as booleans and `08` as a number, where PyYAML keeps both as text.
//
// Differences from PyYAML, on purpose: a timestamp (`2024-01-01`) stays the text it was written
// as, since callers want text and never a Date; and an integer beyond JavaScript's safe range is
// a bigint, so long ids keep every digit.
import type { ScalarTag } from 'yaml';

/** An integer as read: a number when it is exact as one, else a bigint. */
export type YamlInteger = number | bigint;

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const NULL = /^(?:~|null|Null|NULL|)$/;

/** PyYAML's construct_yaml_int: sign, then binary, hex, octal (a leading 0), base-60 (with ':') or decimal. */
function constructInt(text: string): YamlInteger {
  let digits = text.replaceAll('_', '');
  let sign = 1n;
  if (digits.startsWith('-') || digits.startsWith('+')) {
    if (digits[0] === '-') sign = -1n;
    digits = digits.slice(1);
  }
  let value: bigint;
  if (digits === '0') value = 0n;
  else if (digits.startsWith('0b')) value = BigInt(digits);
  else if (digits.startsWith('0x')) value = BigInt(digits);
  else if (digits.startsWith('0')) value = BigInt(`0o${digits.slice(1)}`);
  else if (digits.includes(':')) value = digits.split(':').reduce((sum, part) => sum * 60n + BigInt(part), 0n);
  else value = BigInt(digits);
  const signed = sign * value;
  const number = Number(signed);
  return Number.isSafeInteger(number) ? number : signed;
}

/** PyYAML's construct_yaml_float: .inf and .nan in any sign, base-60 (with ':'), or a decimal. */
function constructFloat(text: string): number {
  let digits = text.replaceAll('_', '').toLowerCase();
  let sign = 1;
  if (digits.startsWith('-') || digits.startsWith('+')) {
    if (digits[0] === '-') sign = -1;
    digits = digits.slice(1);
  }
  if (digits === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (digits === '.nan') return Number.NaN;
  if (digits.includes(':')) return sign * digits.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
  return sign * Number(digits);
}

/** What an explicit tag's text must look like, and the error when it does not. */
function checked<T>(pattern: RegExp, kind: string, construct: (text: string) => T) {
  return (text: string, onError: (message: string) => void): T | string => {
    if (pattern.test(text)) return construct(text);
    onError(`'${text}' is not ${kind}`);
    return text;
  };
}

/**
 * The tags to use with the `yaml` package's failsafe schema (which gives text, lists and mappings)
 * to read YAML as PyYAML's safe loader does. Plain scalars are typed by each tag's `test`; the
 * same tags read explicit `!!bool`, `!!int`, `!!float`, `!!null` and `!!timestamp` values.
 */
export const PYYAML_SCALAR_TAGS: readonly ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:null',
    test: NULL,
    identify: (value) => value === null,
    default: true,
    resolve: checked(NULL, 'null', () => null),
  },
  {
    tag: 'tag:yaml.org,2002:bool',
    test: BOOL,
    identify: (value) => typeof value === 'boolean',
    default: true,
    resolve: checked(BOOL, 'a boolean', (text) => TRUE.test(text)),
  },
  {
    tag: 'tag:yaml.org,2002:int',
    test: INT,
    identify: (value) => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    resolve: checked(INT, 'an integer', constructInt),
  },
  {
    tag: 'tag:yaml.org,2002:float',
    test: FLOAT,
    identify: (value) => typeof value === 'number',
    default: true,
    resolve: checked(FLOAT, 'a float', constructFloat),
  },
  {
    // Only an explicit !!timestamp gets here: plain dates stay text (see above).
    tag: 'tag:yaml.org,2002:timestamp',
    resolve: (text) => text,
  },
];
