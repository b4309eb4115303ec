/**
 * The mig-parted config file (`version: v1`, `mig-configs`) that the GPU Operator's MIG
 * manager applies, built from the fleet's MIG layouts and checked the way mig-parted parses
 * it (NVIDIA/mig-parted api/spec/v1/spec.go: unknown fields are errors, `devices` and
 * `mig-enabled` are required, `mig-devices` is required when MIG is enabled and must be empty
 * when it is not). Pure functions: no cdktf types.
 */
import { stringify } from 'yaml';
import { GpuModelSpec } from '../../constructs/catalog/gpu-models';
import { MigLayout } from '../../constructs/mig-layout';
import { problem, show } from '../../constructs/violations';

/** One entry of a named mig-parted config: which GPUs, and how each is partitioned. */
export interface MigPartedDeviceSpec {
  /**
   * PCI device ids (`0x233010DE`) of the GPU models this entry applies to; only when one config
   * name partitions several models differently (mig-parted's config-default.yaml does the same).
   */
  readonly 'device-filter'?: readonly string[];
  /** `all`, or a list of GPU indices. */
  readonly devices: 'all' | readonly number[];
  readonly 'mig-enabled': boolean;
  /** Profile -> instances per GPU; present only when MIG is enabled. */
  readonly 'mig-devices'?: Readonly<Record<string, number>>;
}

export interface MigPartedConfig {
  readonly version: 'v1';
  /** Config name (the `nvidia.com/mig.config` label value) -> entries. */
  readonly 'mig-configs': Readonly<Record<string, readonly MigPartedDeviceSpec[]>>;
}

/** A layout as it will be applied to one GPU model. */
export interface MigLayoutOnModel {
  readonly layout: MigLayout;
  readonly model: GpuModelSpec;
  /** Construct path of the pool that uses it, for messages. @default none */
  readonly pool?: string;
}

/** The config that turns MIG off on every GPU; always present, as in mig-parted's defaults. */
export const MIG_DISABLED_CONFIG = 'all-disabled';

interface ResolvedLayout {
  readonly name: string;
  readonly model: GpuModelSpec;
  readonly pool?: string;
  readonly devices: Record<string, number>;
}

function resolve(entries: readonly MigLayoutOnModel[]): ResolvedLayout[] {
  return entries.map(({ layout, model, pool }) => ({ name: layout.name, model, pool, devices: layout.devicesFor(model) }));
}

