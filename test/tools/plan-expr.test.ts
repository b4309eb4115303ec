import { EMPTY_SCOPE, Scope, UNKNOWN, evalExpression, evalTemplate, parseTemplate, substitute } from '../../tools/plan/expr';
import { Json } from '../../tools/plan/model';
import { convertToType, parseType } from '../../tools/plan/types';
import { parseAttributePath } from '../../tools/plan/evaluate';
import { formatAddress, formatPath, parseAddress } from '../../tools/plan/json';

const vars: Record<string, Json> = {
  nodes: { 'gpu-002': { pool: 'a' }, 'gpu-001': { pool: 'b', 'nvidia.com/mig.config': 'all-1g.10gb' } },
  hosts: ['b', 'a', 'b'],
  replicas: 3,
};

function scope(extra: Partial<Scope> = {}): Scope {
  return {
    ...EMPTY_SCOPE,
    variable: (n) => (n in vars ? vars[n] : UNKNOWN),
    local: (n) => (n === 'site' ? 'yiwu-dc01' : UNKNOWN),
    ...extra,
  };
}

describe('plan expressions', () => {
  it('gives a whole-string reference the type of its value', () => {
    expect(evalTemplate('${var.nodes}', scope()).value).toEqual(vars.nodes);
    expect(evalTemplate('${var.replicas}', scope()).value).toBe(3);
    expect(evalTemplate('${each.value}', scope({ each: { key: 'gpu-001', value: { pool: 'b' } } })).value).toEqual({ pool: 'b' });
  });

  it('reads attributes and keys of each.value', () => {
    const s = scope({ each: { key: 'k', value: { pool: 'b', 'nvidia.com/mig.config': 'all-1g.10gb' } } });
    expect(evalTemplate('${each.value.pool}', s).value).toBe('b');
    expect(evalTemplate('${each.value["nvidia.com/mig.config"]}', s).value).toBe('all-1g.10gb');
  });

  it('interpolates embedded references into strings', () => {
    const s = scope({ each: { key: 'gpu-001', value: 'x' }, countIndex: 2 });
    expect(evalTemplate('node-${each.key}-${count.index}-${local.site}', s)).toEqual({ value: 'node-gpu-001-2-yiwu-dc01', complete: true });
  });

  it('keeps unknown references as text while substituting the known ones around them', () => {
    const s = scope({ each: { key: 'gpu-001', value: 'x' } });
    expect(evalTemplate('${kubernetes_namespace.ns.metadata[0].name}/${each.key}', s)).toEqual({
      value: '${kubernetes_namespace.ns.metadata[0].name}/gpu-001',
      complete: false,
    });
    expect(evalTemplate('${var.missing}', s)).toEqual({ value: '${var.missing}', complete: false });
  });

  it('evaluates toset, keys and toset(keys(...)) as terraform does', () => {
    expect(evalExpression('toset(var.hosts)', scope())).toEqual(['a', 'b']);
    expect(evalExpression('keys(var.nodes)', scope())).toEqual(['gpu-001', 'gpu-002']);
    expect(evalExpression('toset(keys(var.nodes))', scope())).toEqual(['gpu-001', 'gpu-002']);
    expect(evalExpression('length(var.hosts)', scope())).toBe(3);
    expect(evalExpression('lookup(var.nodes["gpu-002"], "pool", "none")', scope())).toBe('a');
  });

  it('treats operators, splats and unknown functions as unknown', () => {
    expect(evalExpression('var.replicas + 1', scope())).toBe(UNKNOWN);
    expect(evalExpression('aws_instance.x[*].id', scope())).toBe(UNKNOWN);
    expect(evalExpression('upper(local.site)', scope())).toBe(UNKNOWN);
  });

  it('reads $${ as a literal and leaves template directives as text', () => {
    expect(parseTemplate('a $${b} c')).toEqual([{ lit: 'a ${b} c' }]);
    expect(evalTemplate('%{ if true }x%{ endif }', scope())).toEqual({ value: '%{ if true }x%{ endif }', complete: false });
  });

  it('substitutes inside nested objects and arrays', () => {
    const r = substitute({ metadata: [{ name: '${each.key}' }], labels: '${each.value}' }, scope({ each: { key: 'n1', value: { a: '1' } } }));
    expect(r).toEqual({ value: { metadata: [{ name: 'n1' }], labels: { a: '1' } }, complete: true });
  });
});

describe('plan variable types', () => {
  it('converts tfvars values to the declared variable type', () => {
    expect(convertToType({ n1: { gpus: 8, ib: true } }, parseType('map(map(string))'))).toEqual({ n1: { gpus: '8', ib: 'true' } });
    expect(convertToType(['b', 'a', 'b'], parseType('set(string)'))).toEqual(['a', 'b']);
    expect(convertToType({ count: '3', name: 5 }, parseType('object({ count = number, name = optional(string) })'))).toEqual({ count: 3, name: '5' });
    expect(convertToType({ a: 1 }, parseType('${map(any)}'))).toEqual({ a: 1 });
  });

  it('leaves values alone when the type is not understood', () => {
    expect(parseType('map(')).toBeUndefined();
    expect(convertToType({ a: 1 }, parseType('strange(type)'))).toEqual({ a: 1 });
  });
});

describe('plan addresses and paths', () => {
  it('formats and parses resource addresses with string and number keys', () => {
    expect(formatAddress('kubernetes_labels', 'x', 'gpu-001')).toBe('kubernetes_labels.x["gpu-001"]');
    expect(formatAddress('kubernetes_labels', 'x', 0)).toBe('kubernetes_labels.x[0]');
    expect(parseAddress('kubernetes_labels.x["gpu-001"]')).toEqual({ type: 'kubernetes_labels', name: 'x', key: 'gpu-001' });
    expect(parseAddress('kubernetes_labels.x[2]')).toEqual({ type: 'kubernetes_labels', name: 'x', key: 2 });
    expect(parseAddress('not an address')).toBeUndefined();
  });

  it('formats attribute paths terraform-style', () => {
    expect(formatPath(['metadata', 0, 'name'])).toBe('metadata[0].name');
    expect(formatPath(['labels', 'nvidia.com/mig.config'])).toBe('labels["nvidia.com/mig.config"]');
  });

  it('parses ignore_changes entries without list indexes', () => {
    expect(parseAttributePath('metadata[0].annotations')).toEqual(['metadata', 'annotations']);
    expect(parseAttributePath('${labels["nvidia.com/mig.config"]}')).toEqual(['labels', 'nvidia.com/mig.config']);
  });
});
