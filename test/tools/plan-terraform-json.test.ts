/**
 * `--format terraform-json`: per stack, terraform's plan JSON (`terraform show -json`), checked
 * against the fields terraform writes, as stated below from hashicorp/terraform
 * internal/command/jsonplan/plan.go (`plan`, `ResourceChange`, `Change`, `actionString`).
 */
import { buildPlanWithDetail } from '../../tools/plan/build';
import { Plan } from '../../tools/plan/model';
import { REVIEW_FILE, planFileName, renderTerraformJson, shapeBody } from '../../tools/plan/render-terraform-json';
import { Schema, formatSchemaError, validateSchema } from '../support/openapi-schema';
import { StackFiles, defaultNodes, siteStack, synthOf } from './plan-fixtures';

const ANY: Schema = { 'x-kubernetes-preserve-unknown-fields': true };
const ANY_OR_NULL: Schema = { ...ANY, anyOf: [{ type: 'object', ...ANY }, { type: 'array' }, { type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }] };

/** jsonplan.Change: actions as actionString writes them; replace is ["delete","create"] (or ["create","delete"]). */
const CHANGE: Schema = {
  type: 'object',
  required: ['actions', 'before', 'after', 'after_unknown', 'before_sensitive', 'after_sensitive'],
  properties: {
    actions: {
      anyOf: [
        { type: 'array', minItems: 1, maxItems: 1, items: { type: 'string', enum: ['no-op', 'create', 'read', 'update', 'delete', 'forget'] } },
        { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string', enum: ['delete', 'create'] } },
      ],
    },
    before: ANY_OR_NULL,
    after: ANY_OR_NULL,
    after_unknown: ANY_OR_NULL,
    before_sensitive: ANY_OR_NULL,
    after_sensitive: ANY_OR_NULL,
    replace_paths: { type: 'array', items: { type: 'array', minItems: 1, items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } },
  },
};

/** jsonplan.ResourceChange. */
const RESOURCE_CHANGE: Schema = {
  type: 'object',
  required: ['address', 'mode', 'type', 'name', 'provider_name', 'change'],
  properties: {
    address: { type: 'string' },
    previous_address: { type: 'string' },
    module_address: { type: 'string' },
    mode: { type: 'string', enum: ['managed', 'data'] },
    type: { type: 'string' },
    name: { type: 'string' },
    index: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    provider_name: { type: 'string', pattern: '^registry\\.terraform\\.io/[a-z0-9-]+/[a-z0-9-]+$' },
    deposed: { type: 'string' },
    change: CHANGE,
    action_reason: { type: 'string', enum: ['replace_because_tainted', 'replace_because_cannot_update', 'replace_by_request', 'replace_by_triggers', 'delete_because_no_resource_config'] },
  },
};

/** jsonplan.plan: the top level. */
const PLAN: Schema = {
  type: 'object',
  required: ['format_version', 'resource_changes', 'output_changes'],
  properties: {
    format_version: { type: 'string', pattern: '^1\\.[0-9]+$' },
    terraform_version: { type: 'string' },
    applyable: { type: 'boolean' },
    complete: { type: 'boolean' },
    errored: { type: 'boolean' },
    resource_changes: { type: 'array', items: RESOURCE_CHANGE },
    output_changes: { type: 'object', additionalProperties: CHANGE },
  },
};

interface TfChange {
  address: string;
  type: string;
  index?: string | number;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown: unknown; replace_paths?: unknown[][] };
}

function render(base: Record<string, StackFiles>, head: Record<string, StackFiles>): { plan: Plan; files: Record<string, string> } {
  const { plan, detail } = buildPlanWithDetail(synthOf(base), synthOf(head), { base: { kind: 'dir', path: 'base' }, head: { kind: 'working-tree' } });
  return { plan, files: renderTerraformJson(plan, detail).files };
}

function doc(files: Record<string, string>, stack: string): { resource_changes: TfChange[]; output_changes: Record<string, { actions: string[] }> } {
  const parsed = JSON.parse(files[planFileName(stack)]);
  expect(validateSchema(parsed, PLAN).map(formatSchemaError)).toEqual([]);
  return parsed;
}

