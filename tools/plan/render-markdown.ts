/**
 * The plan as a pull-request comment: the summary first (plan line, per-stack table, risks,
 * capacity), then one collapsible `<details>` section per changed stack. Kept under GitHub's
 * comment size limit by abridging the details when needed.
 */
import { CapacityMetric, Plan, Risk, StackPlan } from './model';
import { RISK_KINDS, RISK_TITLES, SEVERITY_TITLES } from './risks';
import { Line, ResourceLinesOptions, metricDelta, metricNote, metricValue, otherChangeSections, planLine, resourceLines, risksBySeverity, sourceLabel, stackHeadLines, stackNotes, stackSummary } from './render-common';

/** GitHub rejects comments over 65,536 characters; leave room for a bot's own header. */
export const DEFAULT_MAX_MARKDOWN_CHARS = 60_000;

/** Escapes text for markdown outside code spans. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<|~]/g, (c) => `\\${c}`);
}

/** A code span that survives backticks in its content. */
export function code(s: string): string {
  const runs = s.match(/`+/g) ?? [];
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
  const pad = s.startsWith('`') || s.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * A line with its change symbol moved to the first column, where GitHub's diff highlighting
 * looks (`~` becomes `!`), keeping the line's width.
 */
export function highlightLine(l: Line): string {
  if (l.mark.length !== 1) return l.text;
  const at = l.text.indexOf(l.mark);
  if (at < 1 || l.text.slice(0, at).trim() !== '') return l.text;
  return `${l.mark === '~' ? '!' : l.mark}${l.text.slice(0, at - 1)} ${l.text.slice(at + 1)}`;
}

function fenceFor(body: string): string {
  const runs = body.match(/`{3,}/g) ?? [];
  return '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)));
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

interface DetailLevel {
  readonly resources: ResourceLinesOptions | undefined;
  /** Most resource entries per stack. */
  readonly maxResources: number;
  /** Per-site capacity rows: every metric, feeds folded into one row per site, or the fleet totals only. */
  readonly capacity: 'full' | 'fold-feeds' | 'fleet';
  /** Most warnings and informational items listed per kind (blockers are always listed in full). */
  readonly risksPerKind: number;
  readonly note?: string;
}

const ABRIDGED = 'Details are abridged to fit a pull-request comment; run `npx gpu-fleet plan` locally (or use `--format json`) for the full plan.';
const LEFT_OUT = 'Per-stack details are left out to fit a pull-request comment; run `npx gpu-fleet plan` locally (or use `--format json`) for the full plan.';

/** From the most detailed to the least; the first that fits is used. */
const LEVELS: readonly DetailLevel[] = [
  { resources: { createDestroyAttributes: true }, maxResources: Infinity, capacity: 'full', risksPerKind: 20 },
  { resources: { createDestroyAttributes: false, maxAttributeLines: 20 }, maxResources: Infinity, capacity: 'full', risksPerKind: 20, note: ABRIDGED },
  { resources: { createDestroyAttributes: false, maxAttributeLines: 0 }, maxResources: 200, capacity: 'full', risksPerKind: 20, note: ABRIDGED },
  { resources: { createDestroyAttributes: false, maxAttributeLines: 0 }, maxResources: 20, capacity: 'fold-feeds', risksPerKind: 20, note: ABRIDGED },
  { resources: { createDestroyAttributes: false, maxAttributeLines: 0 }, maxResources: 5, capacity: 'fold-feeds', risksPerKind: 10, note: ABRIDGED },
  { resources: undefined, maxResources: 0, capacity: 'fold-feeds', risksPerKind: 10, note: LEFT_OUT },
  { resources: undefined, maxResources: 0, capacity: 'fleet', risksPerKind: 5, note: LEFT_OUT },
  { resources: undefined, maxResources: 0, capacity: 'fleet', risksPerKind: 0, note: LEFT_OUT },
];

/** A site's feed metrics folded into one row: how many changed and the highest utilisation after. */
function foldFeeds(metrics: readonly CapacityMetric[]): CapacityMetric[] {
  const feeds = metrics.filter((m) => m.metric.startsWith('feeds.'));
  if (feeds.length <= 1) return [...metrics];
  const highest = feeds.reduce((a, b) => ((b.after ?? -Infinity) > (a.after ?? -Infinity) ? b : a));
  const folded: CapacityMetric = {
    ...highest,
    label: `${feeds.length} feeds changed, highest after: ${highest.label.replace(/ utilisation$/, '')}`,
  };
  return [...metrics.filter((m) => !m.metric.startsWith('feeds.')), folded];
}

function riskLine(r: Risk): string {
  const where = r.address ? `${code(r.stack)} ${code(r.address)}` : code(r.stack);
  return `- ${where}: ${escapeMarkdown(r.message)}`;
}

function summarySection(plan: Plan, level: DetailLevel): string[] {
  const out: string[] = [];
  out.push('## Fleet plan', '');
  out.push(`**${planLine(plan)}**`, '');
  out.push(`Base ${code(sourceLabel(plan.base))} → head ${code(sourceLabel(plan.head))}${plan.stackFilter.length ? `, stacks ${plan.stackFilter.map(code).join(', ')}` : ''}.`, '');
  const changed = plan.stacks.filter((s) => s.status !== 'unchanged');
  const unchanged = plan.stacks.length - changed.length;
  if (changed.length) {
    out.push('| Stack | Add | Change | Destroy | Blockers | Notes |', '| --- | ---: | ---: | ---: | ---: | --- |');
    for (const s of changed) {
      out.push(`| ${code(s.name)} | ${s.summary.add} | ${s.summary.change} | ${s.summary.destroy} | ${s.risks.filter((r) => r.severity === 'blocker').length || ''} | ${cell(stackNotes(s).join(', '))} |`);
    }
    out.push('');
  }
  if (unchanged) out.push(`${unchanged} stack${unchanged === 1 ? '' : 's'} without changes.`, '');
  if (plan.risks.length) {
    out.push(`### ⚠️ Risks (${plan.risks.length})`, '');
    for (const { severity, risks } of risksBySeverity(plan.risks)) {
      out.push(`#### ${SEVERITY_TITLES[severity]} (${risks.length})`, '');
      for (const kind of RISK_KINDS) {
        const list = risks.filter((r) => r.kind === kind);
        if (!list.length) continue;
        // Blockers are never cut; the rest are, per kind, to fit the comment.
        const max = severity === 'blocker' ? Infinity : severity === 'info' ? Math.min(3, level.risksPerKind) : level.risksPerKind;
        out.push(`**${RISK_TITLES[kind]}** (${list.length})`, '');
        out.push(...list.slice(0, max).map(riskLine));
        if (list.length > max) out.push(`- … and ${list.length - max} more ${severity === 'info' ? 'of the same kind' : 'warnings of this kind'} (\`npx gpu-fleet plan\` lists them all)`);
        out.push('');
      }
    }
  }
  const capacityStacks = level.capacity === 'fleet' ? [] : plan.stacks.filter((s) => s.capacity?.changes.length);
  if (capacityStacks.length || plan.capacity.length) {
    out.push('### Capacity', '');
    if (plan.stackFilter.length) out.push('The **fleet** rows sum every stack, not only those `--stack` selects.', '');
    out.push('| Site | Metric | Before | After | Change |', '| --- | --- | ---: | ---: | ---: |');
    const row = (site: string, m: (typeof plan.capacity)[number]): string => {
      const note = metricNote(m);
      return `| ${site} | ${cell(m.label)} | ${metricValue(m, 'before')} | ${metricValue(m, 'after')} | ${metricDelta(m)}${note ? ` ⚠️ ${note}` : ''} |`;
    };
    for (const s of capacityStacks) {
      const metrics = level.capacity === 'fold-feeds' ? foldFeeds(s.capacity!.changes) : s.capacity!.changes;
      for (const m of metrics) out.push(row(code(s.name), m));
    }
    for (const m of plan.capacity) out.push(row('**fleet**', m));
    out.push('');
  }
  return out;
}

function stackDetails(stack: StackPlan, level: DetailLevel): string[] {
  const lines: Line[] = [];
  const shown = stack.resources.slice(0, level.maxResources);
  for (const r of shown) lines.push(...resourceLines(r, level.resources!));
  if (stack.resources.length > shown.length) lines.push({ text: `... and ${stack.resources.length - shown.length} more resource change(s)`, mark: '' });
  for (const section of otherChangeSections(stack)) {
    if (lines.length) lines.push({ text: '', mark: '' });
    lines.push({ text: section.title, mark: '' }, ...section.lines);
  }
  const out = [`<details><summary><code>${escapeHtml(stack.name)}</code>: ${escapeHtml(stackSummary(stack))}</summary>`, ''];
  const head = stackHeadLines(stack);
  if (head.target) out.push(`Applies to: ${escapeMarkdown(head.target)}`, '');
  if (head.nodes.length) out.push('Nodes:', '', ...head.nodes.map((l) => `- ${escapeMarkdown(l)}`), '');
  if (lines.length) {
    const body = lines.map(highlightLine).join('\n');
    const fence = fenceFor(body);
    out.push(`${fence}diff`, body, fence, '');
  }
  if (stack.warnings.length) {
    out.push('Warnings:', '', ...stack.warnings.map((w) => `- ${escapeMarkdown(w)}`), '');
  }
  out.push('</details>', '');
  return out;
}

function renderAt(plan: Plan, level: DetailLevel): string {
  const out = summarySection(plan, level);
  const changed = plan.stacks.filter((s) => s.status !== 'unchanged');
  if (level.note) out.push(`> ${level.note}`, '');
  if (level.resources && changed.length) {
    out.push('### Details', '');
    for (const s of changed) out.push(...stackDetails(s, level));
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

export function renderMarkdown(plan: Plan, maxChars = DEFAULT_MAX_MARKDOWN_CHARS): string {
  let text = '';
  for (const level of LEVELS) {
    text = renderAt(plan, level);
    if (text.length <= maxChars) return text;
  }
  // Still too long: every blocker stays listed; cutting one off would hide what must be seen.
  return text;
}
