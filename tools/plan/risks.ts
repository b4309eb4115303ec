/**
 * The changes a reviewer must not miss: destroys, node taint changes, device-plugin and MIG
 * configuration changes, and provider / kubeconfig / backend changes.
 */
import { ResourceEntry } from './diff';
import { compareStrings, formatPath, getPath, isObject } from './json';
import { AttributeChange, Instance, Json, Risk, RiskKind } from './model';

export const RISK_KINDS: readonly RiskKind[] = ['destroy', 'taint', 'gpu-config', 'provider', 'backend'];

export const RISK_TITLES: Record<RiskKind, string> = {
  destroy: 'Destroys',
  taint: 'Node taint changes',
  'gpu-config': 'Device-plugin / MIG configuration changes',
  provider: 'Provider / kubeconfig changes',
  backend: 'Backend changes',
};

export const DEVICE_PLUGIN_CONFIG_LABEL = 'nvidia.com/device-plugin.config';
export const MIG_CONFIG_LABEL = 'nvidia.com/mig.config';

const EFFECT_CONSEQUENCE: Record<string, string> = {
  NoExecute: 'running pods that do not tolerate it are evicted',
  NoSchedule: 'new pods that do not tolerate it are not scheduled',
  PreferNoSchedule: 'the scheduler avoids the node for pods that do not tolerate it',
};

