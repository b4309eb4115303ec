import { buildPlan } from '../../tools/plan/build';
import { Plan } from '../../tools/plan/model';
import { lineDiff } from '../../tools/plan/render-common';
import { renderJson } from '../../tools/plan/render-json';
import { code, highlightLine, renderMarkdown } from '../../tools/plan/render-markdown';
import { renderText } from '../../tools/plan/render-text';
import { StackFiles, clone, defaultNodes, labelsFor, siteStack, synthOf } from './plan-fixtures';

function plan(base: Record<string, StackFiles>, head: Record<string, StackFiles>): Plan {
  return buildPlan(synthOf(base), synthOf(head), { base: { kind: 'git', ref: 'origin/main', commit: '0123456789abcdef0123' }, head: { kind: 'dir', path: 'cdktf.out' } });
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
    expect(text).toContain('Stack yiwu-dc01: 3 to add, 2 to change, 3 to destroy. (3 node groups, capacity changes)');
    expect(text).toContain(
      '  Nodes:\n    1 node gpu-004: join pool h100-train (taint gpu-fleet.io/pool=h100-train:NoSchedule, device-plugin config h100-train, MIG config all-disabled)\n' +
        '    1 node gpu-003: leave pool h100-train (their labels and taints are removed; the Nodes stay in the cluster)\n' +
        '    1 node gpu-001 of pool h100-train: MIG config all-disabled -> all-1g.10gb\n',
    );
    expect(text).toContain(`    + ${LABELS}["gpu-004"] will be created\n        + api_version = "v1"\n`);
    expect(text).toContain(`    ~ ${LABELS}["gpu-001"] will be updated in-place\n        ~ labels["nvidia.com/mig.config"] = "all-disabled" -> "all-1g.10gb"\n`);
    expect(text).toContain(`    - ${LABELS}["gpu-003"] will be destroyed\n`);
    expect(text).toContain(
      '  -/+ kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B must be replaced\n        ~ metadata[0].name = "nvidia-device-plugin-configs" -> "renamed-configs" # forces replacement\n',
    );
    expect(text).toContain('    feed row-01-a utilisation  88.7% -> 104.3%  (+15.6 pp)  ! over capacity');
    expect(text).toContain('No changes in 1 stack: yiwu-dc02.');
    expect(text).toContain('Blockers (2):\n  ! [mig] yiwu-dc01: 1 node gpu-001: MIG config all-disabled -> all-1g.10gb: mig-manager repartitions their GPUs, evicting GPU pods there\n');
    expect(text).toContain('Warnings (3):\n  ~ [replace] yiwu-dc01: kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B: nvidia-device-plugin/nvidia-device-plugin-configs is replaced');
    expect(text).toContain('For information (1):\n  - [nodes] yiwu-dc01: 1 node gpu-004: join pool h100-train');
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

  it('lists risks by severity, then kind, with the stack and address of each', () => {
    const md = renderMarkdown(mixedPlan());
    const order = ['#### Blockers (2)', '**MIG repartitions** (2)', '#### Warnings (3)', '**Replacements** (1)', '#### For information (1)'];
    const positions = order.map((s) => md.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(md).toContain(
      '- `yiwu-dc01` `kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B`: nvidia-device-plugin/nvidia-device-plugin-configs is replaced: deleted, then created anew (metadata\\[0\\].name forces replacement)\n',
    );
    expect(md).toContain('| `yiwu-dc01` | 3 | 2 | 3 | 2 | 3 node groups, capacity changes |');
  });

  it('lists every blocker even at the tightest level, and cuts warnings per kind', () => {
    const heads: Record<string, StackFiles> = {};
    const bases: Record<string, StackFiles> = {};
    for (let i = 1; i <= 30; i++) {
      const site = `site-${String(i).padStart(2, '0')}`;
      bases[site] = siteStack({ site, nodes: defaultNodes(3) });
      heads[site] = siteStack({ site, nodes: defaultNodes(3), taintEffect: 'NoExecute', configMapName: `cm-${i}` });
    }
    const p = plan(bases, heads);
    const md = renderMarkdown(p, 3_000);
    const blockers = p.risks.filter((r) => r.severity === 'blocker');
    expect(blockers).toHaveLength(30);
    for (const r of blockers) expect(md).toContain(`- \`${r.stack}\`: ${r.message}`);
    expect(md).toContain('**Replacements** (30)');
    expect(md).toMatch(/- … and \d+ more warnings of this kind \(`npx gpu-fleet plan` lists them all\)/);
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

  it('stays under the size limit however many resources change, when no blocker must be listed', () => {
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
    expect(doc.formatVersion).toBe(2);
    expect(doc.changed).toBe(true);
    expect(doc.planLine).toBe('Plan: 3 to add, 2 to change, 3 to destroy.');
    expect(doc.summary).toEqual({ add: 3, change: 2, destroy: 3, move: 0 });
    expect(doc.base).toEqual({ kind: 'git', ref: 'origin/main', commit: '0123456789abcdef0123' });
    expect(doc.stacks.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([['yiwu-dc01', 'changed']]);
    expect(doc.unchangedStacks).toEqual(['yiwu-dc02']);
    const dc01 = doc.stacks[0];
    expect(dc01.resources.map((r: { action: string }) => r.action).sort()).toEqual(['create', 'create', 'destroy', 'destroy', 'replace', 'update', 'update']);
    expect(dc01.resources.find((r: { address: string }) => r.address === `${LABELS}["gpu-001"]`).changes).toEqual([
      { path: 'labels["nvidia.com/mig.config"]', segments: ['labels', 'nvidia.com/mig.config'], kind: 'change', before: 'all-disabled', after: 'all-1g.10gb', forcesReplacement: false },
    ]);
    expect(dc01.capacity.changes).toEqual([
      { metric: 'feeds.row-01-a.utilizationPercent', label: 'feed row-01-a utilisation', unit: '%', before: 88.7, after: 104.3, delta: 15.6 },
    ]);
    expect(doc.risks).toHaveLength(p.risks.length);
    expect(doc.risks.map((r: { severity: string }) => r.severity)).toEqual(['blocker', 'blocker', 'warning', 'warning', 'warning', 'info']);
    // Feed utilisation is per site: the fleet totals do not change.
    expect(doc.capacity.fleet).toEqual([]);
    expect(doc.stacks[0].nodeGroups).toHaveLength(3);
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
