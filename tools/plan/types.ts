/**
 * Terraform variable type constraints (`map(map(string))`, `set(string)`, `object({...})`), parsed
 * far enough to convert tfvars values the way terraform does: numbers and bools become strings
 * where a string is expected, lists become sorted sets. An unparseable type leaves values as they are.
 */
import { toSet } from './expr';
import { Json, JsonObject } from './model';
import { isObject, setOwn } from './json';

export type TypeConstraint =
  | { readonly k: 'any' }
  | { readonly k: 'string' }
  | { readonly k: 'number' }
  | { readonly k: 'bool' }
  | { readonly k: 'map' | 'list' | 'set'; readonly elem: TypeConstraint }
  | { readonly k: 'object'; readonly attrs: Record<string, TypeConstraint> }
  | { readonly k: 'tuple'; readonly elems: TypeConstraint[] };

class BadType extends Error {}

/** Parses a type constraint; undefined when it is absent or not understood. */
export function parseType(src: unknown): TypeConstraint | undefined {
  if (typeof src !== 'string') return undefined;
  let s = src.trim();
  const m = /^\$\{([\s\S]*)\}$/.exec(s);
  if (m) s = m[1].trim();
  const tokens = s.match(/[A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*"|[(){}[\]=,:]/g) ?? [];
  let pos = 0;
  const next = (): string => {
    if (pos >= tokens.length) throw new BadType();
    return tokens[pos++];
  };
  const expect = (t: string): void => {
    if (next() !== t) throw new BadType();
  };
  const parse = (): TypeConstraint => {
    const t = next();
    switch (t) {
      case 'any':
      case 'string':
      case 'number':
      case 'bool':
        return { k: t };
      case 'map':
      case 'list':
      case 'set': {
        expect('(');
        const elem = parse();
        expect(')');
        return { k: t, elem };
      }
      case 'optional': {
        expect('(');
        const inner = parse();
        if (tokens[pos] === ',') {
          // optional(type, default): skip the default up to the matching parenthesis
          let depth = 0;
          while (pos < tokens.length && !(depth === 0 && tokens[pos] === ')')) {
            const tok = tokens[pos++];
            if (tok === '(' || tok === '{' || tok === '[') depth++;
            if (tok === ')' || tok === '}' || tok === ']') depth--;
          }
        }
        expect(')');
        return inner;
      }
      case 'object': {
        expect('(');
        expect('{');
        const attrs: Record<string, TypeConstraint> = {};
        while (tokens[pos] !== '}') {
          let name = next();
          if (name.startsWith('"')) name = JSON.parse(name) as string;
          const sep = next();
          if (sep !== '=' && sep !== ':') throw new BadType();
          attrs[name] = parse();
          if (tokens[pos] === ',') pos++;
        }
        expect('}');
        expect(')');
        return { k: 'object', attrs };
      }
      case 'tuple': {
        expect('(');
        expect('[');
        const elems: TypeConstraint[] = [];
        while (tokens[pos] !== ']') {
          elems.push(parse());
          if (tokens[pos] === ',') pos++;
        }
        expect(']');
        expect(')');
        return { k: 'tuple', elems };
      }
      default:
        throw new BadType();
    }
  };
  try {
    const type = parse();
    return pos === tokens.length ? type : undefined;
  } catch (e) {
    if (e instanceof BadType || e instanceof SyntaxError) return undefined;
    throw e;
  }
}

/** Converts a value to a type constraint where terraform would; leaves what does not fit as it is. */
export function convertToType(value: Json, type: TypeConstraint | undefined): Json {
  if (type === undefined || value === null) return value;
  switch (type.k) {
    case 'any':
      return value;
    case 'string':
      return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    case 'number':
      return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
    case 'bool':
      return value === 'true' ? true : value === 'false' ? false : value;
    case 'map': {
      if (!isObject(value)) return value;
      const out: JsonObject = {};
      for (const k of Object.keys(value)) setOwn(out, k, convertToType(value[k], type.elem));
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map((v) => convertToType(v, type.elem)) : value;
    case 'set':
      return Array.isArray(value) ? toSet(value.map((v) => convertToType(v, type.elem))) : value;
    case 'object': {
      if (!isObject(value)) return value;
      const out: JsonObject = {};
      for (const k of Object.keys(value)) setOwn(out, k, Object.prototype.hasOwnProperty.call(type.attrs, k) ? convertToType(value[k], type.attrs[k]) : value[k]);
      return out;
    }
    case 'tuple':
      return Array.isArray(value) ? value.map((v, i) => convertToType(v, type.elems[i])) : value;
  }
}
