/**
 * Parser for the QBO query language: SELECT * | count(*) | fields FROM Entity [WHERE a AND b …]
 * [ORDER BY|ORDERBY f [ASC|DESC], …] [STARTPOSITION n] [MAXRESULTS n]. Keywords are case-insensitive,
 * strings use single quotes with a backslash escape (`\'`). There is no OR.
 */
import { faults } from './faults';

export type QueryValue = string | number | boolean;
export type Operator = '=' | '!=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE';

export interface Condition {
  field: string;
  op: Operator;
  values: QueryValue[];
}

export interface ParsedQuery {
  select: { kind: 'all' } | { kind: 'count' } | { kind: 'fields'; fields: string[] };
  entity: string;
  where: Condition[];
  orderBy: Array<{ field: string; desc: boolean }>;
  startPosition?: number;
  maxResults?: number;
}

type TokenType = 'word' | 'string' | 'number' | 'op' | 'punct';
interface Token {
  type: TokenType;
  text: string;
  value: QueryValue;
  column: number;
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i]!;
    const column = i + 1;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= input.length) throw faults.queryParse(`Lexical error at line 1, column ${input.length + 1}. Encountered: <EOF> after : "'${value}"`);
        const c = input[i]!;
        if (c === '\\' && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ type: 'string', text: `'${value}'`, value, column });
    } else if (/[<>=!]/.test(ch)) {
      const two = input.slice(i, i + 2);
      const text = ['<=', '>=', '!=', '<>'].includes(two) ? two : ch;
      i += text.length;
      tokens.push({ type: 'op', text: text === '<>' ? '!=' : text, value: text, column });
    } else if (/[(),*]/.test(ch)) {
      i++;
      tokens.push({ type: 'punct', text: ch, value: ch, column });
    } else if (/[-\d]/.test(ch) && /^-?\d/.test(input.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i))!;
      i += m[0].length;
      tokens.push({ type: 'number', text: m[0], value: Number(m[0]), column });
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(input.slice(i))!;
      i += m[0].length;
      tokens.push({ type: 'word', text: m[0], value: m[0], column });
    } else {
      throw faults.queryParse(`Lexical error at line 1, column ${column}.  Encountered: "${ch}"`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  isWord(word: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t?.type === 'word' && t.text.toLowerCase() === word;
  }

  fail(expected: string): never {
    const t = this.peek();
    if (!t) throw faults.queryParse(`Encountered "<EOF>" at line 1. Was expecting: ${expected}`);
    throw faults.queryParse(`Encountered " "${t.text}" "${t.text} "" at line 1, column ${t.column}.\nWas expecting: ${expected}`);
  }

  next(): Token {
    const t = this.peek();
    if (!t) this.fail('more input');
    this.pos++;
    return t;
  }

  expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(`"${word}"`);
    this.pos++;
  }

  expectPunct(p: string): void {
    const t = this.peek();
    if (t?.type !== 'punct' || t.text !== p) this.fail(`"${p}"`);
    this.pos++;
  }

  identifier(): string {
    const t = this.peek();
    if (t?.type !== 'word') this.fail('<IDENTIFIER>');
    this.pos++;
    return t.text;
  }

  literal(): QueryValue {
    const t = this.next();
    if (t.type === 'string' || t.type === 'number') return t.value;
    if (t.type === 'word' && /^(true|false)$/i.test(t.text)) return t.text.toLowerCase() === 'true';
    this.pos--;
    return this.fail('a literal');
  }

  positiveInt(keyword: string): number {
    const t = this.next();
    if (t.type !== 'number' || !Number.isInteger(t.value)) {
      this.pos--;
      this.fail(`an integer after ${keyword}`);
    }
    return t.value as number;
  }
}

function parseCondition(p: Parser): Condition {
  const field = p.identifier();
  const t = p.next();
  if (t.type === 'op') return { field, op: t.text as Operator, values: [p.literal()] };
  if (t.type === 'word' && t.text.toLowerCase() === 'like') {
    const v = p.literal();
    if (typeof v !== 'string') p.fail('a string after LIKE');
    return { field, op: 'LIKE', values: [v] };
  }
  if (t.type === 'word' && t.text.toLowerCase() === 'in') {
    p.expectPunct('(');
    const values = [p.literal()];
    while (p.peek()?.text === ',') {
      p.next();
      values.push(p.literal());
    }
    p.expectPunct(')');
    return { field, op: 'IN', values };
  }
  return p.fail('one of "=", "<", ">", "<=", ">=", "IN", "LIKE"');
}

export function parseQuery(input: string): ParsedQuery {
  const p = new Parser(tokenize(input));
  p.expectWord('select');
  let select: ParsedQuery['select'];
  if (p.peek()?.text === '*') {
    p.next();
    select = { kind: 'all' };
  } else if (p.isWord('count')) {
    p.next();
    p.expectPunct('(');
    p.expectPunct('*');
    p.expectPunct(')');
    select = { kind: 'count' };
  } else {
    const fields = [p.identifier()];
    while (p.peek()?.text === ',') {
      p.next();
      fields.push(p.identifier());
    }
    select = { kind: 'fields', fields };
  }
  p.expectWord('from');
  const query: ParsedQuery = { select, entity: p.identifier(), where: [], orderBy: [] };
  if (p.isWord('where')) {
    p.next();
    query.where.push(parseCondition(p));
    while (p.isWord('and')) {
      p.next();
      query.where.push(parseCondition(p));
    }
  }
  while (p.peek()) {
    if (p.isWord('orderby') || (p.isWord('order') && p.isWord('by', 1))) {
      p.next();
      if (p.isWord('by')) p.next();
      do {
        if (p.peek()?.text === ',') p.next();
        const field = p.identifier();
        let desc = false;
        if (p.isWord('asc') || p.isWord('desc')) desc = p.next().text.toLowerCase() === 'desc';
        query.orderBy.push({ field, desc });
      } while (p.peek()?.text === ',');
    } else if (p.isWord('startposition')) {
      p.next();
      query.startPosition = p.positiveInt('STARTPOSITION');
    } else if (p.isWord('maxresults')) {
      p.next();
      query.maxResults = p.positiveInt('MAXRESULTS');
    } else {
      p.fail('"AND", "ORDERBY", "STARTPOSITION", "MAXRESULTS" or <EOF>');
    }
  }
  if (query.startPosition !== undefined && query.startPosition < 1) throw faults.invalidQuery(`value ${query.startPosition} is too small. Min allowed value is 1`);
  if (query.maxResults !== undefined && query.maxResults > 1000) throw faults.invalidQuery(`value ${query.maxResults} is too large. Max allowed value is 1000`);
  if (query.maxResults !== undefined && query.maxResults < 1) throw faults.invalidQuery(`value ${query.maxResults} is too small. Min allowed value is 1`);
  return query;
}
