import { describe, expect, it } from 'vitest';
import { CairnError } from '../errors';
import { EXPERIMENT_SEARCH, RUN_SEARCH } from './search-domains';
import { parseFilter, parseKey, parseOrderBy, parseOrderByList } from './search-parser';
import { SearchSyntaxError } from './search-syntax-error';
import type { Comparison, FilterNode } from './search-ast';

function run(text: string): FilterNode | null {
  return parseFilter(text, RUN_SEARCH);
}

function single(text: string): Comparison {
  const node = run(text);
  if (node?.kind !== 'comparison') throw new Error(`not a single comparison: ${text}`);
  return node;
}

/** A compact rendering of a filter tree, to compare shapes. */
function shape(node: FilterNode | null): string {
  if (!node) return '';
  if (node.kind === 'comparison') {
    const value = Array.isArray(node.value) ? `(${node.value.join(',')})` : String(node.value);
    return `${node.key.entity}:${node.key.name} ${node.comparator} ${value}`;
  }
  return `${node.kind}[${node.operands.map(shape).join(' | ')}]`;
}

function syntaxError(action: () => unknown): SearchSyntaxError {
  try {
    action();
  } catch (error) {
    if (error instanceof SearchSyntaxError) return error;
    throw error;
  }
  throw new Error('expected a SearchSyntaxError');
}

describe('parseFilter: keys', () => {
  it('returns null for a blank filter', () => {
    expect(run('')).toBeNull();
    expect(run('   \n\t')).toBeNull();
  });

  it.each([
    ['metric', 'metric'],
    ['metrics', 'metric'],
    ['METRICS', 'metric'],
    ['parameter', 'param'],
    ['parameters', 'param'],
    ['param', 'param'],
    ['params', 'param'],
    ['tag', 'tag'],
    ['tags', 'tag'],
    ['dataset', 'dataset'],
    ['datasets', 'dataset'],
  ] as const)('resolves the prefix %s to %s', (prefix, entity) => {
    const name = entity === 'dataset' ? 'name' : 'x';
    const value = entity === 'metric' ? '1' : "'v'";
    expect(single(`${prefix}.${name} = ${value}`).key).toEqual({
      entity,
      name,
      valueType: entity === 'metric' ? 'number' : 'string',
      position: 0,
    });
  });

  it.each(['attribute', 'attributes', 'attr', 'run'])('resolves the attribute prefix %s', (prefix) => {
    expect(single(`${prefix}.status = 'FAILED'`).key).toMatchObject({ entity: 'attribute', name: 'status' });
  });

  it('keeps dots in names after the first', () => {
    expect(single("tags.mlflow.source.git.commit = 'abc'").key.name).toBe('mlflow.source.git.commit');
  });

  it.each([
    ['metrics.`my metric` > 1', 'my metric'],
    ['metrics."my metric" > 1', 'my metric'],
    ["metrics.'my metric' > 1", 'my metric'],
    ['metrics."a""b" > 1', 'a"b'],
    ['metrics.`a``b` > 1', 'a`b'],
    ['metrics."val/loss" > 1', 'val/loss'],
    ['metrics."ünï cödé" > 1', 'ünï cödé'],
  ])('reads the quoted name in %s', (text, name) => {
    expect(single(text).key.name).toBe(name);
  });

  it.each([
    ['run_id', 'run_id', 'string'],
    ['run_name', 'run_name', 'string'],
    ['status', 'status', 'string'],
    ['user_id', 'user_id', 'string'],
    ['artifact_uri', 'artifact_uri', 'string'],
    ['start_time', 'start_time', 'number'],
    ['end_time', 'end_time', 'number'],
    ['created', 'start_time', 'number'],
    ['Created', 'start_time', 'number'],
    ['`run name`', 'run_name', 'string'],
    ['`Run name`', 'run_name', 'string'],
    ['"Run Name"', 'run_name', 'string'],
    ['"status"', 'status', 'string'],
  ])('reads the bare attribute %s', (written, name, valueType) => {
    const value = valueType === 'number' ? '5' : "'x'";
    expect(single(`${written} = ${value}`).key).toEqual({ entity: 'attribute', name, valueType, position: 0 });
  });

  it('records where keys and comparators start', () => {
    const node = run("  metrics.a > 1 AND   params.b = 'x'");
    expect(node).toMatchObject({
      kind: 'and',
      operands: [
        { key: { position: 2 }, position: 12 },
        { key: { position: 22 }, position: 31 },
      ],
    });
  });
});

