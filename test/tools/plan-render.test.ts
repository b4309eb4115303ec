import { buildPlan } from '../../tools/plan/build';
import { Plan } from '../../tools/plan/model';
import { lineDiff } from '../../tools/plan/render-common';
import { renderJson } from '../../tools/plan/render-json';
import { code, highlightLine, renderMarkdown } from '../../tools/plan/render-markdown';
import { renderText } from '../../tools/plan/render-text';
import { StackFiles, clone, defaultNodes, labelsFor, siteStack, synthOf } from './plan-fixtures';

function plan(base: Record<string, StackFiles>, head: Record<string, StackFiles>): Plan {
  return buildPlan(synthOf(base), synthOf(head), { base: { kind: 'git', path: '/tmp/x', ref: 'origin/main', commit: '0123456789abcdef0123' }, head: { kind: 'dir', path: 'cdktf.out' } });
}

/** A change of every kind in yiwu-dc01, none in yiwu-dc02. */
function mixedPlan(): Plan {
  const nodes = defaultNodes(3);
  const changed = clone(nodes);
  changed['gpu-001']['nvidia.com/mig.config'] = 'all-1g.10gb';
  delete changed['gpu-003'];
  changed['gpu-004'] = labelsFor('gpu-004');
  return plan(
    { 'yiwu-dc01': siteStack({ nodes, servers: 3 }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }) },
    {
      'yiwu-dc01': siteStack({ nodes: changed, servers: 3, configMapName: 'renamed-configs', migConfig: 'version: v1\nmig-configs:\n  all-disabled: []\n', feedLoadKw: 240 }),
      'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }),
    },
  );
}

const LABELS = 'kubernetes_labels.pool-h100-train_node-labels_A1B2C3D4';

describe('plan text output', () => {
  it('lists each resource instance with its terraform symbol, then the summary line last', () => {
    const text = renderText(mixedPlan());
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Comparing base origin/main (0123456789ab) with head cdktf.out.');
    expect(lines[lines.length - 1]).toBe('Plan: 3 to add, 2 to change, 3 to destroy.');
    expect(text).toContain('Resource actions are indicated with the following symbols:\n  + create\n  ~ update in-place\n  - destroy\n-/+ destroy and then create replacement\n');
    expect(text).toContain('Stack yiwu-dc01: 3 to add, 2 to change, 3 to destroy. (capacity changes)');
    expect(text).toContain(`    + ${LABELS}["gpu-004"] will be created\n        + api_version = "v1"\n`);
    expect(text).toContain(`    ~ ${LABELS}["gpu-001"] will be updated in-place\n        ~ labels["nvidia.com/mig.config"] = "all-disabled" -> "all-1g.10gb"\n`);
    expect(text).toContain(`    - ${LABELS}["gpu-003"] will be destroyed\n`);
    expect(text).toContain(
      '  -/+ kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B must be replaced\n        ~ metadata[0].name = "nvidia-device-plugin-configs" -> "renamed-configs" # forces replacement\n',
    );
    expect(text).toContain('    feed row-01-a utilisation  88.7% -> 104.3%  (+15.6 pp)  ! over capacity');
    expect(text).toContain('No changes in 1 stack: yiwu-dc02.');
    expect(text).toMatch(/Risks \(\d+\):\n  ! destroy: 3\n  ! taint: 2\n  ! gpu-config: 4\n/);
  });

  it('shows a multi-line string change as a line diff', () => {
    const text = renderText(mixedPlan());
    expect(text).toContain('        ~ data["config.yaml"] = <<EOT\n            version: v1\n            mig-configs:\n          -   all-disabled:\n');
    expect(text).toContain('          +   all-disabled: []\n');
  });

  it('says No changes. when nothing differs', () => {
    const p = plan({ 'yiwu-dc01': siteStack() }, { 'yiwu-dc01': siteStack() });
    expect(renderText(p)).toBe('Comparing base origin/main (0123456789ab) with head cdktf.out.\n\nNo changes in 1 stack: yiwu-dc01.\n\nNo changes.\n');
  });

  it('renders the same plan to the same text every time', () => {
    expect(renderText(mixedPlan())).toBe(renderText(mixedPlan()));
  });
});

