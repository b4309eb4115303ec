/** Puts the plan together: per stack resource, output, capacity and provider diffs, risks and summaries. */
import { diffCapacity, fleetCapacity } from './capacity';
import { diffResources, diffValues } from './diff';
import { PlanError } from './errors';
import { evaluateStack } from './evaluate';
import { compareStrings, getPath, isObject, withoutComments } from './json';
import { EvaluatedStack, Json, OutputChange, Plan, RawStack, ResourceChange, SourceInfo, StackPlan, StackStatus, StackTarget, Summary, SynthOutput } from './model';
import { nodeGroups } from './nodes';
import { addedStackRisk, blockRisks, compareRisks, nodeGroupRisks, removedStackRisk, resourceRisks } from './risks';

/** The output rendered as capacity deltas rather than as an output change. */
export const CAPACITY_OUTPUT = 'capacity';

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const c of glob) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function summarize(changes: readonly ResourceChange[]): Summary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let move = 0;
  for (const c of changes) {
    if (c.action === 'create') add++;
    else if (c.action === 'update') change++;
    else if (c.action === 'destroy') destroy++;
    else if (c.action === 'replace') {
      add++;
      destroy++;
    }
    if (c.movedFrom) move++;
  }
  return { add, change, destroy, move };
}

function addSummaries(list: readonly Summary[]): Summary {
  return list.reduce((a, s) => ({ add: a.add + s.add, change: a.change + s.change, destroy: a.destroy + s.destroy, move: a.move + s.move }), {
    add: 0,
    change: 0,
    destroy: 0,
    move: 0,
  });
}

function diffOutputs(base: EvaluatedStack | undefined, head: EvaluatedStack | undefined): OutputChange[] {
  const before = base?.outputs ?? {};
  const after = head?.outputs ?? {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((n) => n !== CAPACITY_OUTPUT).sort(compareStrings);
  const out: OutputChange[] = [];
  for (const name of names) {
    const b = Object.prototype.hasOwnProperty.call(before, name) ? before[name] : undefined;
    const a = Object.prototype.hasOwnProperty.call(after, name) ? after[name] : undefined;
    const changes = diffValues(b, a, [name]);
    if (!changes.length && (b === undefined) === (a === undefined)) continue;
    out.push({ name, action: b === undefined ? 'create' : a === undefined ? 'destroy' : 'update', changes });
  }
  return out;
}

function mergeWarnings(base: EvaluatedStack | undefined, head: EvaluatedStack | undefined): string[] {
  const b = base?.warnings ?? [];
  const h = head?.warnings ?? [];
  const out = [...b.map((w) => (h.includes(w) ? w : `base: ${w}`))];
  for (const w of h) if (!b.includes(w)) out.push(`head: ${w}`);
  return out;
}

function stringAt(v: Json | undefined, path: readonly (string | number)[]): string | null {
  const x = getPath(v, path);
  return typeof x === 'string' ? x : null;
}

/** Where a stack applies: its kubernetes provider's context and kubeconfig, and its backend. */
export function stackTarget(stack: EvaluatedStack | undefined): StackTarget | null {
  if (!stack) return null;
  const provider = isObject(stack.provider) ? stack.provider.kubernetes : undefined;
  const kube = Array.isArray(provider) ? provider[0] : provider;
  const backendBlock = stack.terraform.backend;
  let backend: string | null = null;
  if (isObject(backendBlock)) {
    const [type] = Object.keys(backendBlock);
    if (type !== undefined) {
      const cfg = backendBlock[type];
      const where = isObject(cfg) ? (stringAt(cfg, ['path']) ?? [stringAt(cfg, ['bucket']), stringAt(cfg, ['key']) ?? stringAt(cfg, ['prefix'])].filter(Boolean).join('/')) : '';
      backend = where ? `${type}: ${where}` : type;
    }
  } else if (isObject(stack.terraform.cloud)) {
    backend = `cloud: ${stringAt(stack.terraform.cloud, ['organization']) ?? '?'}`;
  }
  if (kube === undefined && backend === null) return null;
  return { context: stringAt(kube, ['config_context']), configPath: stringAt(kube, ['config_path']) ?? stringAt(kube, ['config_paths', 0]), backend };
}

export function planStack(name: string, base: EvaluatedStack | undefined, head: EvaluatedStack | undefined, baseLabel = 'the base'): StackPlan {
  const removed = base !== undefined && head === undefined;
  // A removed stack is not planned by `cdktf deploy`: nothing of it is destroyed.
  const entries = removed ? [] : diffResources(base, head);
  const resources = entries.map((e) => e.change);
  const outputs = removed ? [] : diffOutputs(base, head);
  const both = base !== undefined && head !== undefined;
  const providerChanges = both ? diffValues(base.provider, head.provider, ['provider']) : [];
  const terraformChanges = both ? diffValues(base.terraform, head.terraform, ['terraform']) : [];
  const capBefore: Json | undefined = base?.outputs[CAPACITY_OUTPUT];
  const capAfter: Json | undefined = head?.outputs[CAPACITY_OUTPUT];
  const capacity = capBefore === undefined && capAfter === undefined ? null : { changes: diffCapacity(capBefore, capAfter) };
  const anyChange = resources.length > 0 || outputs.length > 0 || providerChanges.length > 0 || terraformChanges.length > 0 || (capacity?.changes.length ?? 0) > 0;
  const status: StackStatus = !base ? 'added' : !head ? 'removed' : anyChange ? 'changed' : 'unchanged';
  const target = stackTarget(head ?? base);
  const groups = nodeGroups(entries, base, head);
  const unmanaged = removed ? base.instances.size : 0;
  const risks = [
    ...(status === 'removed' ? [removedStackRisk(name, unmanaged, target, baseLabel)] : []),
    ...(status === 'added' ? [addedStackRisk(name, target)] : []),
    ...entries.flatMap((e) => resourceRisks(name, e)),
    ...nodeGroupRisks(name, groups),
    ...blockRisks(name, providerChanges, terraformChanges),
  ].sort(compareRisks);
  return {
    name,
    status,
    summary: summarize(resources),
    resources,
    unmanaged,
    target,
    nodeGroups: groups,
    outputs,
    providerChanges,
    terraformChanges,
    capacity,
    risks,
    warnings: mergeWarnings(base, head),
  };
}

/** Resource names (type.name) of a stack with how often each occurs, to recognise a renamed stack. */
function shapeOf(stack: EvaluatedStack): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of stack.instances.values()) out.set(`${i.type}.${i.name}`, (out.get(`${i.type}.${i.name}`) ?? 0) + 1);
  return out;
}

