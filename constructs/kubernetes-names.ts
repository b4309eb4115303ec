/**
 * Kubernetes naming rules the fleet must follow (k8s.io/apimachinery validation):
 * DNS-1123 labels, qualified names for label keys, label values. Pure functions returning
 * problem messages, so constructs and stacks can share them.
 */
import { problem } from './violations';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A DNS-1123 label: lower-case alphanumerics and '-', at most 63 characters. */
export function dns1123LabelProblems(what: string, value: string): string[] {
  if (typeof value !== 'string' || value.length === 0 || value.length > 63 || !DNS1123_LABEL.test(value)) {
    return [problem(`${what} is not a valid DNS-1123 label`, value, "at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit")];
  }
  return [];
}

/**
 * A DNS-1123 subdomain, the form of object names such as a Node's: lower-case alphanumerics,
 * '-' and '.', at most 253 characters, each dot-separated part starting and ending with a letter
 * or digit (k8s.io/apimachinery pkg/util/validation IsDNS1123Subdomain).
 */
export function dns1123SubdomainProblems(what: string, value: string): string[] {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    return [problem(`${what} is not a valid DNS-1123 subdomain`, value, "at most 253 characters of a-z, 0-9, '-' and '.', each part starting and ending with a letter or digit")];
  }
  return [];
}

/** A label or taint key: optional DNS-1123 subdomain prefix (<= 253) and '/', then a name of <= 63. */
export function labelKeyProblems(what: string, key: string): string[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk = prefix === undefined || (prefix.length > 0 && prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix));
  const nameOk = name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
  if (!prefixOk || !nameOk) {
    return [problem(`${what} is not a valid label key`, key, 'an optional DNS subdomain prefix and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_", "."')];
  }
  return [];
}

/** A label value: empty, or at most 63 characters of alphanumerics, '-', '_', '.', alphanumeric at both ends. */
export function labelValueProblems(what: string, value: string): string[] {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    return [problem(`${what} is not a valid label value`, value, 'at most 63 characters of A-Z, a-z, 0-9, "-", "_", ".", starting and ending with a letter or digit')];
  }
  return [];
}

/** Every problem of a label map. */
export function labelMapProblems(what: string, labels: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(labels)) {
    out.push(...labelKeyProblems(`${what} key`, k), ...labelValueProblems(`${what} ${k}`, v));
  }
  return out;
}

/**
 * Label key prefixes the fleet manages itself (site, pool, rack, topology, device-plugin and
 * MIG labels; `kubernetes.io/` is the kubelet's). A pool's extra labels may not use them.
 * Only the exact prefix counts: `workload.gpu-fleet.io/class` is the pool's own.
 */
export const FLEET_MANAGED_LABEL_PREFIXES: readonly string[] = ['gpu-fleet.io/', 'topology.kubernetes.io/', 'nvidia.com/', 'kubernetes.io/'];

/**
 * Label keys without a prefix that the fleet sets itself on Ascend pools, for Huawei's
 * MindCluster (device plugin, Volcano), which selects NPU nodes by them
 * (Ascend/mind-cluster component/ascend-device-plugin: `accelerator=huawei-Ascend910`,
 * `accelerator-type=module-910b-8`). A pool's own value would be overwritten there, and on an
 * NVIDIA pool it would make MindCluster take the node for an NPU node.
 */
export const FLEET_MANAGED_LABEL_KEYS: readonly string[] = ['accelerator', 'accelerator-type'];

/** A label key the fleet sets itself, which a pool's own labels must not use. */
export function managedLabelKeyProblems(what: string, key: string): string[] {
  if (FLEET_MANAGED_LABEL_KEYS.includes(key)) {
    return [problem(`${what} is one the fleet sets on Ascend pools for Huawei's MindCluster`, key, `a key other than ${FLEET_MANAGED_LABEL_KEYS.join(', ')}`)];
  }
  const prefix = FLEET_MANAGED_LABEL_PREFIXES.find((p) => key.startsWith(p));
  if (prefix === undefined) return [];
  return [problem(`${what} uses the prefix ${prefix}, which the fleet manages itself`, key, `a key outside ${FLEET_MANAGED_LABEL_PREFIXES.join(', ')}`)];
}
