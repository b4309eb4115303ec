/**
 * Test helper: validates Kubernetes objects against the `openAPIV3Schema` of their
 * CustomResourceDefinition, the way the API server's structural-schema validation would for
 * the keywords CRDs use: type, properties (rejecting unknown fields unless the schema allows
 * them with `x-kubernetes-preserve-unknown-fields` or `additionalProperties`), required, enum,
 * items, minItems/maxItems, minLength/maxLength, pattern, minimum/maximum,
 * minProperties/maxProperties, anyOf, `x-kubernetes-int-or-string`, list-map key uniqueness,
 * integer formats. CEL rules (`x-kubernetes-validations`) are not evaluated; the few that our
 * objects could break are rules of the stack itself (see stacks/kueue/objects.ts
 * kueueProblems). `metadata` is checked as ObjectMeta, not by the CRD schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

// Schemas are data of arbitrary shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Schema = Record<string, any>;

/** One schema violation: a JSON path into the object and what is wrong there. */
export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

export function formatSchemaError(e: SchemaError): string {
  return `${e.path}: ${e.message}`;
}

const TYPE_OF = (v: unknown): string => {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
};

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Every way `value` breaks `schema`; empty when it conforms. */
export function validateSchema(value: unknown, schema: Schema, at = '$'): SchemaError[] {
  const out: SchemaError[] = [];
  const fail = (message: string, where = at) => out.push({ path: where, message });

  if (schema['x-kubernetes-int-or-string']) {
    const t = TYPE_OF(value);
    if (t !== 'integer' && t !== 'string') fail(`must be an integer or a string, got ${t}`);
    if (t === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value as string)) fail(`does not match ${schema.pattern}: ${JSON.stringify(value)}`);
    return out;
  }
  if (schema.anyOf) {
    const branches = (schema.anyOf as Schema[]).map((s) => validateSchema(value, s, at));
    if (!branches.some((b) => b.length === 0)) fail(`matches none of anyOf: ${branches.map((b) => b.map((e) => e.message).join('; ')).join(' | ')}`);
  }

  const t = TYPE_OF(value);
  const want = schema.type as string | undefined;
  if (want) {
    const ok = want === t || (want === 'number' && t === 'integer');
    if (!ok) {
      fail(`must be of type ${want}, got ${t}`);
      return out;
    }
  }
  if (schema.enum && !(schema.enum as unknown[]).some((e) => e === value)) fail(`must be one of ${JSON.stringify(schema.enum)}, got ${JSON.stringify(value)}`);

  if (t === 'string') {
    const s = value as string;
    if (schema.maxLength !== undefined && s.length > schema.maxLength) fail(`is longer than ${schema.maxLength} characters`);
    if (schema.minLength !== undefined && s.length < schema.minLength) fail(`is shorter than ${schema.minLength} characters`);
    if (schema.pattern && !new RegExp(schema.pattern).test(s)) fail(`does not match ${schema.pattern}: ${JSON.stringify(s)}`);
  }
  if (t === 'integer' || t === 'number') {
    const n = value as number;
    if (schema.minimum !== undefined && n < schema.minimum) fail(`is less than ${schema.minimum}`);
    if (schema.maximum !== undefined && n > schema.maximum) fail(`is more than ${schema.maximum}`);
    const range = INT_RANGE[schema.format as string];
    if (range && (n < range[0] || n > range[1])) fail(`is out of the ${schema.format} range`);
  }
  if (t === 'array') {
    const items = value as unknown[];
    if (schema.maxItems !== undefined && items.length > schema.maxItems) fail(`has more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && items.length < schema.minItems) fail(`has fewer than ${schema.minItems} items`);
    if (schema.items) items.forEach((item, i) => out.push(...validateSchema(item, schema.items, `${at}[${i}]`)));
    const listType = schema['x-kubernetes-list-type'];
    if (listType === 'map') {
      const keys = (schema['x-kubernetes-list-map-keys'] ?? []) as string[];
      const seen = new Set<string>();
      for (const item of items) {
        const k = JSON.stringify(keys.map((key) => (item as Record<string, unknown>)?.[key]));
        if (seen.has(k)) fail(`has two items with the same ${keys.join(', ')}: ${k}`);
        seen.add(k);
      }
    } else if (listType === 'set') {
      const seen = new Set(items.map((i) => JSON.stringify(i)));
      if (seen.size !== items.length) fail('has duplicate items in a set');
    }
  }
  if (t === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) fail(`has more than ${schema.maxProperties} properties`);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) fail(`has fewer than ${schema.minProperties} properties`);
    for (const r of (schema.required ?? []) as string[]) if (!(r in obj)) fail(`misses required field ${r}`);
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    const extra = schema.additionalProperties;
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const k of keys) {
      const where = `${at}.${k}`;
      if (props[k]) out.push(...validateSchema(obj[k], props[k], where));
      else if (extra && typeof extra === 'object') out.push(...validateSchema(obj[k], extra, where));
      else if (!(extra === true || preserve)) fail('is an unknown field', where);
    }
  }
  return out;
}

/** ObjectMeta fields a manifest may set, and their shape. */
function metadataErrors(meta: unknown, namespaced: boolean): SchemaError[] {
  const out: SchemaError[] = [];
  if (TYPE_OF(meta) !== 'object') return [{ path: '$.metadata', message: 'must be an object' }];
  const m = meta as Record<string, unknown>;
  const allowed = ['name', 'namespace', 'labels', 'annotations', 'finalizers'];
  for (const k of Object.keys(m)) if (!allowed.includes(k)) out.push({ path: `$.metadata.${k}`, message: 'is not set by manifests' });
  const name = m.name;
  if (typeof name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) || name.length > 253) {
    out.push({ path: '$.metadata.name', message: `must be a DNS subdomain, got ${JSON.stringify(name)}` });
  }
  if (namespaced && typeof m.namespace !== 'string') out.push({ path: '$.metadata.namespace', message: 'is required for a namespaced kind' });
  if (!namespaced && m.namespace !== undefined) out.push({ path: '$.metadata.namespace', message: 'must be absent for a cluster-scoped kind' });
  for (const map of ['labels', 'annotations']) {
    const v = m[map];
    if (v === undefined) continue;
    if (TYPE_OF(v) !== 'object' || Object.values(v as object).some((x) => typeof x !== 'string')) out.push({ path: `$.metadata.${map}`, message: 'must map strings to strings' });
  }
  return out;
}

/** A CustomResourceDefinition read from YAML: its kind, group, scope and served versions' schemas. */
export class Crd {
  public static load(file: string): Crd {
    return new Crd(YAML.parse(fs.readFileSync(file, 'utf8')));
  }

  public readonly group: string;
  public readonly kind: string;
  public readonly namespaced: boolean;
  private readonly schemas = new Map<string, Schema>();

  constructor(doc: Schema) {
    this.group = doc.spec.group;
    this.kind = doc.spec.names.kind;
    this.namespaced = doc.spec.scope === 'Namespaced';
    for (const v of doc.spec.versions) if (v.served) this.schemas.set(v.name, v.schema.openAPIV3Schema);
  }

  public get servedVersions(): string[] {
    return [...this.schemas.keys()];
  }

  /** Every way `obj` breaks the schema of the version its apiVersion names. */
  public validate(obj: Schema): SchemaError[] {
    const [group, version] = String(obj.apiVersion).split('/');
    if (group !== this.group) return [{ path: '$.apiVersion', message: `must be in group ${this.group}, got ${obj.apiVersion}` }];
    if (obj.kind !== this.kind) return [{ path: '$.kind', message: `must be ${this.kind}, got ${obj.kind}` }];
    const schema = this.schemas.get(version);
    if (!schema) return [{ path: '$.apiVersion', message: `version ${version} is not served, served: ${this.servedVersions.join(', ')}` }];
    const { metadata, ...rest } = obj;
    const withoutMeta = { ...schema, properties: { ...(schema.properties ?? {}) } };
    delete withoutMeta.properties.metadata;
    return [...metadataErrors(metadata, this.namespaced), ...validateSchema(rest, withoutMeta)];
  }
}

/** The CRDs of a directory, by `<group>/<kind>`. */
export class CrdSet {
  public static loadDir(dir: string): CrdSet {
    const crds = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => Crd.load(path.join(dir, f)));
    return new CrdSet(crds);
  }

  private readonly byKind = new Map<string, Crd>();

  constructor(crds: readonly Crd[]) {
    for (const c of crds) this.byKind.set(`${c.group}/${c.kind}`, c);
  }

  /** Every problem of `obj` against the CRD of its kind (or that there is no such CRD), as lines. */
  public problems(obj: Schema): string[] {
    const group = String(obj.apiVersion ?? '').split('/')[0];
    const crd = this.byKind.get(`${group}/${obj.kind}`);
    if (!crd) return [`no CRD for ${obj.apiVersion} ${obj.kind}`];
    return crd.validate(obj).map(formatSchemaError);
  }
}

/** Kueue's CRDs, kept as test data in test/fixtures/kueue-crds. */
export function kueueCrds(): CrdSet {
  return CrdSet.loadDir(path.join(__dirname, '..', 'fixtures', 'kueue-crds'));
}

/** The GPU Operator's ClusterPolicy CRD, kept as test data in test/fixtures/gpu-operator-crds. */
export function gpuOperatorCrds(): CrdSet {
  return CrdSet.loadDir(path.join(__dirname, '..', 'fixtures', 'gpu-operator-crds'));
}
