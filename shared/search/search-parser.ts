// A recursive-descent parser for MLflow's search filters and order_by clauses, with Cairn's
// extensions (OR, parentheses, IN on params, tags and string run attributes). AND binds tighter
// than OR; keywords, comparators and entity prefixes are case-insensitive; attribute names are
// case-sensitive, as in MLflow.
//
//   filter     := or EOF
//   or         := and (OR and)*
//   and        := primary (AND primary)*
//   primary    := '(' or ')' | comparison
//   comparison := key comparator value
//   key        := prefix '.' name | attribute | "attribute" | `attribute`
//   name       := bare-name | 'quoted' | "quoted" | `quoted`
//   value      := number | 'string' | "string" | '(' string (',' string)* ')'
//   order_by   := key (ASC | DESC)? EOF
import type {
  Comparator,
  Comparison,
  FilterNode,
  ListComparator,
  NumericComparator,
  OrderByClause,
  SearchKey,
  StringComparator,
} from './search-ast';
import { formatKey, type SearchDomain } from './search-domains';
import { SearchSyntaxError } from './search-syntax-error';
import { tokenize, type Token } from './filter-tokens';

const MAX_NESTING = 64;
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE']);

function isKeyword(token: Token | undefined, keyword: string): boolean {
  return token?.kind === 'word' && token.value.toUpperCase() === keyword;
}

/** A token as a message quotes it: quoted text as written, anything else in single quotes. */
function shown(token: Token): string {
  const text = token.text.length > 40 ? `${token.text.slice(0, 37)}...` : token.text;
  return token.kind === 'quoted' ? text : `'${text}'`;
}

