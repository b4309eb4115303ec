/** The plan as one JSON document: the plan model with a format version and the plan line. */
import { Plan } from './model';
import { planLine } from './render-common';

export const JSON_FORMAT_VERSION = 1;

export function renderJson(plan: Plan): string {
  const doc = {
    formatVersion: JSON_FORMAT_VERSION,
    changed: plan.changed,
    planLine: planLine(plan),
    summary: plan.summary,
    base: plan.base,
    head: plan.head,
    stackFilter: plan.stackFilter,
    risks: plan.risks,
    capacity: { fleet: plan.capacity },
    stacks: plan.stacks,
    warnings: plan.warnings,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
