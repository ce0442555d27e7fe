// Fuzzing the parser with a seeded generator, so every failure reproduces: random text, valid
// filters (which must parse back to what was generated), and valid filters with characters
// inserted, deleted, swapped or cut off. The parser may only return a tree or throw
// SearchSyntaxError with a position inside the text; the completion helper may only answer.
import { describe, expect, it } from 'vitest';
import { completeFilterAt } from './filter-completion';
import { EXPERIMENT_SEARCH, RUN_SEARCH, type SearchDomain } from './search-domains';
import { parseFilter, parseOrderBy } from './search-parser';
import { SearchSyntaxError } from './search-syntax-error';
import type { FilterNode } from './search-ast';
import { seededRandom } from '../seeded-random';


type Random = () => number;
const pick = <T,>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (random: Random, max: number) => Math.floor(random() * max);

const FRAGMENTS = [
  'metrics.', 'params.', 'tags.', 'attributes.', 'dataset.', 'attr.', 'run.', 'metric.', 'param.', 'tag.',
  'status', 'created', 'start_time', 'run_id', '`Run name`', 'name', 'context', 'rmse', 'a', 'x.y',
  ' AND ', ' OR ', ' and ', ' or ', ' NOT ', ' IN ', ' LIKE ', ' ILIKE ', 'NOT IN', ' ASC', ' DESC',
  '=', '!=', '<', '<=', '>', '>=', '==', '<>', '!', '(', ')', '((', '))', ',', ' ', '  ', '\t', '\n',
  "'", '"', '`', "''", '""', "'x'", '"y"', '`z`', "'it''s'", '1', '-1', '0.5', '.5', '1e9', '-2.5e-3', '1e999', '-',
  '.', '..', '%', '_', '\\', ';', '*', '😀', 'ü', '\u0000', '\u200b', 'constructor.', '__proto__', 'toString',
];

function randomText(random: Random): string {
  const parts: string[] = [];
  const count = int(random, 14);
  for (let i = 0; i < count; i++) {
    if (random() < 0.15) parts.push(String.fromCharCode(int(random, 0x250)));
    else parts.push(pick(random, FRAGMENTS));
  }
  return parts.join('');
}

/** A random valid filter and the tree it must parse to (rendered by `shape`). */
function validFilter(random: Random, depth = 0): { text: string; shape: string } {
  if (depth < 3 && random() < 0.35) {
    const joiner = random() < 0.5 ? 'AND' : 'OR';
    const count = 2 + int(random, 3);
    const operands = Array.from({ length: count }, () => validFilter(random, depth + 1));
    // Parenthesise every group so the expected tree does not depend on precedence.
    const spelled = random() < 0.5 ? joiner : joiner.toLowerCase();
    return {
      text: `(${operands.map((operand) => operand.text).join(` ${spelled} `)})`,
      shape: `${joiner.toLowerCase()}[${operands.map((operand) => operand.shape).join(' | ')}]`,
    };
  }
  const names = ['rmse', 'my metric', 'a.b', 'x"y', "it's", 'ünï'];
  const name = pick(random, names);
  const quotedName = (n: string) =>
    /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(n) && random() < 0.5 ? n : pick(random, ['`', '"', "'"].map((q) => `${q}${n.replaceAll(q, q + q)}${q}`));
  const string = (s: string) => {
    const quote = random() < 0.5 ? "'" : '"';
    return `${quote}${s.replaceAll(quote, quote + quote)}${quote}`;
  };
  switch (int(random, 4)) {
    case 0: {
      const comparator = pick(random, ['=', '!=', '<', '<=', '>', '>=']);
      const value = pick(random, [0, 1, -1, 0.5, -2.5e-3, 1e9]);
      return { text: `metrics.${quotedName(name)} ${comparator} ${value}`, shape: `metric:${name} ${comparator} ${value}` };
    }
    case 1: {
      const entity = pick(random, ['param', 'tag'] as const);
      const comparator = pick(random, ['=', '!=', 'LIKE', 'ILIKE']);
      const value = pick(random, ['x', "o'k", '%a_', '']);
      return { text: `${entity}s.${quotedName(name)} ${comparator} ${string(value)}`, shape: `${entity}:${name} ${comparator} ${value}` };
    }
    case 2: {
      const comparator = pick(random, ['IN', 'NOT IN']);
      const values = Array.from({ length: 1 + int(random, 3) }, () => pick(random, ['FAILED', 'KILLED', 'x y']));
      return {
        text: `status ${comparator} (${values.map(string).join(', ')})`,
        shape: `attribute:status ${comparator} (${values.join(',')})`,
      };
    }
    default: {
      const comparator = pick(random, ['>', '<=']);
      return { text: `created ${comparator} 1700000000000`, shape: `attribute:start_time ${comparator} 1700000000000` };
    }
  }
}