function isValueToken(token: Token | undefined): boolean {
  return token !== undefined && (token.kind === 'number' || token.kind === 'quoted' || token.kind === '(');
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly domain: SearchDomain,
  ) {}

  parseFilter(): FilterNode {
    const node = this.parseOr();
    const extra = this.peek();
    if (extra) {
      if (extra.kind === ')') throw new SearchSyntaxError("Unmatched ')'", extra.start);
      throw this.expected('AND, OR or the end of the filter');
    }
    return node;
  }

  parseKeyAlone(use: 'filter' | 'order'): SearchKey {
    const key = this.parseKey(use);
    if (this.peek()) throw this.expected('the end of the key');
    return key;
  }

  parseOrderBy(): OrderByClause {
    const key = this.parseKey('order');
    let ascending = true;
    const direction = this.peek();
    if (isKeyword(direction, 'ASC') || isKeyword(direction, 'DESC')) {
      ascending = isKeyword(direction, 'ASC');
      this.index++;
    } else if (direction) {
      throw this.expected('ASC or DESC');
    }
    if (this.peek()) throw this.expected('the end of the order_by clause');
    return { key, ascending };
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  /** An error at the current token (or the end of the text) saying what was expected there. */
  private expected(what: string): SearchSyntaxError {
    const previous = this.tokens[this.index - 1];
    const found = this.peek();
    const after = previous ? ` after ${shown(previous)}` : '';
    const detail = found ? `Expected ${what}${after}, found ${shown(found)}` : `Expected ${what}${after}`;
    return new SearchSyntaxError(detail, found ? found.start : this.text.length);
  }

  private parseOr(): FilterNode {
    const operands = [this.parseAnd()];
    while (isKeyword(this.peek(), 'OR')) {
      this.index++;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? (operands[0] as FilterNode) : { kind: 'or', operands };
  }

  private parseAnd(): FilterNode {
    const operands = [this.parsePrimary()];
    while (isKeyword(this.peek(), 'AND')) {
      this.index++;
      operands.push(this.parsePrimary());
    }
    return operands.length === 1 ? (operands[0] as FilterNode) : { kind: 'and', operands };
  }

  private parsePrimary(): FilterNode {
    const open = this.peek();
    if (open?.kind !== '(') return this.parseComparison();
    if (this.depth >= MAX_NESTING) {
      throw new SearchSyntaxError(`Parentheses are nested more than ${MAX_NESTING} deep`, open.start);
    }
    this.index++;
    this.depth++;
    const inner = this.parseOr();
    this.depth--;
    if (this.peek()?.kind !== ')') throw this.expected(`')' to close '(' (opened at character ${open.start})`);
    this.index++;
    return inner;
  }

  private parseComparison(): Comparison {
    const key = this.parseKey('filter');
    const { comparator, position } = this.parseComparator(key);
    if (comparator === 'IN' || comparator === 'NOT IN') {
      return { kind: 'comparison', key, position, operand: 'list', comparator, value: this.parseList(comparator) };
    }
    const token = this.peek();
    if (!isValueToken(token)) throw this.expected('a value');
    const value = token as Token;
    if (key.valueType === 'number') {
      if (value.kind !== 'number') throw this.expected(`a number for ${formatKey(key)}`);
      this.index++;
      return { kind: 'comparison', key, position, operand: 'number', comparator: comparator as NumericComparator, value: Number(value.text) };
    }
    if (value.kind === '(') throw this.expected(`a quoted string (a list needs IN or NOT IN)`);
    if (value.kind !== 'quoted' || value.quote === '`') {
      throw this.expected(`a quoted string for ${formatKey(key)}`);
    }
    this.index++;
    return { kind: 'comparison', key, position, operand: 'string', comparator: comparator as StringComparator, value: value.value };
  }

  private parseComparator(key: SearchKey): { comparator: Comparator; position: number } {
    const allowed = this.domain.comparatorsFor(key);
    const token = this.peek();
    let comparator: string | undefined;
    if (token?.kind === 'operator') {
      comparator = token.value;
      this.index++;
    } else if (isKeyword(token, 'LIKE') || isKeyword(token, 'ILIKE') || isKeyword(token, 'IN')) {
      comparator = (token as Token).value.toUpperCase();
      this.index++;
    } else if (isKeyword(token, 'NOT')) {
      this.index++;
      if (!isKeyword(this.peek(), 'IN')) throw this.expected('IN');
      this.index++;
      comparator = 'NOT IN';
    } else {
      throw this.expected(`a comparator (${allowed.join(', ')})`);
    }
    const position = (token as Token).start;
    if (!(allowed as readonly string[]).includes(comparator)) {
      throw new SearchSyntaxError(
        `${formatKey(key)} cannot be compared with ${comparator}; use one of ${allowed.join(', ')}`,
        position,
      );
    }
    return { comparator: comparator as Comparator, position };
  }

  private parseList(comparator: ListComparator): string[] {
    if (this.peek()?.kind !== '(') throw this.expected(`a list of quoted strings in parentheses after ${comparator}`);
    this.index++;
    const values: string[] = [];
    for (;;) {
      const item = this.peek();
      if (item?.kind !== 'quoted' || item.quote === '`') throw this.expected('a quoted string');
      values.push(item.value);
      this.index++;
      const separator = this.peek();
      if (separator?.kind === ')') {
        this.index++;
        return values;
      }
      if (separator?.kind !== ',') throw this.expected(`',' or ')'`);
      this.index++;
    }
  }

  /** Reads a key and resolves its prefix and attribute aliases against the domain. */
  private parseKey(use: 'filter' | 'order'): SearchKey {
    const token = this.peek();
    if (token?.kind === 'word' && !KEYWORDS.has(token.value.toUpperCase())) {
      this.index++;
      const dot = token.value.indexOf('.');
      if (dot < 0) return this.attributeKey(token.value, token.start, use);
      const prefix = token.value.slice(0, dot);
      const entity = this.domain.entities.get(prefix.toLowerCase());
      if (!entity) {
        throw new SearchSyntaxError(
          `Unknown key type '${prefix}' (use ${this.domain.suggestedPrefixes.join(', ')} or an attribute)`,
          token.start,
        );
      }
      let name = token.value.slice(dot + 1);
      if (name === '') {
        // `metrics."my metric"`: the quoted name must follow the dot directly.
        const quoted = this.peek();
        if (quoted?.kind !== 'quoted' || quoted.start !== token.end) throw this.expected('a name');
        this.index++;
        name = quoted.value;
      }
      if (name === '') throw new SearchSyntaxError(`Expected a non-empty name after '${token.value}'`, token.end);
      if (entity === 'attribute') return this.attributeKey(name, token.start, use);
      if (use === 'order' && !this.domain.orderableEntities.includes(entity)) {
        throw new SearchSyntaxError(`${formatKey({ entity, name })} cannot order ${this.domain.subject}s`, token.start);
      }
      if (entity === 'dataset' && !this.domain.datasetFields.includes(name)) {
        throw new SearchSyntaxError(
          `Unknown dataset field '${name}' (use ${this.domain.datasetFields.map((f) => `dataset.${f}`).join(', ')})`,
          token.start,
        );
      }
      const valueType = entity === 'metric' ? 'number' : 'string';
      return { entity, name, valueType, position: token.start };
    }
    if (token?.kind === 'quoted' && token.quote !== "'") {
      this.index++;
      return this.attributeKey(token.value, token.start, use);
    }
    throw this.expected('a key');
  }

  private attributeKey(name: string, position: number, use: 'filter' | 'order'): SearchKey {
    const spec = this.domain.attributes.get(name);
    const usable = spec && (use === 'filter' ? spec.searchable : spec.orderable);
    if (!spec || !usable) {
      const names = [...this.domain.attributes]
        .filter(([written, s]) => written === s.name && (use === 'filter' ? s.searchable : s.orderable))
        .map(([written]) => written);
      throw new SearchSyntaxError(
        `Unknown ${this.domain.subject} attribute '${name}' ` +
          `(use ${this.domain.suggestedPrefixes.join(', ')} or one of ${names.join(', ')})`,
        position,
      );
    }
    return { entity: 'attribute', name: spec.name, valueType: spec.valueType, position };
  }
}

/** Parses a filter; blank text means no filter (null). Throws SearchSyntaxError. */
export function parseFilter(text: string, domain: SearchDomain): FilterNode | null {
  if (text.trim() === '') return null;
  return new Parser(text, tokenize(text), domain).parseFilter();
}

/** Parses a key on its own, such as `metrics."my metric"` or `created`. Throws SearchSyntaxError. */
export function parseKey(text: string, domain: SearchDomain, use: 'filter' | 'order' = 'filter'): SearchKey {
  return new Parser(text, tokenize(text), domain).parseKeyAlone(use);
}

/** Parses one order_by clause such as `metrics.rmse DESC` (ascending by default). Throws SearchSyntaxError. */
export function parseOrderBy(clause: string, domain: SearchDomain): OrderByClause {
  try {
    return new Parser(clause, tokenize(clause), domain).parseOrderBy();
  } catch (error) {
    if (!(error instanceof SearchSyntaxError)) throw error;
    throw new SearchSyntaxError(`${error.detail} in order_by clause '${clause}'`, error.position, 'order_by');
  }
}

/** Parses a list of order_by clauses, refusing a key that appears twice (as MLflow does). */
export function parseOrderByList(clauses: readonly string[], domain: SearchDomain): OrderByClause[] {
  const parsed = clauses.map((clause) => parseOrderBy(clause, domain));
  parsed.forEach((clause, i) => {
    const twin = parsed.findIndex((other) => other.key.entity === clause.key.entity && other.key.name === clause.key.name);
    if (twin !== i) {
      throw new SearchSyntaxError(
        `Duplicate key ${formatKey(clause.key)} in order_by clause ${i + 1} '${clauses[i]}' (already in clause ${twin + 1})`,
        clause.key.position,
        'order_by',
      );
    }
  });
  return parsed;
}