function sameDevices(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** `H100-80GB (pool lab-01/notebooks)`, or the model alone when the pool is not known. */
function where(e: ResolvedLayout): string {
  return e.pool ? `${e.model.name} (pool ${e.pool})` : e.model.name;
}

/**
 * Layout names that cannot become one mig-parted config: a name that means two partitions on
 * the same GPU model (a node's GPUs cannot be told apart), or two partitions on models of which
 * one has no PCI device id to filter on. One name for different partitions on different models
 * is fine: the config gets one entry per partition with a `device-filter` of the models' PCI
 * ids (see `migPartedConfig`). Also refuses the reserved `all-disabled`.
 */
export function migPartedConflictProblems(entries: readonly MigLayoutOnModel[]): string[] {
  const out: string[] = [];
  const first = new Map<string, ResolvedLayout[]>();
  for (const entry of resolve(entries)) {
    if (entry.name === MIG_DISABLED_CONFIG) {
      out.push(problem(`MIG layout name ${entry.name} is reserved for turning MIG off`, entry.name, `any other name`));
      continue;
    }
    const seen = first.get(entry.name);
    if (!seen) {
      first.set(entry.name, [entry]);
      continue;
    }
    const differs = seen.find((s) => !sameDevices(s.devices, entry.devices));
    const sameModel = differs && seen.find((s) => s.model.name === entry.model.name && !sameDevices(s.devices, entry.devices));
    if (sameModel) {
      out.push(
        problem(
          `MIG layout ${entry.name} means ${show(sameModel.devices)} on ${where(sameModel)} but a different partition on ${where(entry)}`,
          entry.devices,
          'the same devices for one GPU model, or one layout name per partition',
        ),
      );
    } else if (differs && (!entry.model.pciDeviceIds?.length || !differs.model.pciDeviceIds?.length)) {
      const unknown = entry.model.pciDeviceIds?.length ? differs : entry;
      out.push(
        problem(
          `MIG layout ${entry.name} means different partitions on ${where(differs)} and ${where(entry)}, but ${unknown.model.name} has no PCI device id for a device-filter`,
          entry.devices,
          'one layout name per partition',
        ),
      );
    }
    seen.push(entry);
  }
  return out;
}

/**
 * The mig-parted config for `entries`: `all-disabled` plus one config per layout name, configs
 * sorted by name. A name that partitions every model alike is one entry for every GPU of the
 * node (`devices: all`); one that partitions models differently gets one entry per partition,
 * each with a `device-filter` of the PCI device ids of its models, as mig-parted's own
 * config-default.yaml does for `all-1g.10gb` and `all-balanced`.
 * @throws Error naming the layout, models and pools when a name cannot become one config
 */
export function migPartedConfig(entries: readonly MigLayoutOnModel[]): MigPartedConfig {
  const conflicts = migPartedConflictProblems(entries);
  if (conflicts.length > 0) throw new Error(`mig-parted config has conflicting layouts:\n${conflicts.join('\n')}`);
  const byName = new Map<string, ResolvedLayout[]>();
  for (const e of resolve(entries)) {
    const list = byName.get(e.name);
    if (list) list.push(e);
    else byName.set(e.name, [e]);
  }
  const configs = new Map<string, MigPartedDeviceSpec[]>([[MIG_DISABLED_CONFIG, [{ devices: 'all', 'mig-enabled': false }]]]);
  for (const [name, list] of byName) {
    const partitions: Array<{ devices: Record<string, number>; ids: Set<string> }> = [];
    for (const e of list) {
      const same = partitions.find((p) => sameDevices(p.devices, e.devices));
      if (same) for (const id of e.model.pciDeviceIds ?? []) same.ids.add(id);
      else partitions.push({ devices: e.devices, ids: new Set(e.model.pciDeviceIds ?? []) });
    }
    configs.set(
      name,
      partitions.length === 1
        ? [{ devices: 'all', 'mig-enabled': true, 'mig-devices': partitions[0].devices }]
        : partitions.map((p) => ({ 'device-filter': [...p.ids].sort(), devices: 'all' as const, 'mig-enabled': true, 'mig-devices': p.devices })),
    );
  }
  const sorted = [...configs.keys()].sort();
  const migConfigs: Record<string, readonly MigPartedDeviceSpec[]> = {};
  for (const name of sorted) migConfigs[name] = configs.get(name) ?? [];
  return { version: 'v1', 'mig-configs': migConfigs };
}

/** The config as the YAML mig-parted reads, keys in the order they were built. */
export function migPartedConfigYaml(config: MigPartedConfig): string {
  return stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 });
}

// ---------------------------------------------------------------------------------------------
// Validation, as mig-parted parses the file.
// ---------------------------------------------------------------------------------------------

const ROOT_KEYS: readonly string[] = ['version', 'mig-configs'];
const ENTRY_KEYS: readonly string[] = ['device-filter', 'devices', 'mig-enabled', 'mig-devices'];
/** mig-parted MigProfile forms: `1g.10gb`, `1c.2g.20gb`, with optional `+me`-style attributes. */
const MIG_PROFILE = /^([1-9][0-9]*c\.)?[1-9][0-9]*g\.[1-9][0-9]*gb(\+[a-z]+(\.[a-z]+)*)*$/;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(obj: Json, path: string, known: readonly string[]): string[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => problem(`${path}${k} is not a field mig-parted accepts`, k, `one of ${known.join(', ')}`));
}