describe('parseFilter: comparators and values', () => {
  it.each(['=', '!=', '<', '<=', '>', '>='])('compares metrics with %s', (comparator) => {
    expect(single(`metrics.rmse ${comparator} 0.5`)).toMatchObject({ operand: 'number', comparator, value: 0.5 });
  });

  it.each([
    ['1', 1],
    ['-1', -1],
    ['0.25', 0.25],
    ['-.5', -0.5],
    ['.5', 0.5],
    ['3.', 3],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['-2.5e+2', -250],
    ['1e999', Number.POSITIVE_INFINITY],
  ])('reads the number %s', (text, value) => {
    expect(single(`metrics.x > ${text}`).value).toBe(value);
  });

  it('reads numbers written without spaces', () => {
    expect(single('metrics.x>-1')).toMatchObject({ comparator: '>', value: -1 });
    expect(single('metrics.x<=2')).toMatchObject({ comparator: '<=', value: 2 });
  });

  it.each(['=', '!=', 'LIKE', 'ILIKE'])('compares params with %s', (comparator) => {
    expect(single(`params.model ${comparator} 'xgb'`)).toMatchObject({ operand: 'string', comparator, value: 'xgb' });
  });

  it('reads comparator keywords in any case', () => {
    expect(single("params.a like 'x%'").comparator).toBe('LIKE');
    expect(single("params.a iLike 'x%'").comparator).toBe('ILIKE');
    expect(single("params.a in ('x')").comparator).toBe('IN');
    expect(single("params.a not IN ('x')").comparator).toBe('NOT IN');
  });

  it.each([
    ["'single'", 'single'],
    ['"double"', 'double'],
    ["''", ''],
    ["'it''s'", "it's"],
    ['"say ""hi"""', 'say "hi"'],
    ["'100%_done'", '100%_done'],
    ["'back\\slash'", 'back\\slash'],
    ["'two\nlines'", 'two\nlines'],
  ])('reads the string %s', (text, value) => {
    expect(single(`tags.t = ${text}`).value).toBe(value);
  });

  it('reads lists for IN and NOT IN', () => {
    expect(single("status IN ('FAILED')")).toMatchObject({ operand: 'list', comparator: 'IN', value: ['FAILED'] });
    expect(single(`params.m NOT IN ( 'a' , "b",'c' )`)).toMatchObject({ operand: 'list', comparator: 'NOT IN', value: ['a', 'b', 'c'] });
    expect(single("dataset.context IN ('training', 'eval')").value).toEqual(['training', 'eval']);
    expect(single("run_id IN ('abc', 'def')").value).toEqual(['abc', 'def']);
  });

  it('compares numeric attributes with numbers', () => {
    expect(single('attributes.start_time >= 1700000000000')).toMatchObject({ operand: 'number', value: 1700000000000 });
    expect(single('end_time != 0')).toMatchObject({ comparator: '!=', value: 0 });
  });
});

