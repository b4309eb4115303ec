/** Pieces shared by the text and markdown renderers. */
import { sourceLabelOf } from './build';
import { AttributeChange, CapacityMetric, Json, Plan, ResourceChange, Risk, Severity, SourceInfo, StackPlan, Summary } from './model';
import { describeNodeGroup } from './nodes';
import { SEVERITIES, describeTarget } from './risks';

export function planLine(plan: Plan): string {
  if (!plan.changed) return plan.risks.length ? 'No changes to resources or outputs (see the risks above).' : 'No changes.';
  return summaryLine(plan.summary);
}

export function summaryLine(s: Summary): string {
  const moved = s.move ? ` ${s.move} to move.` : '';
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.${moved}`;
}

/** `1 to add, 3 to change, 0 to destroy.` plus what else changed; `No changes.` for an unchanged stack. */
export function stackSummary(stack: StackPlan): string {
  if (stack.status === 'unchanged') return 'No changes.';
  if (stack.status === 'removed') {
    const n = stack.unmanaged;
    return `${stack.renamedTo ? `renamed to ${stack.renamedTo}` : 'removed'}: left unmanaged, 0 destroyed (${n} resource instance${n === 1 ? '' : 's'} stay in the cluster).`;
  }
  const s = stack.summary;
  const extras = stackNotes(stack);
  return `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy.${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

/** What changes in a stack besides resources: `new stack`, `outputs change`, `capacity changes`, ... */
export function stackNotes(stack: StackPlan): string[] {
  const s = stack.summary;
  const extras: string[] = [];
  if (stack.status === 'added') extras.push(stack.renamedFrom ? `new stack, looks like ${stack.renamedFrom} renamed` : 'new stack');
  if (stack.status === 'removed') extras.push(stack.renamedTo ? `renamed to ${stack.renamedTo}: left unmanaged` : 'stack removed: left unmanaged');
  if (stack.nodeGroups.length) extras.push(`${stack.nodeGroups.length} node group${stack.nodeGroups.length === 1 ? '' : 's'}`);
  if (s.move) extras.push(`${s.move} moved`);
  if (stack.outputs.length) extras.push('outputs change');
  if (stack.capacity?.changes.length) extras.push('capacity changes');
  if (stack.providerChanges.length) extras.push('provider block changes');
  if (stack.terraformChanges.length) extras.push('terraform block changes');
  return extras;
}

export function sourceLabel(s: SourceInfo): string {
  return sourceLabelOf(s);
}

/** Lines a stack shows before its resources: where it applies (new, removed or renamed stacks) and its node groups. */
export function stackHeadLines(stack: StackPlan): { target: string | undefined; nodes: string[] } {
  const showTarget = stack.status === 'added' || stack.status === 'removed' || stack.providerChanges.length > 0 || stack.terraformChanges.length > 0;
  return { target: showTarget ? describeTarget(stack.target) : undefined, nodes: stack.nodeGroups.map(describeNodeGroup) };
}

/** Risks by severity, in rank order. */
export function risksBySeverity(risks: readonly Risk[]): { severity: Severity; risks: Risk[] }[] {
  return SEVERITIES.map((severity) => ({ severity, risks: risks.filter((r) => r.severity === severity) })).filter((g) => g.risks.length);
}

export function riskText(r: Risk): string {
  return `${r.stack}: ${r.address ? `${r.address}: ` : ''}${r.message}`;
}

export function formatValue(v: Json | undefined): string {
  return v === undefined ? 'null' : JSON.stringify(v);
}

export function formatNumber(n: number | null): string {
  if (n === null) return '-';
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

export function formatDelta(d: number | null): string {
  if (d === null) return '';
  return d > 0 ? `+${formatNumber(d)}` : formatNumber(d);
}

export function metricValue(m: CapacityMetric, which: 'before' | 'after'): string {
  const v = m[which];
  if (v === null) return '-';
  return m.unit === '%' ? `${formatNumber(v)}%` : m.unit ? `${formatNumber(v)} ${m.unit}` : formatNumber(v);
}

export function metricDelta(m: CapacityMetric): string {
  if (m.delta === null) return m.before === null ? 'new' : 'removed';
  const d = formatDelta(m.delta);
  return m.unit === '%' ? `${d} pp` : m.unit ? `${d} ${m.unit}` : d;
}

/** A note for a metric worth a second look: a feed loaded past its capacity. */
export function metricNote(m: CapacityMetric): string {
  return m.unit === '%' && m.after !== null && m.after > 100 ? 'over capacity' : '';
}

export type DiffLine = { readonly op: ' ' | '+' | '-'; readonly text: string } | { readonly op: '...'; readonly text: string };

/** A line diff of two texts with `context` lines around each change (LCS; falls back to remove-all/add-all when huge). */
export function lineDiff(before: string, after: string, context = 3): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const ops: { op: ' ' | '+' | '-'; text: string }[] = a.slice(0, start).map((text) => ({ op: ' ' as const, text }));
  if (midA.length * midB.length > 4_000_000) {
    ops.push(...midA.map((text) => ({ op: '-' as const, text })), ...midB.map((text) => ({ op: '+' as const, text })));
  } else {
    const n = midA.length;
    const m = midB.length;
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = midA[i] === midB[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ op: ' ', text: midA[i] });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        ops.push({ op: '-', text: midA[i] });
        i++;
      } else {
        ops.push({ op: '+', text: midB[j] });
        j++;
      }
    }
  }
  ops.push(...a.slice(endA).map((text) => ({ op: ' ' as const, text })));
  // Keep `context` unchanged lines around changes.
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach((o, idx) => {
    if (o.op !== ' ') for (let k = Math.max(0, idx - context); k <= Math.min(ops.length - 1, idx + context); k++) keep[k] = true;
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  ops.forEach((o, idx) => {
    if (keep[idx]) {
      if (skipped) out.push({ op: '...', text: `(${skipped} unchanged line${skipped === 1 ? '' : 's'})` });
      skipped = 0;
      out.push(o);
    } else {
      skipped++;
    }
  });
  if (skipped) out.push({ op: '...', text: `(${skipped} unchanged line${skipped === 1 ? '' : 's'})` });
  return out;
}

const SYMBOLS: Record<ResourceChange['action'], string> = {
  create: '+',
  update: '~',
  destroy: '-',
  replace: '-/+',
  move: '',
};

export function actionSymbol(c: ResourceChange): string {
  return c.action === 'replace' && c.createBeforeDestroy ? '+/-' : SYMBOLS[c.action];
}

export function actionPhrase(c: ResourceChange): string {
  const moved = c.movedFrom ? ` (moved from ${c.movedFrom})` : '';
  switch (c.action) {
    case 'create':
      return `will be created${moved}`;
    case 'update':
      return `will be updated in-place${moved}`;
    case 'destroy':
      return `will be destroyed${moved}`;
    case 'replace':
      return `must be replaced${moved}`;
    case 'move':
      return `has moved from ${c.movedFrom}`;
  }
}

/** The legend of the symbols used, as terraform prints it. */
export function legend(resources: readonly ResourceChange[]): string[] {
  const used = new Set(resources.map(actionSymbol));
  const rows: [string, string][] = [
    ['+', 'create'],
    ['~', 'update in-place'],
    ['-', 'destroy'],
    ['-/+', 'destroy and then create replacement'],
    ['+/-', 'create replacement and then destroy'],
  ];
  return rows.filter(([sym]) => used.has(sym)).map(([sym, text]) => `${sym.padStart(3)} ${text}`);
}

const ATTR_SYMBOL: Record<AttributeChange['kind'], string> = { add: '+', remove: '-', change: '~' };

/** A rendered line; `mark` is its change symbol (`+`, `-`, `~`, `-/+`, `+/-`) or '' for context. */
export interface Line {
  readonly text: string;
  readonly mark: string;
}

function line(text: string, mark = ''): Line {
  return { text: text.trimEnd(), mark };
}

/** Lines for one attribute change, indented by `indent`; multi-line strings become line diffs. */
export function attributeLines(c: AttributeChange, indent: string): Line[] {
  const sym = ATTR_SYMBOL[c.kind];
  const forces = c.forcesReplacement ? ' # forces replacement' : '';
  const multiline = (v: Json | undefined): v is string => typeof v === 'string' && v.includes('\n');
  if (multiline(c.before) || multiline(c.after)) {
    const before = typeof c.before === 'string' ? c.before : c.before === undefined ? '' : formatValue(c.before);
    const after = typeof c.after === 'string' ? c.after : c.after === undefined ? '' : formatValue(c.after);
    const lines = [line(`${indent}${sym} ${c.path} = <<EOT${forces}`, sym)];
    const body: DiffLine[] =
      c.kind === 'add'
        ? after.split('\n').map((text) => ({ op: '+' as const, text }))
        : c.kind === 'remove'
          ? before.split('\n').map((text) => ({ op: '-' as const, text }))
          : lineDiff(before, after);
    for (const l of body) {
      if (l.op === '...') lines.push(line(`${indent}    ${l.text}`));
      else lines.push(line(`${indent}  ${l.op} ${l.text}`, l.op === ' ' ? '' : l.op));
    }
    lines.push(line(`${indent}  EOT`));
    return lines;
  }
  switch (c.kind) {
    case 'add':
      return [line(`${indent}+ ${c.path} = ${formatValue(c.after)}${forces}`, '+')];
    case 'remove':
      return [line(`${indent}- ${c.path} = ${formatValue(c.before)} -> null${forces}`, '-')];
    case 'change':
      return [line(`${indent}~ ${c.path} = ${formatValue(c.before)} -> ${formatValue(c.after)}${forces}`, '~')];
  }
}

export interface ResourceLinesOptions {
  /** Attribute lines for create and destroy (updates and replaces always have them). */
  readonly createDestroyAttributes: boolean;
  /** Most attribute lines per resource; the rest are counted. 0 leaves them all out. */
  readonly maxAttributeLines?: number;
}

/** The lines of one resource change: a header and its attribute changes. */
export function resourceLines(c: ResourceChange, options: ResourceLinesOptions): Line[] {
  const lines = [line(`${actionSymbol(c).padStart(3)} ${c.address} ${actionPhrase(c)}`, actionSymbol(c))];
  const showAttributes = (c.action === 'update' || c.action === 'replace' || options.createDestroyAttributes) && options.maxAttributeLines !== 0;
  if (!showAttributes) return lines;
  const attr = c.changes.flatMap((ch) => attributeLines(ch, '      '));
  const max = options.maxAttributeLines ?? Infinity;
  lines.push(...attr.slice(0, max));
  if (attr.length > max) lines.push(line(`      ... ${attr.length - max} more line(s)`));
  return lines;
}

/** Lines for changes to outputs, the provider block and the terraform block of a stack. */
export function otherChangeSections(stack: StackPlan): { title: string; lines: Line[] }[] {
  const sections: { title: string; lines: Line[] }[] = [];
  if (stack.outputs.length) {
    sections.push({ title: 'Changes to outputs:', lines: stack.outputs.flatMap((o) => (o.changes.length ? o.changes.flatMap((c) => attributeLines(c, '  ')) : [line(`  ${o.action === 'create' ? '+' : '-'} ${o.name}`, o.action === 'create' ? '+' : '-')])) });
  }
  if (stack.providerChanges.length) sections.push({ title: 'Changes to the provider block:', lines: stack.providerChanges.flatMap((c) => attributeLines(c, '  ')) });
  if (stack.terraformChanges.length) sections.push({ title: 'Changes to the terraform block:', lines: stack.terraformChanges.flatMap((c) => attributeLines(c, '  ')) });
  return sections;
}

/** Aligned capacity rows: label, before -> after, delta, note. */
export function capacityRows(metrics: readonly CapacityMetric[], indent: string): string[] {
  const labelWidth = Math.max(...metrics.map((m) => m.label.length));
  const beforeWidth = Math.max(...metrics.map((m) => metricValue(m, 'before').length));
  const afterWidth = Math.max(...metrics.map((m) => metricValue(m, 'after').length));
  return metrics.map((m) => {
    const note = metricNote(m);
    return `${indent}${m.label.padEnd(labelWidth)}  ${metricValue(m, 'before').padStart(beforeWidth)} -> ${metricValue(m, 'after').padEnd(afterWidth)}  (${metricDelta(m)})${note ? `  ! ${note}` : ''}`.trimEnd();
  });
}