function devicesProblems(devices: unknown, path: string): string[] {
  const ok = devices === 'all' || (Array.isArray(devices) && devices.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0));
  return ok ? [] : [problem(`${path}.devices is not a device selection mig-parted accepts`, devices, '"all" or a list of GPU indices')];
}

function migDevicesProblems(entry: Json, path: string): string[] {
  const enabled = entry['mig-enabled'];
  const migDevices = entry['mig-devices'];
  if (enabled !== true) {
    const empty = migDevices === undefined || (isRecord(migDevices) && Object.keys(migDevices).length === 0);
    return empty ? [] : [problem(`${path}.mig-devices is set while mig-enabled is false`, migDevices, 'no mig-devices')];
  }
  if (!isRecord(migDevices) || Object.keys(migDevices).length === 0) {
    return [problem(`${path}.mig-devices is required when mig-enabled is true`, migDevices, 'a mapping of profile to count')];
  }
  const out: string[] = [];
  for (const [profile, count] of Object.entries(migDevices)) {
    if (!MIG_PROFILE.test(profile)) out.push(problem(`${path}.mig-devices has a malformed MIG profile`, profile, 'a profile such as 1g.10gb'));
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
      out.push(problem(`${path}.mig-devices.${profile} must be a whole number >= 1`, count, 'an integer >= 1'));
    }
  }
  return out;
}

/** mig-parted's device-filter: one PCI id `0x<device><vendor>`, or a list of them (api/spec/v1/spec.go). */
const PCI_ID = /^0x[0-9A-Fa-f]{8}$/;

function deviceFilterProblems(filter: unknown, path: string): string[] {
  const ids = Array.isArray(filter) ? filter : [filter];
  const ok = ids.length > 0 && ids.every((id) => typeof id === 'string' && PCI_ID.test(id));
  return ok ? [] : [problem(`${path}.device-filter is not a PCI device id filter mig-parted accepts`, filter, 'a PCI device id such as "0x233010DE", or a list of them')];
}

function entryProblems(entry: unknown, path: string): string[] {
  if (!isRecord(entry)) return [problem(`${path} must be a mapping`, entry, 'a mapping with devices and mig-enabled')];
  const out = [...unknownKeys(entry, `${path}.`, ENTRY_KEYS)];
  if ('device-filter' in entry) out.push(...deviceFilterProblems(entry['device-filter'], path));
  if (!('devices' in entry)) out.push(problem(`${path}.devices is missing`, undefined, '"all" or a list of GPU indices'));
  else out.push(...devicesProblems(entry.devices, path));
  if (typeof entry['mig-enabled'] !== 'boolean') out.push(problem(`${path}.mig-enabled must be a boolean`, entry['mig-enabled'], 'true or false'));
  out.push(...migDevicesProblems(entry, path));
  return out;
}

/** Every reason mig-parted would refuse `config` (a parsed YAML document or a MigPartedConfig). */
export function migPartedConfigProblems(config: unknown): string[] {
  if (!isRecord(config)) return [problem('mig-parted config must be a mapping', config, 'a mapping with version v1 and mig-configs')];
  const out = [...unknownKeys(config, '', ROOT_KEYS)];
  if (config.version !== 'v1') out.push(problem('mig-parted config version is not supported', config.version, '"v1"'));
  const configs = config['mig-configs'];
  if (!isRecord(configs) || Object.keys(configs).length === 0) {
    out.push(problem('mig-configs must name at least one config', configs, 'a mapping of config name to entries'));
    return out;
  }
  for (const [name, entries] of Object.entries(configs)) {
    if (!Array.isArray(entries) || entries.length === 0) {
      out.push(problem(`mig-configs.${name} must have at least one entry`, entries, 'a non-empty list'));
      continue;
    }
    entries.forEach((e, i) => out.push(...entryProblems(e, `mig-configs.${name}[${i}]`)));
  }
  return out;
}