/** Share of resource instances two stacks have in common by type and name (0..1). */
function similarity(a: Map<string, number>, b: Map<string, number>): number {
  let common = 0;
  let total = 0;
  for (const [k, n] of a) {
    common += Math.min(n, b.get(k) ?? 0);
    total += n;
  }
  for (const n of b.values()) total += n;
  return total ? (2 * common) / total : 0;
}

/**
 * Pairs removed and added stacks that hold the same resources (at least 90% of their instances
 * by type, name and count): a site renamed. Greedy on the best match, in name order on ties.
 */
export function detectRenames(removed: ReadonlyArray<{ name: string; stack: EvaluatedStack }>, added: ReadonlyArray<{ name: string; stack: EvaluatedStack }>): Map<string, string> {
  const pairs: { from: string; to: string; score: number }[] = [];
  const shapes = new Map<string, Map<string, number>>();
  for (const s of [...removed, ...added]) shapes.set(s.name, shapeOf(s.stack));
  for (const r of removed) for (const a of added) {
    const score = similarity(shapes.get(r.name)!, shapes.get(a.name)!);
    if (score >= 0.9) pairs.push({ from: r.name, to: a.name, score });
  }
  pairs.sort((x, y) => y.score - x.score || compareStrings(x.from, y.from) || compareStrings(x.to, y.to));
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const p of pairs) {
    if (out.has(p.from) || taken.has(p.to)) continue;
    out.set(p.from, p.to);
    taken.add(p.to);
  }
  return out;
}

export interface BuildOptions {
  readonly base: SourceInfo;
  readonly head: SourceInfo;
  /** Globs on stack names; empty for every stack. */
  readonly stackFilter?: readonly string[];
}

