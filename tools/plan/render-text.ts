/** The plain-text plan, modelled on `terraform plan`. */
import { Plan } from './model';
import { SEVERITY_TITLES } from './risks';
import { capacityRows, legend, otherChangeSections, planLine, resourceLines, riskText, risksBySeverity, sourceLabel, stackHeadLines, stackSummary } from './render-common';

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
    const head = stackHeadLines(stack);
    if (head.target) out.push(`  Applies to: ${head.target}`, '');
    if (head.nodes.length) out.push('  Nodes:', ...head.nodes.map((l) => `    ${l}`), '');
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
    if (stack.warnings.length) {
      out.push('  Warnings:', ...stack.warnings.map((w) => `    - ${w}`), '');
    }
  }
  if (unchanged.length) {
    out.push(`No changes in ${unchanged.length} stack${unchanged.length === 1 ? '' : 's'}: ${unchanged.map((s) => s.name).join(', ')}.`, '');
  }
  if (plan.capacity.length) {
    out.push(`Fleet capacity, all stacks (before -> after)${plan.stackFilter.length ? ', not only those --stack selects' : ''}:`, ...capacityRows(plan.capacity, '  '), '');
  }
  for (const { severity, risks } of risksBySeverity(plan.risks)) {
    out.push(`${SEVERITY_TITLES[severity]} (${risks.length}):`, ...risks.map((r) => `  ${severity === 'blocker' ? '!' : severity === 'warning' ? '~' : '-'} [${r.kind}] ${riskText(r)}`), '');
  }
  out.push(planLine(plan));
  return out.map((l) => l.trimEnd()).join('\n') + '\n';
}