describe('parseFilter: AND, OR and parentheses', () => {
  it('joins comparisons with AND in any case', () => {
    expect(shape(run("metrics.a > 1 and params.b = 'x' AND tags.c != 'y'"))).toBe(
      'and[metric:a > 1 | param:b = x | tag:c != y]',
    );
  });

  it('binds AND tighter than OR', () => {
    expect(shape(run('metrics.a > 1 OR metrics.b > 2 AND metrics.c > 3'))).toBe(
      'or[metric:a > 1 | and[metric:b > 2 | metric:c > 3]]',
    );
    expect(shape(run('metrics.a > 1 AND metrics.b > 2 or metrics.c > 3'))).toBe(
      'or[and[metric:a > 1 | metric:b > 2] | metric:c > 3]',
    );
  });

  it('groups with parentheses', () => {
    expect(shape(run('(metrics.a > 1 OR metrics.b > 2) AND metrics.c > 3'))).toBe(
      'and[or[metric:a > 1 | metric:b > 2] | metric:c > 3]',
    );
    expect(shape(run('((metrics.a > 1))'))).toBe('metric:a > 1');
    expect(shape(run("(params.a = 'x' OR (params.b = 'y' AND (tags.c = 'z')))"))).toBe(
      'or[param:a = x | and[param:b = y | tag:c = z]]',
    );
  });

  it('does not need spaces around parentheses', () => {
    expect(shape(run("(params.a='x')OR(params.b IN('y'))"))).toBe('or[param:a = x | param:b IN (y)]');
  });
});

describe('parseFilter: experiments', () => {
  const experiments = (text: string) => parseFilter(text, EXPERIMENT_SEARCH);

  it('reads names, times and tags', () => {
    expect(shape(experiments("name LIKE 'x%' AND attributes.creation_time > 5 AND tags.group = 'a'"))).toBe(
      'and[attribute:name LIKE x% | attribute:creation_time > 5 | tag:group = a]',
    );
    expect(shape(experiments("attribute.last_update_time <= 7 OR tag.`a b` ILIKE '%c%'"))).toBe(
      'or[attribute:last_update_time <= 7 | tag:a b ILIKE %c%]',
    );
  });

  it.each([
    ['metrics.x > 1', "Unknown key type 'metrics' (use tags., attributes. or an attribute) at position 0"],
    ["params.x = 'a'", "Unknown key type 'params' (use tags., attributes. or an attribute) at position 0"],
    ["run_id = 'a'", "Unknown experiment attribute 'run_id' (use tags., attributes. or one of name, creation_time, last_update_time) at position 0"],
    ['experiment_id = 1', "Unknown experiment attribute 'experiment_id' (use tags., attributes. or one of name, creation_time, last_update_time) at position 0"],
    ["name IN ('a')", 'attributes.name cannot be compared with IN; use one of =, !=, LIKE, ILIKE at position 5'],
    ["tags.a NOT IN ('a')", 'tags.a cannot be compared with NOT IN; use one of =, !=, LIKE, ILIKE at position 7'],
    ["creation_time > '5'", "Expected a number for attributes.creation_time after '>', found '5' at position 16"],
  ])('refuses %s', (text, message) => {
    expect(syntaxError(() => experiments(text)).message).toBe(message);
  });
});