describe('plan markdown output', () => {
  it('puts the summary first, then one collapsible section per changed stack', () => {
    const md = renderMarkdown(mixedPlan());
    const order = ['## Fleet plan', '**Plan: 3 to add, 2 to change, 3 to destroy.**', '| `yiwu-dc01` | 3 | 2 | 3 |', '### ⚠️ Risks', '### Capacity', '### Details', '<details><summary><code>yiwu-dc01</code>'];
    const positions = order.map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(md.match(/<details>/g)).toHaveLength(1);
    expect(md).toContain('1 stack without changes.');
    expect(md).toContain('| `yiwu-dc01` | feed row-01-a utilisation | 88.7% | 104.3% | +15.6 pp ⚠️ over capacity |');
    expect(md).toContain('```diff\n-/+ kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B must be replaced\n');
    expect(md).toContain(`+   ${LABELS}["gpu-004"] will be created`);
    expect(md).toContain(`!   ${LABELS}["gpu-001"] will be updated in-place`);
    expect(md.endsWith('</details>\n')).toBe(true);
  });

  it('lists risks by kind with the stack and address of each', () => {
    const md = renderMarkdown(mixedPlan());
    expect(md).toContain('**Destroys** (3)\n\n- `yiwu-dc01` `kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B`: will be destroyed and re-created (metadata\\[0\\].name forces replacement)\n');
    expect(md).toContain('**Node taint changes** (2)');
    expect(md).toContain('**Device-plugin / MIG configuration changes** (4)');
  });

  it('abridges the details to stay under the comment size limit', () => {
    const nodes = defaultNodes(300);
    const relabelled = clone(nodes);
    for (const host of Object.keys(relabelled)) relabelled[host]['gpu-fleet.io/owner'] = 'team-a';
    const p = plan({ 'yiwu-dc01': siteStack({ nodes }) }, { 'yiwu-dc01': siteStack({ nodes: relabelled }) });
    expect(renderMarkdown(p, 1_000_000)).not.toContain('abridged');
    const md = renderMarkdown(p, 20_000);
    expect(md.length).toBeLessThanOrEqual(20_000);
    expect(md).toContain('Details are abridged to fit a pull-request comment');
    expect(md).toContain('**Plan: 0 to add, 300 to change, 0 to destroy.**');
    expect(md).toContain('<details>');
  });

  it('never exceeds the size limit, however large the plan', () => {
    const nodes = defaultNodes(300);
    const p = plan({}, { 'yiwu-dc01': siteStack({ nodes }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02', nodes }) });
    for (const limit of [2_000, 5_000, 12_000]) {
      const md = renderMarkdown(p, limit);
      expect(md.length).toBeLessThanOrEqual(limit);
      expect(md.startsWith('## Fleet plan\n\n**Plan: 1206 to add, 0 to change, 0 to destroy.**')).toBe(true);
    }
  });

  it('keeps code spans and fences intact around backticks', () => {
    expect(code('a`b')).toBe('``a`b``');
    expect(highlightLine({ text: '      ~ labels.a = "x" -> "y"', mark: '~' })).toBe('!       labels.a = "x" -> "y"');
    expect(highlightLine({ text: '            - devices: all', mark: '' })).toBe('            - devices: all');
  });
});

describe('plan json output', () => {
  it('is one JSON document carrying the same plan as the text', () => {
    const p = mixedPlan();
    const doc = JSON.parse(renderJson(p));
    expect(doc.formatVersion).toBe(1);
    expect(doc.changed).toBe(true);
    expect(doc.planLine).toBe('Plan: 3 to add, 2 to change, 3 to destroy.');
    expect(doc.summary).toEqual({ add: 3, change: 2, destroy: 3, move: 0 });
    expect(doc.base).toEqual({ kind: 'git', path: '/tmp/x', ref: 'origin/main', commit: '0123456789abcdef0123' });
    expect(doc.stacks.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
      ['yiwu-dc01', 'changed'],
      ['yiwu-dc02', 'unchanged'],
    ]);
    const dc01 = doc.stacks[0];
    expect(dc01.resources.map((r: { action: string }) => r.action).sort()).toEqual(['create', 'create', 'destroy', 'destroy', 'replace', 'update', 'update']);
    expect(dc01.resources.find((r: { address: string }) => r.address === `${LABELS}["gpu-001"]`).changes).toEqual([
      { path: 'labels["nvidia.com/mig.config"]', segments: ['labels', 'nvidia.com/mig.config'], kind: 'change', before: 'all-disabled', after: 'all-1g.10gb', forcesReplacement: false },
    ]);
    expect(dc01.capacity.changes).toEqual([
      { metric: 'feeds.row-01-a.utilizationPercent', label: 'feed row-01-a utilisation', unit: '%', before: 88.7, after: 104.3, delta: 15.6 },
    ]);
    expect(doc.risks).toHaveLength(p.risks.length);
    expect(doc.capacity).toEqual({ fleet: [] });
    expect(doc.warnings).toEqual([]);
  });
});

describe('plan line diff', () => {
  it('keeps three lines of context and counts the rest', () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    expect(lineDiff(before, after).map((l) => `${l.op}${l.text}`)).toEqual([
      '...(7 unchanged lines)',
      ' line 7',
      ' line 8',
      ' line 9',
      '-line 10',
      '+line ten',
      ' line 11',
      ' line 12',
      ' line 13',
      '...(6 unchanged lines)',
    ]);
  });
});
