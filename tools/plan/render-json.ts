/**
 * The plan as one JSON document: the plan model with a format version and the plan line.
 * Unchanged stacks are listed by name only, so a no-op plan stays a few hundred bytes.
 * `--format terraform-json` writes this document beside terraform's own plan JSON.
 */
import { Plan } from './model';
import { planLine } from './render-common';

export const JSON_FORMAT_VERSION = 2;

/** The review document: plan line, summary, ranked risks, capacity and the changed stacks. */
export function reviewDocument(plan: Plan): Record<string, unknown> {
  return {
    formatVersion: JSON_FORMAT_VERSION,
    changed: plan.changed,
    planLine: planLine(plan),
    summary: plan.summary,
    base: plan.base,
    head: plan.head,
    stackFilter: plan.stackFilter,
    risks: plan.risks,
    capacity: { fleet: plan.capacity, scope: 'every stack of base and head, whatever --stack selects' },
    stacks: plan.stacks.filter((s) => s.status !== 'unchanged'),
    unchangedStacks: plan.stacks.filter((s) => s.status === 'unchanged').map((s) => s.name),
    warnings: plan.warnings,
  };
}

export function renderJson(plan: Plan): string {
  return JSON.stringify(reviewDocument(plan), null, 2) + '\n';
}
