/** Puts the plan together: per stack resource, output, capacity and provider diffs, risks and summaries. */
import { diffCapacity, fleetCapacity } from './capacity';
import { diffResources, diffValues } from './diff';
import { PlanError } from './errors';
import { evaluateStack } from './evaluate';
import { compareStrings } from './json';
import { EvaluatedStack, Json, OutputChange, Plan, ResourceChange, SourceInfo, StackPlan, StackStatus, Summary, SynthOutput } from './model';
import { compareRisks, stackRisks } from './risks';

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

export function planStack(name: string, base: EvaluatedStack | undefined, head: EvaluatedStack | undefined): StackPlan {
  const entries = diffResources(base, head);
  const resources = entries.map((e) => e.change);
  const outputs = diffOutputs(base, head);
  const both = base !== undefined && head !== undefined;
  const providerChanges = both ? diffValues(base.provider, head.provider, ['provider']) : [];
  const terraformChanges = both ? diffValues(base.terraform, head.terraform, ['terraform']) : [];
  const capBefore: Json | undefined = base?.outputs[CAPACITY_OUTPUT];
  const capAfter: Json | undefined = head?.outputs[CAPACITY_OUTPUT];
  const capacity =
    capBefore === undefined && capAfter === undefined ? null : { before: capBefore ?? null, after: capAfter ?? null, changes: diffCapacity(capBefore, capAfter) };
  const anyChange = resources.length > 0 || outputs.length > 0 || providerChanges.length > 0 || terraformChanges.length > 0 || (capacity?.changes.length ?? 0) > 0;
  const status: StackStatus = !base ? 'added' : !head ? 'removed' : anyChange ? 'changed' : 'unchanged';
  return {
    name,
    status,
    summary: summarize(resources),
    resources,
    outputs,
    providerChanges,
    terraformChanges,
    capacity,
    risks: stackRisks(name, status, entries, providerChanges, terraformChanges),
    warnings: mergeWarnings(base, head),
  };
}

export interface BuildOptions {
  readonly base: SourceInfo;
  readonly head: SourceInfo;
  /** Globs on stack names; empty for every stack. */
  readonly stackFilter?: readonly string[];
}

export function buildPlan(base: SynthOutput, head: SynthOutput, options: BuildOptions): Plan {
  const filter = options.stackFilter ?? [];
  const regexps = filter.map(globToRegExp);
  const all = [...new Set([...base.stacks.keys(), ...head.stacks.keys()])].sort(compareStrings);
  const names = regexps.length ? all.filter((n) => regexps.some((r) => r.test(n))) : all;
  if (regexps.length && !names.length) {
    throw new PlanError(`--stack ${filter.join(',')} matches no stack (stacks: ${all.join(', ') || 'none'})`);
  }
  const stacks = names.map((name) => {
    const b = base.stacks.get(name);
    const h = head.stacks.get(name);
    return planStack(name, b ? evaluateStack(b) : undefined, h ? evaluateStack(h) : undefined);
  });
  const capacity = fleetCapacity(
    stacks.filter((s) => s.capacity).map((s) => ({ before: s.capacity!.before ?? undefined, after: s.capacity!.after ?? undefined })),
  );
  return {
    base: options.base,
    head: options.head,
    stackFilter: [...filter],
    changed: stacks.some((s) => s.status !== 'unchanged'),
    summary: addSummaries(stacks.map((s) => s.summary)),
    stacks,
    capacity,
    risks: stacks.flatMap((s) => s.risks).sort(compareRisks),
    warnings: stacks.flatMap((s) => s.warnings.map((w) => `${s.name}: ${w}`)),
  };
}
