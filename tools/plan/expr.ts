/**
 * A small evaluator for the Terraform expressions that appear in cdktf output: enough to expand
 * `for_each`/`count` and to substitute `each.*`, `count.index`, `var.*` and `local.*` into resource
 * bodies. Anything else (references to other resources, operators, unsupported functions) is
 * UNKNOWN, and the string holding it is kept as text, compared textually.
 */
import { Json, JsonObject } from './model';
import { compareStrings, isObject as isJsonObject, setOwn, sortedKeys } from './json';

export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = Json | typeof UNKNOWN;

export interface Scope {
  /** A variable's value, or UNKNOWN when it has none. */
  variable(name: string): Value;
  /** A local value, or UNKNOWN. */
  local(name: string): Value;
  readonly each?: { readonly key: string; readonly value: Json };
  readonly countIndex?: number;
}

export const EMPTY_SCOPE: Scope = { variable: () => UNKNOWN, local: () => UNKNOWN };

// ---------------------------------------------------------------------------------------------
// Templates: "text ${expr} text"

export type TemplatePart = { readonly lit: string } | { readonly expr: string };

const templateCache = new Map<string, TemplatePart[] | null>();

/** Splits a template string into literal and interpolation parts; null for directives (`%{`) or unbalanced braces. */
export function parseTemplate(s: string): TemplatePart[] | null {
  const cached = templateCache.get(s);
  if (cached !== undefined) return cached;
  const parsed = parseTemplateUncached(s);
  if (templateCache.size > 100_000) templateCache.clear();
  templateCache.set(s, parsed);
  return parsed;
}

function parseTemplateUncached(s: string): TemplatePart[] | null {
  const parts: TemplatePart[] = [];
  let lit = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      lit += '${';
      i += 3;
    } else if (s.startsWith('%%{', i)) {
      lit += '%{';
      i += 3;
    } else if (s.startsWith('%{', i)) {
      return null;
    } else if (s.startsWith('${', i)) {
      const end = findClosingBrace(s, i + 2);
      if (end < 0) return null;
      if (lit) parts.push({ lit });
      lit = '';
      parts.push({ expr: s.slice(i + 2, end).replace(/^~/, '').replace(/~$/, '').trim() });
      i = end + 1;
    } else {
      lit += s[i];
      i++;
    }
  }
  if (lit) parts.push({ lit });
  return parts;
}

function findClosingBrace(s: string, from: number): number {
  let depth = 0;
  let inString = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function escapeTemplateLiteral(s: string): string {
  return s.replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');
}

export interface Substituted {
  readonly value: Json;
  /** false when some expression could not be evaluated and was kept as text. */
  readonly complete: boolean;
}

/**
 * Evaluates a string as a template. A string that is exactly one `${expr}` takes the value's type;
 * embedded interpolations are stringified. Unknown interpolations are kept as `${expr}` text.
 */
export function evalTemplate(s: string, scope: Scope): Substituted {
  if (!s.includes('${') && !s.includes('%{')) return { value: s, complete: true };
  const parts = parseTemplate(s);
  if (parts === null) return { value: s, complete: false };
  if (parts.length === 1 && 'expr' in parts[0]) {
    const v = evalExpression(parts[0].expr, scope);
    return v === UNKNOWN ? { value: s, complete: false } : { value: v, complete: true };
  }
  const values: (string | typeof UNKNOWN)[] = parts.map((p) => {
    if ('lit' in p) return p.lit;
    const v = evalExpression(p.expr, scope);
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : UNKNOWN;
  });
  if (values.every((v) => v !== UNKNOWN)) return { value: values.join(''), complete: true };
  let out = '';
  parts.forEach((p, i) => {
    const v = values[i];
    out += v === UNKNOWN ? '${' + (p as { expr: string }).expr + '}' : escapeTemplateLiteral(v);
  });
  return { value: out, complete: false };
}

/** Evaluates every string of a JSON value as a template (object keys are left as they are). */
export function substitute(value: Json, scope: Scope): Substituted {
  let complete = true;
  const walk = (v: Json): Json => {
    if (typeof v === 'string') {
      const r = evalTemplate(v, scope);
      if (!r.complete) complete = false;
      return r.value;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: JsonObject = {};
      for (const k of Object.keys(v)) setOwn(out, k, walk(v[k]));
      return out;
    }
    return v;
  };
  const result = walk(value);
  return { value: result, complete };
}

// ---------------------------------------------------------------------------------------------
// Expressions

type Token =
  | { readonly t: 'ident'; readonly v: string }
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'str'; readonly v: string }
  | { readonly t: 'punct'; readonly v: string };