/** The capacity output of a stack, read without evaluating the whole stack when it is a literal. */
function capacityOf(raw: RawStack | undefined, evaluated: EvaluatedStack | undefined): Json | undefined {
  if (evaluated) return evaluated.outputs[CAPACITY_OUTPUT];
  if (!raw) return undefined;
  const out = isObject(raw.doc.output) ? raw.doc.output[CAPACITY_OUTPUT] : undefined;
  const value = isObject(out) ? withoutComments(out.value ?? null) : undefined;
  if (value === undefined || value === null) return undefined;
  return JSON.stringify(value).includes('${') ? evaluateStack(raw).outputs[CAPACITY_OUTPUT] : value;
}

export function sourceLabelOf(s: SourceInfo): string {
  return s.kind === 'git' ? `${s.ref} (${(s.commit ?? '').slice(0, 12)})` : s.kind === 'working-tree' ? 'the working tree' : (s.path ?? '?');
}

/** The evaluated stacks a plan was built from, for renderers that need every instance (terraform-json). */
export interface PlanDetail {
  readonly stacks: ReadonlyMap<string, { readonly base?: EvaluatedStack; readonly head?: EvaluatedStack }>;
  /** The two synth outputs the plan compares (the html format draws their node inventories). */
  readonly base: SynthOutput;
  readonly head: SynthOutput;
}

export function buildPlan(base: SynthOutput, head: SynthOutput, options: BuildOptions): Plan {
  return buildPlanWithDetail(base, head, options).plan;
}

export function buildPlanWithDetail(base: SynthOutput, head: SynthOutput, options: BuildOptions): { plan: Plan; detail: PlanDetail } {
  const filter = options.stackFilter ?? [];
  const regexps = filter.map(globToRegExp);
  const all = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort(compareStrings);
  const names = regexps.length ? all.filter((n) => regexps.some((r) => r.test(n))) : all;
  if (regexps.length && !names.length) {
    throw new PlanError(`--stack ${filter.join(',')} matches no stack (stacks: ${all.join(', ') || 'none'})`);
  }
  const evaluated = new Map<string, { b?: EvaluatedStack; h?: EvaluatedStack }>();
  for (const name of names) {
    const b = base.stacks.get(name);
    const h = head.stacks.get(name);
    evaluated.set(name, { b: b ? evaluateStack(b) : undefined, h: h ? evaluateStack(h) : undefined });
  }
  const baseLabel = sourceLabelOf(options.base);
  const planned = names.map((name) => planStack(name, evaluated.get(name)!.b, evaluated.get(name)!.h, baseLabel));
  const removed = names.filter((n) => !head.stacks.has(n)).map((name) => ({ name, stack: evaluated.get(name)!.b! }));
  const added = names.filter((n) => !base.stacks.has(n)).map((name) => ({ name, stack: evaluated.get(name)!.h! }));
  const renames = detectRenames(removed, added);
  const renamedFrom = new Map([...renames].map(([from, to]) => [to, from]));
  const stacks = planned.map((s): StackPlan => {
    const to = renames.get(s.name);
    const from = renamedFrom.get(s.name);
    if (!to && !from) return s;
    const risks = s.risks.filter((r) => r.kind !== 'stack');
    risks.push(to ? removedStackRisk(s.name, s.unmanaged, s.target, baseLabel, to) : addedStackRisk(s.name, s.target, from));
    return { ...s, ...(to ? { renamedTo: to } : { renamedFrom: from }), risks: risks.sort(compareRisks) };
  });
  // Fleet capacity sums every stack of base and head, whatever --stack selects.
  const capacity = fleetCapacity(
    all.map((name) => ({
      before: capacityOf(base.stacks.get(name), evaluated.get(name)?.b),
      after: capacityOf(head.stacks.get(name), evaluated.get(name)?.h),
    })),
  );
  const plan: Plan = {
    base: options.base,
    head: options.head,
    stackFilter: [...filter],
    changed: stacks.some((s) => s.status === 'added' || s.status === 'removed' || s.resources.length > 0 || s.outputs.length > 0 || (s.capacity?.changes.length ?? 0) > 0),
    summary: addSummaries(stacks.map((s) => s.summary)),
    stacks,
    capacity,
    risks: stacks.flatMap((s) => s.risks).sort(compareRisks),
    warnings: stacks.flatMap((s) => s.warnings.map((w) => `${s.name}: ${w}`)),
  };
  const detail = new Map([...evaluated].map(([name, e]) => [name, { base: e.b, head: e.h }]));
  return { plan, detail: { stacks: detail, base, head } };
}
