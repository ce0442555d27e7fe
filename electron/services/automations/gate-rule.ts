// A gate's metric rules: `metrics.auc >= production + 0.005`, `metrics.latency_ms <= 20`,
// `metrics.rmse < production.metrics.rmse * 0.98`. The left side is a metric of the candidate;
// the right side is arithmetic over numbers, `production` (the production model's value of the
// same metric), `production.metrics.<name>` and `metrics.<name>`. A small recursive-descent
// parser: every error names the column and what was expected there.
import type { GateRuleResult } from '../../../shared/automation-models';

/** An arithmetic expression over metrics. */
export type GateExpression =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'metric'; readonly side: 'candidate' | 'production'; readonly metric: string }
  | { readonly kind: 'negate'; readonly operand: GateExpression }
  | { readonly kind: 'binary'; readonly operator: '+' | '-' | '*' | '/'; readonly left: GateExpression; readonly right: GateExpression };

/** The comparisons a rule may make. */
export type GateComparator = '>=' | '>' | '<=' | '<' | '==' | '!=';

/** A parsed rule. */
export interface GateRule {
  readonly text: string;
  /** The candidate's metric on the left. */
  readonly metric: string;
  readonly comparator: GateComparator;
  readonly threshold: GateExpression;
  /** Every metric the rule reads (its own and those on the right). */
  readonly metrics: readonly string[];
  readonly readsProduction: boolean;
}

/** A rule that does not parse: where (1-based column) and why. */
export class GateRuleError extends Error {
  constructor(
    readonly column: number,
    readonly reason: string,
  ) {
    super(`column ${column}: ${reason}`);
    this.name = 'GateRuleError';
  }
}

type Token =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly column: number }
  | { readonly kind: 'name'; readonly text: string; readonly column: number }
  | { readonly kind: 'operator'; readonly text: string; readonly column: number }
  | { readonly kind: 'end'; readonly text: ''; readonly column: number };

const COMPARATORS: readonly GateComparator[] = ['>=', '<=', '==', '!=', '>', '<'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const column = i + 1;
    const number = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]), text: number[0], column });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], column });
      i += name[0].length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (COMPARATORS.includes(two as GateComparator)) {
      tokens.push({ kind: 'operator', text: two, column });
      i += 2;
      continue;
    }
    if ('<>+-*/()'.includes(char)) {
      tokens.push({ kind: 'operator', text: char, column });
      i++;
      continue;
    }
    if (char === '=') throw new GateRuleError(column, "'=' alone is not a comparison: write '==' (or '>=', '<=')");
    throw new GateRuleError(column, `unexpected '${char}'`);
  }
  tokens.push({ kind: 'end', text: '', column: text.length + 1 });
  return tokens;
}

function describeToken(token: Token): string {
  return token.kind === 'end' ? 'the end of the rule' : `'${token.text}'`;
}

/** Parses one rule; GateRuleError with the column when it is not one. */
export function parseGateRule(text: string): GateRule {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position]!;
  const take = () => tokens[position++]!;
  const metrics = new Set<string>();
  let readsProduction = false;

  const metricOf = (token: Token, allowBareProduction: boolean, ownMetric: string | null): GateExpression => {
    const parts = token.text.split('.');
    if (parts[0] === 'production') {
      readsProduction = true;
      if (parts.length === 1) {
        if (!allowBareProduction || ownMetric === null) throw new GateRuleError(token.column, "'production' alone means the production model's value of the rule's metric; it can only be on the right side");
        return { kind: 'metric', side: 'production', metric: ownMetric };
      }
      if (parts.length === 3 && parts[1] === 'metrics') {
        metrics.add(parts[2]!);
        return { kind: 'metric', side: 'production', metric: parts[2]! };
      }
      throw new GateRuleError(token.column, `'${token.text}' is not a value: write 'production' or 'production.metrics.<name>'`);
    }
    const candidate = parts[0] === 'candidate' ? parts.slice(1) : parts;
    if (candidate.length === 2 && candidate[0] === 'metrics') {
      metrics.add(candidate[1]!);
      return { kind: 'metric', side: 'candidate', metric: candidate[1]! };
    }
    throw new GateRuleError(token.column, `'${token.text}' is not a value: write metrics.<name>, production, production.metrics.<name> or a number`);
  };

  let ownMetric: string | null = null;
  const factor = (): GateExpression => {
    const token = take();
    if (token.kind === 'number') return { kind: 'number', value: token.value };
    if (token.kind === 'name') return metricOf(token, true, ownMetric);
    if (token.text === '-') return { kind: 'negate', operand: factor() };
    if (token.text === '(') {
      const inner = expression();
      const closing = take();
      if (closing.text !== ')') throw new GateRuleError(closing.column, `expected ')' to close the '(' at column ${token.column}, found ${describeToken(closing)}`);
      return inner;
    }
    throw new GateRuleError(token.column, `expected a number, 'production' or metrics.<name>, found ${describeToken(token)}`);
  };
  const term = (): GateExpression => {
    let left = factor();
    while (peek().text === '*' || peek().text === '/') {
      const operator = take().text as '*' | '/';
      left = { kind: 'binary', operator, left, right: factor() };
    }
    return left;
  };
  const expression = (): GateExpression => {
    let left = term();
    while (peek().text === '+' || peek().text === '-') {
      const operator = take().text as '+' | '-';
      left = { kind: 'binary', operator, left, right: term() };
    }
    return left;
  };

  const first = take();
  if (first.kind !== 'name') {
    throw new GateRuleError(first.column, `a rule starts with the candidate's metric, e.g. 'metrics.auc >= production + 0.005'; found ${describeToken(first)}`);
  }
  const subject = metricOf(first, false, null);
  if (subject.kind !== 'metric' || subject.side !== 'candidate') {
    throw new GateRuleError(first.column, `the left side is the candidate's metric (metrics.<name>); put production on the right`);
  }
  ownMetric = subject.metric;
  const comparator = take();
  if (comparator.kind !== 'operator' || !COMPARATORS.includes(comparator.text as GateComparator)) {
    throw new GateRuleError(comparator.column, `expected a comparison (>=, >, <=, <, ==, !=) after '${first.text}', found ${describeToken(comparator)}`);
  }
  const threshold = expression();
  const end = take();
  if (end.kind !== 'end') throw new GateRuleError(end.column, `expected an operator (+ - * /) or the end of the rule, found ${describeToken(end)}`);
  return { text: text.trim(), metric: subject.metric, comparator: comparator.text as GateComparator, threshold, metrics: [...metrics], readsProduction };
}