type Ast =
  | { readonly k: 'lit'; readonly v: Json }
  | { readonly k: 'root'; readonly name: string }
  | { readonly k: 'get'; readonly obj: Ast; readonly attr: string }
  | { readonly k: 'index'; readonly obj: Ast; readonly idx: Ast }
  | { readonly k: 'call'; readonly fn: string; readonly args: Ast[] }
  | { readonly k: 'tuple'; readonly items: Ast[] };

class Unsupported extends Error {}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i))!;
      tokens.push({ t: 'ident', v: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i))!;
      tokens.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (c === '"') {
      let j = i + 1;
      let raw = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          raw += src[j] + (src[j + 1] ?? '');
          j += 2;
        } else {
          raw += src[j];
          j++;
        }
      }
      if (j >= src.length) throw new Unsupported('unterminated string');
      if (raw.includes('${') || raw.includes('%{')) throw new Unsupported('nested template');
      let v: string;
      try {
        v = JSON.parse('"' + raw + '"') as string;
      } catch {
        throw new Unsupported('bad string escape');
      }
      tokens.push({ t: 'str', v });
      i = j + 1;
    } else if ('.[](),'.includes(c)) {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new Unsupported(`unsupported character ${c}`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Ast {
    const ast = this.expr();
    if (this.pos !== this.tokens.length) throw new Unsupported('trailing tokens');
    return ast;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'punct' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isPunct(v)) throw new Unsupported(`expected ${v}`);
    this.pos++;
  }

  private expr(): Ast {
    let node = this.primary();
    for (;;) {
      if (this.isPunct('.')) {
        this.pos++;
        const t = this.peek();
        if (t?.t === 'ident') node = { k: 'get', obj: node, attr: t.v };
        else if (t?.t === 'num' && Number.isInteger(t.v)) node = { k: 'index', obj: node, idx: { k: 'lit', v: t.v } };
        else throw new Unsupported('bad attribute access');
        this.pos++;
      } else if (this.isPunct('[')) {
        this.pos++;
        const idx = this.expr();
        this.expect(']');
        node = { k: 'index', obj: node, idx };
      } else {
        return node;
      }
    }
  }

  private primary(): Ast {
    const t = this.peek();
    if (!t) throw new Unsupported('unexpected end');
    this.pos++;
    if (t.t === 'num' || t.t === 'str') return { k: 'lit', v: t.v };
    if (t.t === 'ident') {
      if (t.v === 'true') return { k: 'lit', v: true };
      if (t.v === 'false') return { k: 'lit', v: false };
      if (t.v === 'null') return { k: 'lit', v: null };
      if (this.isPunct('(')) {
        this.pos++;
        const args = this.list(')');
        return { k: 'call', fn: t.v, args };
      }
      return { k: 'root', name: t.v };
    }
    if (t.v === '(') {
      const inner = this.expr();
      this.expect(')');
      return inner;
    }
    if (t.v === '[') return { k: 'tuple', items: this.list(']') };
    throw new Unsupported(`unexpected ${t.v}`);
  }

  private list(close: string): Ast[] {
    const items: Ast[] = [];
    while (!this.isPunct(close)) {
      items.push(this.expr());
      if (this.isPunct(',')) this.pos++;
      else if (!this.isPunct(close)) throw new Unsupported('expected , or ' + close);
    }
    this.pos++;
    return items;
  }
}

const astCache = new Map<string, Ast | null>();

function parseExpression(src: string): Ast | null {
  const cached = astCache.get(src);
  if (cached !== undefined) return cached;
  let ast: Ast | null;
  try {
    ast = new Parser(tokenize(src)).parseAll();
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    ast = null;
  }
  if (astCache.size > 100_000) astCache.clear();
  astCache.set(src, ast);
  return ast;
}

/** A namespace root (`var`, `local`) that only an attribute access turns into a value. */
class Namespace {
  constructor(readonly lookup: (name: string) => Value) {}
}

type Intermediate = Value | Namespace;