describe('plan --format terraform-json', () => {
  const nodes = defaultNodes(3);
  const { 'gpu-003': _gone, ...fewer } = nodes;
  void _gone;

  it('writes one terraform plan document per stack, every instance included, and the review document beside them', () => {
    const { plan, files } = render(
      { 'yiwu-dc01': siteStack({ nodes }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }) },
      { 'yiwu-dc01': siteStack({ nodes: fewer, configMapName: 'renamed', image: 'nvcr.io/nvidia/k8s-device-plugin:v0.17.1' }), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }) },
    );
    expect(Object.keys(files).sort()).toEqual([REVIEW_FILE, 'yiwu-dc01.tfplan.json', 'yiwu-dc02.tfplan.json']);
    const dc01 = doc(files, 'yiwu-dc01');
    const byAction = (a: string) => dc01.resource_changes.filter((r) => r.change.actions.join(',') === a).map((r) => r.address);
    expect(byAction('delete')).toEqual([
      'kubernetes_labels.pool-h100-train_node-labels_A1B2C3D4["gpu-003"]',
      'kubernetes_node_taint.pool-h100-train_node-taints_9F8E7D6C["gpu-003"]',
    ]);
    expect(byAction('delete,create')).toEqual(['kubernetes_config_map_v1.device-plugin_configs_5E6F7A8B']);
    expect(byAction('update')).toEqual(['kubernetes_daemon_set_v1.device-plugin_daemonset_0F1E2D3C']);
    expect(byAction('no-op')).toHaveLength(5);
    // The counts agree with our plan.
    expect(plan.summary).toEqual({ add: 1, change: 1, destroy: 3, move: 0 });
    const unchanged = doc(files, 'yiwu-dc02');
    expect(unchanged.resource_changes.every((r) => r.change.actions[0] === 'no-op')).toBe(true);
    expect(unchanged.output_changes.capacity.actions).toEqual(['no-op']);
    const review = JSON.parse(files[REVIEW_FILE]);
    expect(review.risks).toEqual(plan.risks);
  });

  it('shapes values as the provider schema has them: nested blocks as lists, maps as objects, replace paths into them', () => {
    const { files } = render({ 'yiwu-dc01': siteStack({ nodes }) }, { 'yiwu-dc01': siteStack({ nodes, configMapName: 'renamed' }) });
    const dc01 = doc(files, 'yiwu-dc01');
    const cm = dc01.resource_changes.find((r) => r.type === 'kubernetes_config_map_v1' && r.change.actions.length === 2)!;
    expect(cm.change.replace_paths).toEqual([['metadata', 0, 'name']]);
    expect(cm.change.before!.metadata).toEqual([{ name: 'nvidia-device-plugin-configs', namespace: 'nvidia-device-plugin' }]);
    expect(cm.change.after_unknown).toEqual({ id: true });
    const labels = dc01.resource_changes.find((r) => r.index === 'gpu-001' && r.type === 'kubernetes_labels')!;
    expect(labels.change.after!.metadata).toEqual([{ name: 'gpu-001' }]);
    expect(labels.change.after!.labels).toEqual(expect.objectContaining({ 'gpu-fleet.io/pool': 'h100-train' }));
    const ds = dc01.resource_changes.find((r) => r.type === 'kubernetes_daemon_set_v1')!;
    expect((ds.change.after!.spec as { selector: unknown }[])[0].selector).toEqual([{ match_labels: { app: 'nvidia-device-plugin' } }]);
  });

  it('keeps kubernetes_manifest objects as written and replaces them on apiVersion', () => {
    const stack = (apiVersion: string): StackFiles => ({
      doc: { resource: { kubernetes_manifest: { flavor: { manifest: { apiVersion, kind: 'ResourceFlavor', metadata: { name: 'training' }, spec: { nodeLabels: { a: 'b' } } }, field_manager: { name: 'gpu-fleet' } } } } },
    });
    const { files } = render({ s: stack('kueue.x-k8s.io/v1beta2') }, { s: stack('kueue.x-k8s.io/v1beta1') });
    const [r] = doc(files, 's').resource_changes;
    expect(r.change.actions).toEqual(['delete', 'create']);
    expect(r.change.replace_paths).toEqual([['manifest', 'apiVersion']]);
    expect(r.change.after!.manifest).toEqual({ apiVersion: 'kueue.x-k8s.io/v1beta1', kind: 'ResourceFlavor', metadata: { name: 'training' }, spec: { nodeLabels: { a: 'b' } } });
    expect(r.change.after!.field_manager).toEqual([{ name: 'gpu-fleet' }]);
  });

  it('marks what terraform cannot know before apply as unknown, and writes no document for a removed stack', () => {
    const head: StackFiles = { doc: { resource: { kubernetes_secret_v1: { s: { metadata: [{ name: 'x', namespace: '${kubernetes_namespace_v1.n.metadata[0].name}' }] } } } } };
    const { files } = render({ gone: siteStack({ site: 'gone' }) }, { s: head });
    expect(files[planFileName('gone')]).toBeUndefined();
    const [r] = doc(files, 's').resource_changes;
    expect(r.change.after).toEqual({ metadata: [{ name: 'x', namespace: null }] });
    expect(r.change.after_unknown).toEqual({ metadata: [{ namespace: true }], id: true });
  });

  it('states a schema that rejects what terraform would not write', () => {
    const bad = { format_version: '1.2', resource_changes: [{ address: 'a.b', mode: 'managed', type: 'a', name: 'b', provider_name: 'registry.terraform.io/hashicorp/a', change: { actions: ['replace'], before: null, after: null, after_unknown: {}, before_sensitive: false, after_sensitive: false } }], output_changes: {} };
    expect(validateSchema(bad, PLAN).map(formatSchemaError)).toEqual([expect.stringMatching(/^\$\.resource_changes\[0\]\.change\.actions: matches none of anyOf/)]);
  });

  it('shapes a body with nested lists of blocks without wrapping list items again', () => {
    expect(shapeBody('kubernetes_daemon_set_v1', { spec: { template: { spec: { container: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] } } } })).toEqual({
      spec: [{ template: [{ spec: [{ container: [{ name: 'a', env: [{ name: 'X', value: '1' }] }] }] }] }],
    });
  });
});