function str(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function objectName(i: Instance | undefined): string | undefined {
  if (!i) return undefined;
  const name = str(getPath(i.body, ['metadata', 'name']));
  const ns = str(getPath(i.body, ['metadata', 'namespace']));
  return name === undefined ? undefined : ns ? `${ns}/${name}` : name;
}

/** Taints of a kubernetes_node_taint body as `key=value:Effect` strings. */
export function taintsOf(i: Instance | undefined): string[] {
  if (!i) return [];
  const raw = i.body.taint;
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.map((t) => {
    if (!isObject(t)) return JSON.stringify(t);
    const key = str(t.key) ?? '?';
    const value = str(t.value);
    const effect = str(t.effect) ?? '?';
    return `${key}${value === undefined || value === '' ? '' : `=${value}`}:${effect}`;
  });
}

function effectOf(taint: string): string {
  return taint.slice(taint.lastIndexOf(':') + 1);
}

function taintRisk(stack: string, e: ResourceEntry): Risk {
  const before = taintsOf(e.before);
  const after = taintsOf(e.after);
  const added = after.filter((t) => !before.includes(t));
  const removed = before.filter((t) => !after.includes(t));
  const node = objectName(e.after) ?? objectName(e.before) ?? e.change.address;
  const parts: string[] = [];
  for (const t of added) parts.push(`adds ${t} (${EFFECT_CONSEQUENCE[effectOf(t)] ?? 'scheduling changes'})`);
  for (const t of removed) parts.push(`removes ${t} (pods that did not tolerate it can be scheduled there again)`);
  if (!parts.length) parts.push(`${e.change.action} of the taint resource (${e.change.changes.map((c) => c.path).join(', ') || 'no taint change'})`);
  return { kind: 'taint', stack, address: e.change.address, message: `node ${node}: ${parts.join('; ')}` };
}

const CONFIG_MAP_TYPES = /^kubernetes_config_map(_v1)?(_data)?$/;

/** 'mig', 'device-plugin' or undefined: what a config map configures, from its name, namespace and data. */
export function gpuConfigMapKind(i: Instance | undefined): 'mig' | 'device-plugin' | undefined {
  if (!i || !CONFIG_MAP_TYPES.test(i.type)) return undefined;
  const name = str(getPath(i.body, ['metadata', 'name'])) ?? '';
  const ns = str(getPath(i.body, ['metadata', 'namespace'])) ?? '';
  const data = getPath(i.body, ['data']);
  const values = isObject(data) ? Object.values(data).filter((v): v is string => typeof v === 'string') : [];
  if (/mig/i.test(name) || values.some((v) => /^\s*mig-configs\s*:/m.test(v))) return 'mig';
  if (/device-plugin|time-slicing|gpu-operator/i.test(`${name} ${ns}`)) return 'device-plugin';
  if (values.some((v) => /^\s*version\s*:\s*v1\b/m.test(v) && /^\s*(sharing|flags)\s*:/m.test(v))) return 'device-plugin';
  return undefined;
}

function isDataChange(c: AttributeChange): boolean {
  return c.segments[0] === 'data' || c.segments[0] === 'binary_data';
}

function gpuConfigRisks(stack: string, e: ResourceEntry): Risk[] {
  const risks: Risk[] = [];
  const { change } = e;
  const kind = gpuConfigMapKind(e.after) ?? gpuConfigMapKind(e.before);
  const dataChanges = change.changes.filter(isDataChange);
  if (kind && (dataChanges.length || change.action === 'create' || change.action === 'destroy' || change.action === 'replace')) {
    const cm = objectName(e.after) ?? objectName(e.before) ?? change.address;
    const keys = [...new Set(dataChanges.map((c) => formatPath(c.segments.slice(0, 2))))];
    const what = change.action === 'update' ? `${keys.join(', ')} ${keys.length === 1 ? 'changes' : 'change'}` : `${change.action === 'create' ? 'created' : change.action === 'destroy' ? 'destroyed' : 'replaced'}`;
    const consequence =
      kind === 'mig'
        ? 'mig-manager repartitions the GPUs of the nodes using it (GPU pods there are evicted)'
        : 'the device plugin reloads it and restarts, re-advertising GPUs on the nodes using it';
    risks.push({ kind: 'gpu-config', stack, address: change.address, message: `${kind === 'mig' ? 'MIG' : 'device-plugin'} config map ${cm}: ${what}; ${consequence}` });
  }
  const labelChanges = change.changes.filter((c) => c.segments.some((s) => s === DEVICE_PLUGIN_CONFIG_LABEL || s === MIG_CONFIG_LABEL));
  if (labelChanges.length && change.action !== 'destroy') {
    const node = objectName(e.after) ?? objectName(e.before) ?? change.address;
    const parts = labelChanges.map((c) => {
      const label = c.segments.find((s) => s === DEVICE_PLUGIN_CONFIG_LABEL || s === MIG_CONFIG_LABEL) as string;
      const before = c.before === undefined ? '(unset)' : JSON.stringify(c.before);
      const after = c.after === undefined ? '(unset)' : JSON.stringify(c.after);
      const consequence = label === MIG_CONFIG_LABEL ? 'mig-manager repartitions its GPUs, evicting GPU pods' : 'the device plugin switches its sharing config and restarts';
      return `${label} ${before} -> ${after} (${consequence})`;
    });
    risks.push({ kind: 'gpu-config', stack, address: change.address, message: `node ${node}: ${parts.join('; ')}` });
  }
  return risks;
}

const KUBECONFIG_ATTRS = new Set(['config_path', 'config_paths', 'config_context', 'config_context_cluster', 'config_context_auth_info', 'host', 'cluster_ca_certificate', 'token', 'client_certificate', 'client_key', 'exec', 'insecure', 'proxy_url', 'tls_server_name']);

function describeValue(v: Json | undefined): string {
  return v === undefined ? '(unset)' : JSON.stringify(v);
}

function blockRisks(stack: string, providerChanges: AttributeChange[], terraformChanges: AttributeChange[]): Risk[] {
  const risks: Risk[] = [];
  for (const c of providerChanges) {
    const kubeconfig = c.segments.some((s) => typeof s === 'string' && KUBECONFIG_ATTRS.has(s));
    const consequence = kubeconfig ? 'kubeconfig / cluster connection: the stack would be applied to the cluster this now selects' : 'provider configuration';
    risks.push({ kind: 'provider', stack, message: `${c.path}: ${describeValue(c.before)} -> ${describeValue(c.after)} (${consequence})` });
  }
  for (const c of terraformChanges) {
    if (c.segments[1] === 'required_providers') {
      risks.push({ kind: 'provider', stack, message: `${c.path}: ${describeValue(c.before)} -> ${describeValue(c.after)} (provider source or version)` });
    } else if (c.segments[1] === 'backend' || c.segments[1] === 'cloud') {
      risks.push({ kind: 'backend', stack, message: `${c.path}: ${describeValue(c.before)} -> ${describeValue(c.after)} (state location changes: terraform init -migrate-state is needed)` });
    }
  }
  return risks;
}

export function compareRisks(a: Risk, b: Risk): number {
  return (
    RISK_KINDS.indexOf(a.kind) - RISK_KINDS.indexOf(b.kind) ||
    compareStrings(a.stack, b.stack) ||
    compareStrings(a.address ?? '', b.address ?? '') ||
    compareStrings(a.message, b.message)
  );
}

/** The risks of one stack's changes, sorted by kind, then address. */
export function stackRisks(
  stack: string,
  status: 'added' | 'removed' | 'changed' | 'unchanged',
  entries: readonly ResourceEntry[],
  providerChanges: AttributeChange[],
  terraformChanges: AttributeChange[],
): Risk[] {
  const risks: Risk[] = [];
  if (status === 'removed' && entries.length) {
    risks.push({ kind: 'destroy', stack, message: `stack ${stack} is no longer synthesized: its ${entries.length} resource instance(s) stay in the cluster unmanaged unless destroyed first (cdktf destroy ${stack} before this change lands)` });
  }
  for (const e of entries) {
    const { change } = e;
    if (change.action === 'destroy') {
      risks.push({ kind: 'destroy', stack, address: change.address, message: 'will be destroyed' });
    } else if (change.action === 'replace') {
      const why = [...new Set(change.changes.filter((c) => c.forcesReplacement).map((c) => c.path))].join(', ');
      risks.push({ kind: 'destroy', stack, address: change.address, message: `will be destroyed and re-created (${why} forces replacement)` });
    }
    const type = e.after?.type ?? e.before?.type;
    if (type === 'kubernetes_node_taint' && change.action !== 'move') risks.push(taintRisk(stack, e));
    risks.push(...gpuConfigRisks(stack, e));
  }
  risks.push(...blockRisks(stack, providerChanges, terraformChanges));
  return risks.sort(compareRisks);
}
