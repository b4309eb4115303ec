/** Small helpers on JSON values, deterministic whatever the locale. */
import { Json, JsonObject, PathSegment } from './model';

export function isObject(v: unknown): v is JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Code-point order, independent of the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortedKeys(o: object): string[] {
  return Object.keys(o).sort(compareStrings);
}

/** Sets an own property, also for the key `__proto__`. */
export function setOwn(o: JsonObject, key: string, value: Json): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

export function deepEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/** A copy without `//` comment properties (terraform ignores them in JSON configuration). */
export function withoutComments(v: Json): Json {
  if (Array.isArray(v)) return v.map(withoutComments);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) if (k !== '//') setOwn(out, k, withoutComments(v[k]));
    return out;
  }
  return v;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Terraform-style attribute path: `metadata[0].name`, `labels["nvidia.com/mig.config"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENT.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** A resource address: `type.name`, `type.name["key"]` or `type.name[0]`. */
export function formatAddress(type: string, name: string, key?: string | number): string {
  if (key === undefined) return `${type}.${name}`;
  return typeof key === 'number' ? `${type}.${name}[${key}]` : `${type}.${name}[${JSON.stringify(key)}]`;
}

/** Parses `type.name`, `type.name["key"]` or `type.name[0]`; undefined when it is not such an address. */
export function parseAddress(address: string): { type: string; name: string; key?: string | number } | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\[(.+)\])?$/.exec(address.trim());
  if (!m) return undefined;
  const [, type, name, rawKey] = m;
  if (rawKey === undefined) return { type, name };
  if (/^[0-9]+$/.test(rawKey)) return { type, name, key: Number(rawKey) };
  try {
    const key: unknown = JSON.parse(rawKey);
    return typeof key === 'string' ? { type, name, key } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a value along a path, unwrapping one-element lists on the way (cdktf writes nested
 * blocks either as an object or as a one-element array). Numeric segments index lists.
 */
export function getPath(value: Json | undefined, path: readonly PathSegment[]): Json | undefined {
  let cur: Json | undefined = value;
  for (const seg of path) {
    if (cur === undefined || cur === null) return undefined;
    if (typeof seg === 'number') {
      cur = Array.isArray(cur) ? cur[seg] : undefined;
      continue;
    }
    if (Array.isArray(cur) && cur.length === 1) cur = cur[0];
    cur = isObject(cur) && Object.prototype.hasOwnProperty.call(cur, seg) ? cur[seg] : undefined;
  }
  return cur;
}

/** Rounds away floating-point noise (sums and differences of figures with one decimal). */
export function roundNoise(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