function evaluate(expression: GateExpression, candidate: Readonly<Record<string, number | null>>, production: Readonly<Record<string, number | null>> | null): number | null {
  switch (expression.kind) {
    case 'number':
      return expression.value;
    case 'metric': {
      const source = expression.side === 'candidate' ? candidate : production;
      const value = source?.[expression.metric];
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    }
    case 'negate': {
      const value = evaluate(expression.operand, candidate, production);
      return value === null ? null : -value;
    }
    case 'binary': {
      const left = evaluate(expression.left, candidate, production);
      const right = evaluate(expression.right, candidate, production);
      if (left === null || right === null) return null;
      if (expression.operator === '+') return left + right;
      if (expression.operator === '-') return left - right;
      if (expression.operator === '*') return left * right;
      return right === 0 ? null : left / right;
    }
  }
}

function compare(left: number, comparator: GateComparator, right: number): boolean {
  switch (comparator) {
    case '>=':
      return left >= right;
    case '>':
      return left > right;
    case '<=':
      return left <= right;
    case '<':
      return left < right;
    case '==':
      return left === right;
    case '!=':
      return left !== right;
  }
}

/** A number as the audit trail shows it: 4 decimals, or fewer significant digits for large values. */
export function formatMetric(value: number | null): string {
  if (value === null) return 'none';
  if (Math.abs(value) >= 1000) return value.toFixed(1);
  return Number(value.toFixed(4)).toString();
}

/**
 * Decides a rule on measured metrics. Without a production model, a rule that reads production
 * passes with that said (there is nothing to be worse than); a metric that was not measured fails it.
 */
export function evaluateGateRule(
  rule: GateRule,
  candidate: Readonly<Record<string, number | null>>,
  production: Readonly<Record<string, number | null>> | null,
): GateRuleResult {
  const own = candidate[rule.metric];
  const left = typeof own === 'number' && Number.isFinite(own) ? own : null;
  const productionValue = production ? (production[rule.metric] ?? null) : null;
  const base = { kind: 'metric' as const, rule: rule.text };
  if (rule.readsProduction && production === null) {
    return {
      ...base,
      passed: left !== null,
      values: { candidate: left, production: null, threshold: null },
      detail: left === null ? `the candidate's ${rule.metric} was not measured` : `no production model yet: ${rule.metric} ${formatMetric(left)} is not compared`,
    };
  }
  const threshold = evaluate(rule.threshold, candidate, production);
  const values = { candidate: left, production: productionValue, threshold };
  if (left === null) return { ...base, passed: false, values, detail: `the candidate's ${rule.metric} was not measured` };
  if (threshold === null) return { ...base, passed: false, values, detail: `the right side could not be computed (a metric it reads was not measured)` };
  const passed = compare(left, rule.comparator, threshold);
  const context = rule.readsProduction && productionValue !== null ? ` (production ${formatMetric(productionValue)})` : '';
  return {
    ...base,
    passed,
    values,
    detail: `${rule.metric} ${formatMetric(left)} ${rule.comparator} ${formatMetric(threshold)}${context}: ${passed ? 'met' : 'not met'}`,
  };
}