/** Evaluates an expression (the text inside `${...}`); UNKNOWN when it is not supported or not known. */
export function evalExpression(src: string, scope: Scope): Value {
  const ast = parseExpression(src);
  if (ast === null) return UNKNOWN;
  const v = evalAst(ast, scope);
  return v instanceof Namespace ? UNKNOWN : v;
}

function isObject(v: unknown): v is JsonObject {
  return isJsonObject(v) && !(v instanceof Namespace);
}

function evalAst(ast: Ast, scope: Scope): Intermediate {
  switch (ast.k) {
    case 'lit':
      return ast.v;
    case 'root':
      switch (ast.name) {
        case 'var':
          return new Namespace((n) => scope.variable(n));
        case 'local':
          return new Namespace((n) => scope.local(n));
        case 'each':
          return scope.each ? { key: scope.each.key, value: scope.each.value } : UNKNOWN;
        case 'count':
          return scope.countIndex === undefined ? UNKNOWN : { index: scope.countIndex };
        default:
          return UNKNOWN;
      }
    case 'get': {
      const obj = evalAst(ast.obj, scope);
      if (obj instanceof Namespace) return obj.lookup(ast.attr);
      if (isObject(obj) && Object.prototype.hasOwnProperty.call(obj, ast.attr)) return obj[ast.attr];
      return UNKNOWN;
    }
    case 'index': {
      const obj = evalAst(ast.obj, scope);
      const idx = evalAst(ast.idx, scope);
      if (idx === UNKNOWN || idx instanceof Namespace) return UNKNOWN;
      if (isObject(obj) && (typeof idx === 'string' || typeof idx === 'number')) {
        const k = String(idx);
        return Object.prototype.hasOwnProperty.call(obj, k) ? obj[k] : UNKNOWN;
      }
      if (Array.isArray(obj)) {
        const n = typeof idx === 'number' ? idx : typeof idx === 'string' && /^[0-9]+$/.test(idx) ? Number(idx) : NaN;
        return Number.isInteger(n) && n >= 0 && n < obj.length ? obj[n] : UNKNOWN;
      }
      return UNKNOWN;
    }
    case 'tuple': {
      const items = ast.items.map((a) => evalAst(a, scope));
      if (items.some((v) => v === UNKNOWN || v instanceof Namespace)) return UNKNOWN;
      return items as Json[];
    }
    case 'call': {
      const args = ast.args.map((a) => evalAst(a, scope));
      if (args.some((v) => v === UNKNOWN || v instanceof Namespace)) return UNKNOWN;
      return callFunction(ast.fn, args as Json[]);
    }
  }
}

/** Sorts and de-duplicates the elements of a set, as terraform orders sets of primitives. */
export function toSet(items: Json[]): Json[] {
  const seen = new Map<string, Json>();
  for (const v of items) seen.set(JSON.stringify(v), v);
  return [...seen.values()].sort(compareJson);
}

function compareJson(a: Json, b: Json): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return compareStrings(sa, sb);
}

function callFunction(fn: string, args: Json[]): Value {
  const [a, b, c] = args;
  switch (fn) {
    case 'toset':
      return args.length === 1 && Array.isArray(a) ? toSet(a) : UNKNOWN;
    case 'tolist':
      return args.length === 1 && Array.isArray(a) ? a : UNKNOWN;
    case 'tomap':
      return args.length === 1 && isObject(a) ? a : UNKNOWN;
    case 'keys':
      return args.length === 1 && isObject(a) ? sortedKeys(a) : UNKNOWN;
    case 'values':
      return args.length === 1 && isObject(a) ? sortedKeys(a).map((k) => a[k]) : UNKNOWN;
    case 'length':
      if (args.length !== 1) return UNKNOWN;
      if (Array.isArray(a)) return a.length;
      if (isObject(a)) return Object.keys(a).length;
      if (typeof a === 'string') return [...a].length;
      return UNKNOWN;
    case 'lookup':
      if ((args.length !== 2 && args.length !== 3) || !isObject(a) || typeof b !== 'string') return UNKNOWN;
      if (Object.prototype.hasOwnProperty.call(a, b)) return a[b];
      return args.length === 3 ? c : UNKNOWN;
    case 'merge': {
      if (!args.every((x) => isObject(x) || x === null)) return UNKNOWN;
      const out: JsonObject = {};
      for (const x of args) if (x) for (const k of Object.keys(x)) setOwn(out, k, x[k]);
      return out;
    }
    case 'tostring':
      return args.length === 1 && (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean') ? String(a) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}