describe('parseFilter: errors', () => {
  it.each([
    // Tokens
    ["params.a = 'open", 'Missing the closing single quote of the text starting at position 11'],
    ['metrics."open > 1', 'Missing the closing double quote of the text starting at position 8'],
    ['metrics.`open > 1', 'Missing the closing backtick of the text starting at position 8'],
    ['metrics.a ! 1', "Unexpected character '!' at position 10"],
    ['metrics.a > 1;', "Unexpected character ';' at position 13"],
    ['metrics.a-b > 1', "Unexpected character '-' at position 9"],
    ['metrics.a > 1 😀', "Unexpected character '😀' at position 14"],
    // Keys
    ['> 1', "Expected a key, found '>' at position 0"],
    ["'status' = 'x'", "Expected a key, found 'status' at position 0"],
    ['AND metrics.a > 1', "Expected a key, found 'AND' at position 0"],
    ['metrics.a > 1 AND', "Expected a key after 'AND' at position 17"],
    ['metrics.a > 1 OR ', "Expected a key after 'OR' at position 17"],
    ['()', "Expected a key after '(', found ')' at position 1"],
    ['bogus.x = 1', "Unknown key type 'bogus' (use metrics., params., tags., attributes., dataset. or an attribute) at position 0"],
    ["accuracy > 0.9", "Unknown run attribute 'accuracy' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
    ["lifecycle_stage = 'active'", "Unknown run attribute 'lifecycle_stage' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
    ["Status = 'x'", "Unknown run attribute 'Status' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
    ["attributes.nope = 'x'", "Unknown run attribute 'nope' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
    ["constructor.x = 'a'", "Unknown key type 'constructor' (use metrics., params., tags., attributes., dataset. or an attribute) at position 0"],
    ["__proto__.x = 'a'", "Unknown key type '__proto__' (use metrics., params., tags., attributes., dataset. or an attribute) at position 0"],
    ["toString = 'a'", "Unknown run attribute 'toString' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
    ["attributes.hasOwnProperty = 'a'", "Unknown run attribute 'hasOwnProperty' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) at position 0"],
    ["dataset.size = 'x'", "Unknown dataset field 'size' (use dataset.name, dataset.digest, dataset.context) at position 0"],
    ['metrics. > 1', "Expected a name after 'metrics.', found '>' at position 9"],
    ['metrics. "a" > 1', `Expected a name after 'metrics.', found "a" at position 9`],
    ['metrics.', "Expected a name after 'metrics.' at position 8"],
    ['metrics."" > 1', "Expected a non-empty name after 'metrics.' at position 8"],
    // Comparators
    ['metrics.a', "Expected a comparator (=, !=, <, <=, >, >=) after 'metrics.a' at position 9"],
    ["params.a 'x'", `Expected a comparator (=, !=, LIKE, ILIKE, IN, NOT IN) after 'params.a', found 'x' at position 9`],
    ['metrics.a == 1', "Expected a value after '=', found '=' at position 11"],
    ['metrics.a <> 1', "Expected a value after '<', found '>' at position 11"],
    ["metrics.a LIKE '1'", 'metrics.a cannot be compared with LIKE; use one of =, !=, <, <=, >, >= at position 10'],
    ['metrics.a IN (1)', 'metrics.a cannot be compared with IN; use one of =, !=, <, <=, >, >= at position 10'],
    ["params.a > 'x'", 'params.a cannot be compared with >; use one of =, !=, LIKE, ILIKE, IN, NOT IN at position 9'],
    ["start_time LIKE '1%'", 'attributes.start_time cannot be compared with LIKE; use one of =, !=, <, <=, >, >= at position 11'],
    ["params.a NOT 'x'", "Expected IN after 'NOT', found 'x' at position 13"],
    ['params.a NOT', "Expected IN after 'NOT' at position 12"],
    // Values
    ['metrics.rmse >', "Expected a value after '>' at position 14"],
    ['metrics.rmse > AND metrics.b > 1', "Expected a value after '>', found 'AND' at position 15"],
    ["metrics.rmse > 'a'", "Expected a number for metrics.rmse after '>', found 'a' at position 15"],
    ['metrics.rmse > `a`', "Expected a number for metrics.rmse after '>', found `a` at position 15"],
    ['params.lr = 0.1', "Expected a quoted string for params.lr after '=', found '0.1' at position 12"],
    ['params.lr = `0.1`', "Expected a quoted string for params.lr after '=', found `0.1` at position 12"],
    ["params.lr = ('a')", "Expected a quoted string (a list needs IN or NOT IN) after '=', found '(' at position 12"],
    ['params.lr = x', "Expected a value after '=', found 'x' at position 12"],
    ["params.a IN 'x'", "Expected a list of quoted strings in parentheses after IN after 'IN', found 'x' at position 12"],
    ['params.a IN ()', "Expected a quoted string after '(', found ')' at position 13"],
    ['params.a IN (1)', "Expected a quoted string after '(', found '1' at position 13"],
    ["params.a IN ('x',)", "Expected a quoted string after ',', found ')' at position 17"],
    ["params.a IN ('x' 'y')", "Expected ',' or ')' after 'x', found 'y' at position 17"],
    ["params.a IN ('x'", "Expected ',' or ')' after 'x' at position 16"],
    // Structure
    ["params.a = 'x' metrics.b > 1", "Expected AND, OR or the end of the filter after 'x', found 'metrics.b' at position 15"],
    ['metrics.a > 1 2', "Expected AND, OR or the end of the filter after '1', found '2' at position 14"],
    ['metrics.a > 1)', "Unmatched ')' at position 13"],
    ['(metrics.a > 1', "Expected ')' to close '(' (opened at character 0) after '1' at position 14"],
    ['((metrics.a > 1) OR metrics.b > 2', "Expected ')' to close '(' (opened at character 0) after '2' at position 33"],
    ['metrics.a > 1 AND AND metrics.b > 1', "Expected a key after 'AND', found 'AND' at position 18"],
  ])('%s', (text, message) => {
    const error = syntaxError(() => run(text));
    expect(error.message).toBe(message);
    expect(error.message.endsWith(` at position ${error.position}`)).toBe(true);
  });

  it('reports the position the brief example describes', () => {
    const error = syntaxError(() => run("params.a = 'x' AND metrics.b > "));
    expect(error.message).toBe("Expected a value after '>' at position 31");
    expect(error.detail).toBe("Expected a value after '>'");
    expect(error.position).toBe(31);
  });

  it('is a CairnError with INVALID_PARAMETER_VALUE', () => {
    const error = syntaxError(() => run('metrics.a >'));
    expect(error).toBeInstanceOf(CairnError);
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.toPayload()).toEqual({
      code: 'INVALID_PARAMETER_VALUE',
      message: "Expected a value after '>' at position 11",
      searchText: { text: 'filter', position: 11, problem: "Expected a value after '>'" },
    });
    // What crosses IPC or HTTP comes back as an error with the same fields.
    const crossed = CairnError.fromPayload(JSON.parse(JSON.stringify(error.toPayload())));
    expect(crossed.searchText).toEqual({ text: 'filter', position: 11, problem: "Expected a value after '>'" });
  });

  it('refuses parentheses nested too deep, quickly', () => {
    const deep = `${'('.repeat(100_000)}metrics.a > 1${')'.repeat(100_000)}`;
    expect(syntaxError(() => run(deep)).message).toBe('Parentheses are nested more than 64 deep at position 64');
    expect(shape(run(`${'('.repeat(64)}metrics.a > 1${')'.repeat(64)}`))).toBe('metric:a > 1');
  });

  it('shortens long tokens in messages', () => {
    const long = 'x'.repeat(100);
    expect(syntaxError(() => run(`metrics.a > 1 '${long}'`)).message).toBe(
      `Expected AND, OR or the end of the filter after '1', found '${'x'.repeat(36)}... at position 14`,
    );
  });
});

describe('parseKey', () => {
  it('reads a key alone', () => {
    expect(parseKey('metrics."my metric"', RUN_SEARCH)).toEqual({ entity: 'metric', name: 'my metric', valueType: 'number', position: 0 });
    expect(parseKey('created', RUN_SEARCH, 'order')).toMatchObject({ entity: 'attribute', name: 'start_time' });
  });

  it('refuses anything after the key', () => {
    expect(syntaxError(() => parseKey('metrics.a > 1', RUN_SEARCH)).message).toBe(
      "Expected the end of the key after 'metrics.a', found '>' at position 10",
    );
  });
});

describe('parseOrderBy', () => {
  it.each([
    ['metrics.rmse', 'metric', 'rmse', true],
    ['metrics.rmse DESC', 'metric', 'rmse', false],
    ['metrics.rmse desc', 'metric', 'rmse', false],
    ['params.lr ASC', 'param', 'lr', true],
    ['params.lr asc', 'param', 'lr', true],
    ['tags.`my tag` DESC', 'tag', 'my tag', false],
    ['tags."mlflow.user"', 'tag', 'mlflow.user', true],
    ['attributes.start_time', 'attribute', 'start_time', true],
    ['start_time DESC', 'attribute', 'start_time', false],
    ['created DESC', 'attribute', 'start_time', false],
    ['run_name', 'attribute', 'run_name', true],
    ['attr.end_time', 'attribute', 'end_time', true],
  ] as const)('reads %s', (clause, entity, name, ascending) => {
    expect(parseOrderBy(clause, RUN_SEARCH)).toMatchObject({ key: { entity, name }, ascending });
  });

  it.each([
    ['', "Expected a key in order_by clause '' at position 0"],
    ['metrics.rmse DOWN', "Expected ASC or DESC after 'metrics.rmse', found 'DOWN' in order_by clause 'metrics.rmse DOWN' at position 13"],
    ['metrics.rmse DESC ASC', "Expected the end of the order_by clause after 'DESC', found 'ASC' in order_by clause 'metrics.rmse DESC ASC' at position 18"],
    ['metrics.rmse > 1', "Expected ASC or DESC after 'metrics.rmse', found '>' in order_by clause 'metrics.rmse > 1' at position 13"],
    ['dataset.name', "dataset.name cannot order runs in order_by clause 'dataset.name' at position 0"],
    ['`run name`', "Unknown run attribute 'run name' (use metrics., params., tags., attributes., dataset. or one of run_id, run_name, status, user_id, artifact_uri, start_time, end_time) in order_by clause '`run name`' at position 0"],
    ['IN', "Expected a key, found 'IN' in order_by clause 'IN' at position 0"],
  ])('refuses %j', (clause, message) => {
    expect(syntaxError(() => parseOrderBy(clause, RUN_SEARCH)).message).toBe(message);
  });

  it('says the problem is in an order_by clause, with its position as a field', () => {
    const error = syntaxError(() => parseOrderBy('metrics.rmse DOWN', RUN_SEARCH));
    expect(error.searchText).toEqual({
      text: 'order_by',
      position: 13,
      problem: "Expected ASC or DESC after 'metrics.rmse', found 'DOWN' in order_by clause 'metrics.rmse DOWN'",
    });
    expect(error.toPayload().searchText).toEqual(error.searchText);
  });

  it('orders experiments by attributes only', () => {
    expect(parseOrderBy('experiment_id DESC', EXPERIMENT_SEARCH)).toMatchObject({ key: { name: 'experiment_id' }, ascending: false });
    expect(parseOrderBy('attributes.name', EXPERIMENT_SEARCH)).toMatchObject({ key: { name: 'name' }, ascending: true });
    expect(syntaxError(() => parseOrderBy('tags.x', EXPERIMENT_SEARCH)).message).toBe(
      "tags.x cannot order experiments in order_by clause 'tags.x' at position 0",
    );
  });

  it('refuses a key ordered twice, whatever its spelling', () => {
    expect(parseOrderByList(['metrics.a DESC', 'params.a'], RUN_SEARCH)).toHaveLength(2);
    expect(syntaxError(() => parseOrderByList(['metrics.a', 'start_time', 'metric.`a` DESC'], RUN_SEARCH)).message).toBe(
      "Duplicate key metrics.a in order_by clause 3 'metric.`a` DESC' (already in clause 1) at position 0",
    );
    expect(syntaxError(() => parseOrderByList(['start_time', 'created'], RUN_SEARCH)).message).toBe(
      "Duplicate key attributes.start_time in order_by clause 2 'created' (already in clause 1) at position 0",
    );
  });
});
