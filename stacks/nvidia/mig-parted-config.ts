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
}

/** The config that turns MIG off on every GPU; always present, as in mig-parted's defaults. */
export const MIG_DISABLED_CONFIG = 'all-disabled';

interface ResolvedLayout {
  readonly name: string;
  readonly model: string;
  readonly devices: Record<string, number>;
}

function resolve(entries: readonly MigLayoutOnModel[]): ResolvedLayout[] {
  return entries.map(({ layout, model }) => ({ name: layout.name, model: model.name, devices: layout.devicesFor(model) }));
}

function sameDevices(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Layout names that would mean different partitions: one mig-parted config name can hold one
 * partition for `devices: all`, so a uniform layout that fills an H100 with seven 1g.10gb and
 * an A100-40GB with four cannot share the name. Also refuses the reserved `all-disabled`.
 */
export function migPartedConflictProblems(entries: readonly MigLayoutOnModel[]): string[] {
  const out: string[] = [];
  const first = new Map<string, ResolvedLayout>();
  for (const entry of resolve(entries)) {
    if (entry.name === MIG_DISABLED_CONFIG) {
      out.push(problem(`MIG layout name ${entry.name} is reserved for turning MIG off`, entry.name, `any other name`));
      continue;
    }
    const seen = first.get(entry.name);
    if (!seen) {
      first.set(entry.name, entry);
    } else if (!sameDevices(seen.devices, entry.devices)) {
      out.push(
        problem(
          `MIG layout ${entry.name} means ${show(seen.devices)} on ${seen.model} but a different partition on ${entry.model}`,
          entry.devices,
          `the same devices on every model, or one layout name per partition`,
        ),
      );
    }
  }
  return out;
}

/**
 * The mig-parted config for `entries`: `all-disabled` plus one config per layout name, every
 * GPU of the node (`devices: all`) partitioned as the layout says; configs sorted by name.
 * @throws Error naming the layout and both models when one name means two partitions
 */
export function migPartedConfig(entries: readonly MigLayoutOnModel[]): MigPartedConfig {
  const conflicts = migPartedConflictProblems(entries);
  if (conflicts.length > 0) throw new Error(`mig-parted config has conflicting layouts:\n${conflicts.join('\n')}`);
  const configs = new Map<string, MigPartedDeviceSpec[]>([[MIG_DISABLED_CONFIG, [{ devices: 'all', 'mig-enabled': false }]]]);
  for (const { name, devices } of resolve(entries)) {
    if (!configs.has(name)) configs.set(name, [{ devices: 'all', 'mig-enabled': true, 'mig-devices': devices }]);
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

function entryProblems(entry: unknown, path: string): string[] {
  if (!isRecord(entry)) return [problem(`${path} must be a mapping`, entry, 'a mapping with devices and mig-enabled')];
  const out = [...unknownKeys(entry, `${path}.`, ENTRY_KEYS)];
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
