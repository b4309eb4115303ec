/**
 * Evaluates a stack's configuration as far as possible without terraform: variable values,
 * locals, for_each/count expansion into instances, and substitution of each.*, count.index,
 * var.* and local.* into resource bodies and outputs.
 */
import { EMPTY_SCOPE, Scope, UNKNOWN, Value, evalTemplate, substitute, toSet } from './expr';
import { formatAddress, isObject, setOwn, withoutComments } from './json';
import { EvaluatedStack, Instance, Json, JsonObject, MovedBlock, PathSegment, RawStack } from './model';
import { convertToType, parseType } from './types';

/** Resource arguments that are terraform meta-arguments, not attributes of the resource. */
const META_ARGUMENTS = new Set(['//', 'for_each', 'count', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

function stripInterpolation(s: string): string {
  const m = /^\$\{([\s\S]*)\}$/.exec(s.trim());
  return (m ? m[1] : s).trim();
}

/** Parses an ignore_changes entry (`metadata[0].annotations`, `labels["x"]`) into segments without list indexes. */
export function parseAttributePath(src: string): PathSegment[] | undefined {
  const s = stripInterpolation(src);
  const segments: PathSegment[] = [];
  const re = /\s*(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[\s*([0-9]+)\s*\]|\[\s*("(?:[^"\\]|\\.)*")\s*\]|\.([0-9]+))/y;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[3] !== undefined) segments.push(JSON.parse(m[3]) as string);
    pos = re.lastIndex;
  }
  return segments.length ? segments : undefined;
}

function parseLifecycle(lifecycle: Json | undefined): { createBeforeDestroy: boolean; ignoreChanges: 'all' | PathSegment[][] } {
  const lc = Array.isArray(lifecycle) ? lifecycle[0] : lifecycle;
  if (!isObject(lc)) return { createBeforeDestroy: false, ignoreChanges: [] };
  const cbd = lc.create_before_destroy === true || lc.create_before_destroy === 'true';
  const ic = lc.ignore_changes;
  if (typeof ic === 'string') {
    return { createBeforeDestroy: cbd, ignoreChanges: stripInterpolation(ic) === 'all' ? 'all' : [] };
  }
  if (Array.isArray(ic)) {
    if (ic.some((x) => typeof x === 'string' && stripInterpolation(x) === 'all')) return { createBeforeDestroy: cbd, ignoreChanges: 'all' };
    const paths = ic.flatMap((x) => {
      const p = typeof x === 'string' ? parseAttributePath(x) : undefined;
      return p ? [p] : [];
    });
    return { createBeforeDestroy: cbd, ignoreChanges: paths };
  }
  return { createBeforeDestroy: cbd, ignoreChanges: [] };
}

function preview(v: Json | undefined): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

export function evaluateStack(raw: RawStack): EvaluatedStack {
  const doc = raw.doc;
  const warnings = [...raw.warnings];
  const warned = new Set<string>();
  const warnOnce = (msg: string): void => {
    if (!warned.has(msg)) {
      warned.add(msg);
      warnings.push(msg);
    }
  };

  // Variables: tfvars, then default; converted to the declared type.
  const declared = isObject(doc.variable) ? doc.variable : {};
  const variableCache = new Map<string, Value>();
  const variable = (name: string): Value => {
    const cached = variableCache.get(name);
    if (cached !== undefined) return cached;
    let value: Value = UNKNOWN;
    const decl = Object.prototype.hasOwnProperty.call(declared, name) ? declared[name] : undefined;
    if (!isObject(decl)) {
      warnOnce(`variable "${name}" is referenced but not declared`);
    } else {
      const given = Object.prototype.hasOwnProperty.call(raw.tfvars, name) ? raw.tfvars[name] : decl.default;
      if (given === undefined) warnOnce(`variable "${name}" has no value (no tfvars file sets it and it has no default); what depends on it is compared as text`);
      else value = convertToType(given, parseType(decl.type));
    }
    variableCache.set(name, value);
    return value;
  };

  // Locals: evaluated lazily, known only when fully known.
  const locals = isObject(doc.locals) ? doc.locals : {};
  const localCache = new Map<string, Value>();
  const evaluating = new Set<string>();
  const local = (name: string): Value => {
    const cached = localCache.get(name);
    if (cached !== undefined) return cached;
    if (!Object.prototype.hasOwnProperty.call(locals, name) || evaluating.has(name)) return UNKNOWN;
    evaluating.add(name);
    const r = substitute(locals[name], baseScope);
    evaluating.delete(name);
    const v: Value = r.complete ? r.value : UNKNOWN;
    localCache.set(name, v);
    return v;
  };
  const baseScope: Scope = { ...EMPTY_SCOPE, variable, local };

  /** Evaluates a for_each or count argument to a fully known value, or UNKNOWN. */
  const evalMeta = (v: Json): Value => {
    const r = typeof v === 'string' ? evalTemplate(v, baseScope) : substitute(v, baseScope);
    return r.complete ? r.value : UNKNOWN;
  };

  const instances = new Map<string, Instance>();
  const resources = isObject(doc.resource) ? doc.resource : {};
  for (const type of Object.keys(resources)) {
    const byName = resources[type];
    if (!isObject(byName)) continue;
    for (const name of Object.keys(byName)) {
      const def = byName[name];
      if (!isObject(def)) {
        warnOnce(`resource ${type}.${name} is not an object; skipped`);
        continue;
      }
      const bodyTemplate: JsonObject = {};
      for (const k of Object.keys(def)) if (!META_ARGUMENTS.has(k)) setOwn(bodyTemplate, k, withoutComments(def[k]));
      const lifecycle = parseLifecycle(def.lifecycle);
      const add = (key: string | number | undefined, scope: Scope): void => {
        const address = formatAddress(type, name, key);
        const body = substitute(bodyTemplate, scope).value as JsonObject;
        instances.set(address, { address, type, name, key, body, ...lifecycle });
      };
      const single = (why: string): void => {
        warnOnce(`${type}.${name}: ${why}; compared as one resource`);
        add(undefined, baseScope);
      };

      if (def.for_each !== undefined) {
        const fe = evalMeta(def.for_each);
        if (isObject(fe)) {
          for (const key of Object.keys(fe)) add(key, { ...baseScope, each: { key, value: fe[key] } });
        } else if (Array.isArray(fe) && fe.every((x) => typeof x === 'string' || typeof x === 'number')) {
          for (const el of toSet(fe.map((x) => String(x)))) add(el as string, { ...baseScope, each: { key: el as string, value: el } });
        } else {
          single(`for_each ${preview(def.for_each)} cannot be evaluated without terraform`);
        }
      } else if (def.count !== undefined) {
        const n = evalMeta(def.count);
        const count = typeof n === 'string' && /^[0-9]+$/.test(n) ? Number(n) : n;
        if (typeof count === 'number' && Number.isInteger(count) && count >= 0) {
          for (let i = 0; i < count; i++) add(i, { ...baseScope, countIndex: i });
        } else {
          single(`count ${preview(def.count)} cannot be evaluated without terraform`);
        }
      } else {
        add(undefined, baseScope);
      }
    }
  }

  const moved: MovedBlock[] = [];
  if (Array.isArray(doc.moved)) {
    for (const m of doc.moved) {
      if (isObject(m) && typeof m.from === 'string' && typeof m.to === 'string') {
        moved.push({ from: stripInterpolation(m.from), to: stripInterpolation(m.to) });
      }
    }
  }

  const outputs: JsonObject = {};
  const outputDefs = isObject(doc.output) ? doc.output : {};
  for (const name of Object.keys(outputDefs)) {
    const def = outputDefs[name];
    if (!isObject(def) || def.value === undefined) continue;
    setOwn(outputs, name, substitute(withoutComments(def.value), baseScope).value);
  }

  const provider = doc.provider === undefined ? undefined : withoutComments(doc.provider);
  const terraform = isObject(doc.terraform) ? (withoutComments(doc.terraform) as JsonObject) : {};
  return { name: raw.name, instances, moved, outputs, provider, terraform, warnings };
}
