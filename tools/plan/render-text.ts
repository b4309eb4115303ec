/** The plain-text plan, modelled on `terraform plan`. */
import { Plan } from './model';
import { RISK_KINDS } from './risks';
import { capacityRows, legend, otherChangeSections, planLine, resourceLines, sourceLabel, stackSummary } from './render-common';

export function renderText(plan: Plan): string {
  const out: string[] = [];
  out.push(`Comparing base ${sourceLabel(plan.base)} with head ${sourceLabel(plan.head)}${plan.stackFilter.length ? ` (stacks ${plan.stackFilter.join(', ')})` : ''}.`);
  out.push('');
  const allResources = plan.stacks.flatMap((s) => s.resources);
  const symbols = legend(allResources);
  if (symbols.length) {
    out.push('Resource actions are indicated with the following symbols:', ...symbols, '');
  }
  const unchanged = plan.stacks.filter((s) => s.status === 'unchanged');
  for (const stack of plan.stacks) {
    if (stack.status === 'unchanged') continue;
    out.push(`Stack ${stack.name}: ${stackSummary(stack)}`);
    out.push('');
    for (const r of stack.resources) {
      out.push(...resourceLines(r, { createDestroyAttributes: true }).map((l) => `  ${l.text}`));
      out.push('');
    }
    for (const section of otherChangeSections(stack)) {
      out.push(`  ${section.title}`, ...section.lines.map((l) => `  ${l.text}`), '');
    }
    if (stack.capacity?.changes.length) {
      out.push('  Capacity (before -> after):', ...capacityRows(stack.capacity.changes, '    '), '');
    }
    if (stack.risks.length) {
      out.push('  Risks:', ...stack.risks.map((r) => `    ! ${r.kind}: ${r.address ? `${r.address}: ` : ''}${r.message}`), '');
    }
    if (stack.warnings.length) {
      out.push('  Warnings:', ...stack.warnings.map((w) => `    - ${w}`), '');
    }
  }
  if (unchanged.length) {
    out.push(`No changes in ${unchanged.length} stack${unchanged.length === 1 ? '' : 's'}: ${unchanged.map((s) => s.name).join(', ')}.`, '');
  }
  if (plan.capacity.length) {
    out.push('Fleet capacity (before -> after):', ...capacityRows(plan.capacity, '  '), '');
  }
  if (plan.risks.length) {
    out.push(`Risks (${plan.risks.length}):`);
    for (const kind of RISK_KINDS) {
      const n = plan.risks.filter((r) => r.kind === kind).length;
      if (n) out.push(`  ! ${kind}: ${n}`);
    }
    out.push('');
  }
  out.push(planLine(plan));
  return out.map((l) => l.trimEnd()).join('\n') + '\n';
}