function shape(node: FilterNode | null): string {
  if (!node) return '';
  if (node.kind === 'comparison') {
    const value = Array.isArray(node.value) ? `(${node.value.join(',')})` : String(node.value);
    return `${node.key.entity}:${node.key.name} ${node.comparator} ${value}`;
  }
  return `${node.kind}[${node.operands.map(shape).join(' | ')}]`;
}

function mutate(random: Random, text: string): string {
  let result = text;
  const edits = 1 + int(random, 3);
  for (let e = 0; e < edits; e++) {
    const at = int(random, result.length + 1);
    switch (int(random, 5)) {
      case 0: // insert a character or a fragment
        result = result.slice(0, at) + (random() < 0.5 ? pick(random, FRAGMENTS) : String.fromCharCode(32 + int(random, 95))) + result.slice(at);
        break;
      case 1: // delete a run of characters
        result = result.slice(0, at) + result.slice(at + 1 + int(random, 3));
        break;
      case 2: // swap two neighbours
        if (at + 1 < result.length) result = result.slice(0, at) + result.charAt(at + 1) + result.charAt(at) + result.slice(at + 2);
        break;
      case 3: // cut off the end
        result = result.slice(0, at);
        break;
      default: // duplicate a slice
        result = result.slice(0, at) + result.slice(int(random, result.length), at) + result.slice(at);
    }
  }
  return result;
}

/** Parses and checks the only two allowed outcomes; returns whether it parsed. */
function parsesOrFailsCleanly(text: string, domain: SearchDomain): boolean {
  try {
    const node = parseFilter(text, domain);
    if (node === null) expect(text.trim()).toBe('');
    return true;
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw new Error(`${String(error)} for input ${JSON.stringify(text)}`);
    expect(error.position, JSON.stringify(text)).toBeGreaterThanOrEqual(0);
    expect(error.position, JSON.stringify(text)).toBeLessThanOrEqual(text.length);
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    return false;
  }
}

function completesCleanly(text: string, random: Random, domain: SearchDomain): void {
  const cursor = int(random, text.length + 1);
  const completion = completeFilterAt(text, cursor, domain);
  if (completion) {
    expect(completion.from).toBeGreaterThanOrEqual(0);
    expect(completion.from).toBeLessThanOrEqual(cursor);
    expect(text.slice(completion.from, cursor)).toBe(completion.partial);
  }
}

describe('search parser fuzzing', () => {
  it('parses every generated valid filter back to the tree it was generated from', () => {
    const random = seededRandom(20240611);
    for (let i = 0; i < 2000; i++) {
      const { text, shape: expected } = validFilter(random);
      expect(shape(parseFilter(text, RUN_SEARCH)), text).toBe(expected);
    }
  });

  it('returns a tree or throws SearchSyntaxError for random text', () => {
    const random = seededRandom(1);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const text = randomText(random);
      if (parsesOrFailsCleanly(text, RUN_SEARCH)) parsed++;
      parsesOrFailsCleanly(text, EXPERIMENT_SEARCH);
      completesCleanly(text, random, RUN_SEARCH);
      try {
        parseOrderBy(text, RUN_SEARCH);
      } catch (error) {
        expect(error).toBeInstanceOf(SearchSyntaxError);
      }
    }
    expect(parsed).toBeGreaterThan(0);
  });

  it('returns a tree or throws SearchSyntaxError for mutated valid filters', () => {
    const random = seededRandom(42);
    let failed = 0;
    for (let i = 0; i < 5000; i++) {
      const text = mutate(random, validFilter(random).text);
      if (!parsesOrFailsCleanly(text, RUN_SEARCH)) failed++;
      completesCleanly(text, random, RUN_SEARCH);
    }
    // The mutations must actually break filters, or this test tests nothing.
    expect(failed).toBeGreaterThan(1000);
  });

  it('stays fast on long and pathological input', () => {
    const random = seededRandom(7);
    const long = Array.from({ length: 2000 }, () => validFilter(random).text).join(' OR ');
    const started = performance.now();
    expect(parseFilter(long, RUN_SEARCH)?.kind).toBe('or');
    for (const text of ["'".repeat(10_001), '('.repeat(10_000), 'metrics.a > 1 AND '.repeat(2000), 'a'.repeat(10_000), '"a'.repeat(5000)]) {
      parsesOrFailsCleanly(text, RUN_SEARCH);
      completesCleanly(text, random, RUN_SEARCH);
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
