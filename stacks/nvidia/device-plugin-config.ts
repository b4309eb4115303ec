/**
 * The NVIDIA device plugin's config file (`version: v1`), built from a pool's GpuSharing and
 * checked the way the plugin reads it. Pure functions: no cdktf types.
 *
 * Rules mirror NVIDIA/k8s-device-plugin api/config/v1 (config.go, flags.go, consts.go,
 * strategy.go, sharing.go, replicas.go, resources.go, imex.go) and the plugin's
 * DisableResourceNamingInConfig, which drops top-level `resources` and per-resource `rename`
 * and `devices` with only a log line. See ../../../shared/reference/domain.md section 4.
 */
import { stringify } from 'yaml';
import { GpuSharing, MigStrategy } from '../../constructs/gpu-sharing';
import { problem } from '../../constructs/violations';

/** How the plugin tells the container runtime which devices a container gets (`flags.plugin.deviceListStrategy`). */
export type DeviceListStrategy = 'envvar' | 'volume-mounts' | 'cdi-annotations' | 'cdi-cri';
/** How devices are named in that list (`flags.plugin.deviceIDStrategy`). */
export type DeviceIdStrategy = 'uuid' | 'index';

export interface DevicePluginFlags {
  readonly migStrategy: MigStrategy;
  readonly failOnInitError: boolean;
  readonly plugin: {
    readonly passDeviceSpecs: boolean;
    readonly deviceListStrategy: DeviceListStrategy | readonly DeviceListStrategy[];
    readonly deviceIDStrategy: DeviceIdStrategy;
  };
}

/** One advertised resource and how many times each device is replicated. */
export interface ReplicatedResource {
  /** Full resource name, e.g. `nvidia.com/gpu`. */
  readonly name: string;
  /** Replicas per device, an integer >= 2. */
  readonly replicas: number;
}

/** The body of `sharing.timeSlicing` or `sharing.mps`. */
export interface ReplicatedResources {
  readonly renameByDefault: boolean;
  readonly failRequestsGreaterThanOne: boolean;
  readonly resources: readonly ReplicatedResource[];
}

/** `sharing`: exactly one of the two kinds. */
export type DevicePluginSharing = { readonly timeSlicing: ReplicatedResources } | { readonly mps: ReplicatedResources };

export interface DevicePluginConfig {
  readonly version: 'v1';
  readonly flags: DevicePluginFlags;
  readonly sharing?: DevicePluginSharing;
}

/** The resource every GPU (or, with migStrategy single, every MIG device) is advertised as. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * The plugin config for a pool shared as `sharing` says.
 *
 * - exclusive: migStrategy none, no sharing block.
 * - time-slicing / MPS: migStrategy none and `sharing.timeSlicing` / `sharing.mps` replicating
 *   `nvidia.com/gpu`. `failRequestsGreaterThanOne` defaults to false for time-slicing and to
 *   true for MPS, because the plugin forces (older releases) or defaults (newer) it to true
 *   for MPS whatever the file says.
 * - MIG: migStrategy single (uniform layout) or mixed, no sharing block.
 *
 * `deviceListStrategy` is how the plugin hands devices to the runtime (`envvar` unless the
 * site says otherwise; the GPU Operator's own plugin uses `[cdi-annotations, cdi-cri]`).
 */
export function devicePluginConfig(sharing: GpuSharing, deviceListStrategy: DeviceListStrategy | readonly DeviceListStrategy[] = 'envvar'): DevicePluginConfig {
  const flags: DevicePluginFlags = {
    migStrategy: sharing.migStrategy,
    failOnInitError: true,
    plugin: { passDeviceSpecs: false, deviceListStrategy, deviceIDStrategy: 'uuid' },
  };
  switch (sharing.mode) {
    case 'time-slicing':
      return { version: 'v1', flags, sharing: { timeSlicing: replicated(sharing, false) } };
    case 'mps':
      return { version: 'v1', flags, sharing: { mps: replicated(sharing, true) } };
    case 'exclusive':
    case 'mig':
      return { version: 'v1', flags };
  }
}

function replicated(sharing: GpuSharing, failRequestsByDefault: boolean): ReplicatedResources {
  return {
    renameByDefault: sharing.renamesShared,
    failRequestsGreaterThanOne: sharing.options.failRequestsGreaterThanOne ?? failRequestsByDefault,
    resources: [{ name: GPU_RESOURCE, replicas: sharing.replicas }],
  };
}

/** True when the config shares GPUs through CUDA MPS (the node then needs the MPS control daemon). */
export function usesMps(config: DevicePluginConfig): boolean {
  return config.sharing !== undefined && 'mps' in config.sharing;
}

/** True when the config exposes MIG devices (migStrategy single or mixed). */
export function usesMig(config: DevicePluginConfig): boolean {
  return config.flags.migStrategy !== 'none';
}

/** The config as the YAML file the plugin reads, keys in the order they were built. */
export function devicePluginConfigYaml(config: DevicePluginConfig): string {
  // A fleet has a handful of distinct configs but renders them for every site: YAML
  // rendering was a tenth of building the stacks. The JSON of a config determines its YAML.
  const key = JSON.stringify(config);
  let yaml = renderedConfigs.get(key);
  if (yaml === undefined) {
    yaml = stringify(config, { aliasDuplicateObjects: false, lineWidth: 0 });
    renderedConfigs.set(key, yaml);
  }
  return yaml;
}

const renderedConfigs = new Map<string, string>();

// ---------------------------------------------------------------------------------------------
// Validation: every reason the plugin would refuse the file, or silently not do what it says.
// ---------------------------------------------------------------------------------------------

const MIG_STRATEGIES: readonly string[] = ['none', 'single', 'mixed'];
const DEVICE_LIST_STRATEGIES: readonly string[] = ['envvar', 'volume-mounts', 'cdi-annotations', 'cdi-cri'];
const DEVICE_ID_STRATEGIES: readonly string[] = ['uuid', 'index'];
/** api/config/v1/consts.go MaxResourceNameLength. */
const MAX_RESOURCE_NAME_LENGTH = 63;
const RESOURCE_PREFIX = 'nvidia.com/';
/** k8s NameIsDNSSubdomain, applied to the part after the prefix (resources.go NewResourceName). */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** replicas.go IsGPUIndex / IsMigIndex / IsGpuUUID / IsMigUUID. */
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const DEVICE_REF = new RegExp(`^(\\d+|\\d+:\\d+|GPU-${UUID}|MIG-${UUID}|MIG-GPU-${UUID}/\\d+/\\d+)$`);

/** Keys the plugin's config structs know (json tags in api/config/v1), by object path. */
const KNOWN_KEYS = {
  root: ['version', 'flags', 'resources', 'sharing', 'imex'],
  flags: [
    'migStrategy',
    'failOnInitError',
    'mpsRoot',
    'nvidiaDriverRoot',
    'nvidiaDevRoot',
    'gdrcopyEnabled',
    'gdsEnabled',
    'mofedEnabled',
    'useNodeFeatureAPI',
    'deviceDiscoveryStrategy',
    'plugin',
    'gfd',
  ],
  plugin: [
    'passDeviceSpecs',
    'deviceListStrategy',
    'deviceIDStrategy',
    'cdiAnnotationPrefix',
    'nvidiaCTKPath',
    'containerDriverRoot',
    'kubeletSocket',
    'cdiFeatureFlags',
  ],
  gfd: ['oneshot', 'noTimestamp', 'sleepInterval', 'outputFile', 'machineTypeFile'],
  sharing: ['timeSlicing', 'mps'],
  replicated: ['renameByDefault', 'failRequestsGreaterThanOne', 'resources'],
  resource: ['name', 'rename', 'devices', 'replicas'],
  imex: ['channelIDs', 'required'],
} as const;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Unknown keys: the plugin's YAML decoder drops them without a word. */
function unknownKeyProblems(obj: Json, path: string, known: readonly string[]): string[] {
  return Object.keys(obj)
    .filter((k) => !known.includes(k))
    .map((k) => problem(`${path}${k} is not a key the device plugin knows (it would be ignored silently)`, k, `one of ${known.join(', ')}`));
}

function booleanProblems(obj: Json, key: string, path: string): string[] {
  if (!(key in obj) || typeof obj[key] === 'boolean') return [];
  return [problem(`${path}${key} must be a boolean`, obj[key], 'true or false')];
}

function oneOfProblems(obj: Json, key: string, path: string, allowed: readonly string[]): string[] {
  if (!(key in obj)) return [];
  const value = obj[key];
  if (typeof value === 'string' && allowed.includes(value)) return [];
  return [problem(`${path}${key} is not a value the device plugin accepts`, value, `one of ${allowed.join(', ')}`)];
}

/** deviceListStrategy: one strategy or a non-empty list of them (flags.go, strategy.go). */
function deviceListStrategyProblems(plugin: Json): string[] {
  const key = 'deviceListStrategy';
  if (!(key in plugin)) return [];
  const value = plugin[key];
  const list = Array.isArray(value) ? value : [value];
  const ok = list.length > 0 && list.every((s) => typeof s === 'string' && DEVICE_LIST_STRATEGIES.includes(s));
  if (ok) return [];
  return [problem(`flags.plugin.${key} is not a value the device plugin accepts`, value, `one or a list of ${DEVICE_LIST_STRATEGIES.join(', ')}`)];
}

function flagsProblems(flags: unknown): string[] {
  if (!isRecord(flags)) return [problem('flags must be a mapping', flags, 'a mapping of plugin flags')];
  const out = [
    ...unknownKeyProblems(flags, 'flags.', KNOWN_KEYS.flags),
    ...oneOfProblems(flags, 'migStrategy', 'flags.', MIG_STRATEGIES),
    ...booleanProblems(flags, 'failOnInitError', 'flags.'),
  ];
  if ('plugin' in flags) {
    const plugin = flags.plugin;
    if (!isRecord(plugin)) {
      out.push(problem('flags.plugin must be a mapping', plugin, 'a mapping of plugin flags'));
    } else {
      out.push(
        ...unknownKeyProblems(plugin, 'flags.plugin.', KNOWN_KEYS.plugin),
        ...booleanProblems(plugin, 'passDeviceSpecs', 'flags.plugin.'),
        ...deviceListStrategyProblems(plugin),
        ...oneOfProblems(plugin, 'deviceIDStrategy', 'flags.plugin.', DEVICE_ID_STRATEGIES),
      );
    }
  }
  if ('gfd' in flags) {
    const gfd = flags.gfd;
    if (!isRecord(gfd)) out.push(problem('flags.gfd must be a mapping', gfd, 'a mapping of GFD flags'));
    else out.push(...unknownKeyProblems(gfd, 'flags.gfd.', KNOWN_KEYS.gfd));
  }
  return out;
}

/** resources.go NewResourceName: `nvidia.com/<DNS subdomain>`, at most 63 characters in all. */
function resourceNameProblems(name: unknown, path: string): string[] {
  if (typeof name !== 'string') return [problem(`${path} must be a resource name`, name, `a string starting with ${RESOURCE_PREFIX}`)];
  const out: string[] = [];
  if (!name.startsWith(RESOURCE_PREFIX)) {
    out.push(problem(`${path} must be prefixed ${RESOURCE_PREFIX}`, name, `${RESOURCE_PREFIX}<name>, e.g. ${GPU_RESOURCE}`));
  } else if (!DNS1123_SUBDOMAIN.test(name.slice(RESOURCE_PREFIX.length))) {
    out.push(problem(`${path} must be ${RESOURCE_PREFIX} and a DNS subdomain`, name, 'lower-case letters, digits, "-" and "." after the prefix'));
  }
  if (name.length > MAX_RESOURCE_NAME_LENGTH) {
    out.push(problem(`${path} is too long`, name.length, `at most ${MAX_RESOURCE_NAME_LENGTH} characters`));
  }
  return out;
}

/** replicas.go ReplicatedDevices: `all`, a count > 0, or a list of GPU/MIG indices or UUIDs. */
function devicesProblems(devices: unknown, path: string): string[] {
  if (devices === 'all') return [];
  const formatOk =
    (typeof devices === 'number' && Number.isInteger(devices) && devices > 0) ||
    (Array.isArray(devices) && devices.every((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0) || (typeof d === 'string' && DEVICE_REF.test(d))));
  if (!formatOk) {
    return [problem(`${path} is not a device selection the device plugin accepts`, devices, '"all", a positive integer or a list of GPU/MIG indices or UUIDs')];
  }
  // Parsed, then reset to `all` by DisableResourceNamingInConfig with only a log line.
  return [problem(`${path} is ignored by the device plugin (it replicates every device)`, devices, '"all" or no devices key')];
}

function resourceProblems(resource: unknown, path: string, renameByDefault: boolean): string[] {
  if (!isRecord(resource)) return [problem(`${path} must be a mapping`, resource, 'a mapping with name and replicas')];
  const out = [...unknownKeyProblems(resource, `${path}.`, KNOWN_KEYS.resource)];
  if (!('name' in resource)) out.push(problem(`${path}.name is missing`, undefined, `a resource name such as ${GPU_RESOURCE}`));
  else out.push(...resourceNameProblems(resource.name, `${path}.name`));
  const replicas = resource.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 2) {
    out.push(problem(`${path}.replicas must be a whole number >= 2`, replicas, 'an integer >= 2'));
  }
  if ('devices' in resource) out.push(...devicesProblems(resource.devices, `${path}.devices`));
  if ('rename' in resource) {
    const defaultRename = typeof resource.name === 'string' ? `${resource.name}.shared` : undefined;
    if (!(renameByDefault && resource.rename === defaultRename)) {
      out.push(problem(`${path}.rename is ignored by the device plugin (use renameByDefault)`, resource.rename, 'no rename key'));
    }
  }
  return out;
}

function replicatedProblems(body: unknown, path: string): string[] {
  if (!isRecord(body)) return [problem(`${path} must be a mapping`, body, 'a mapping with resources')];
  const out = [
    ...unknownKeyProblems(body, `${path}.`, KNOWN_KEYS.replicated),
    ...booleanProblems(body, 'renameByDefault', `${path}.`),
    ...booleanProblems(body, 'failRequestsGreaterThanOne', `${path}.`),
  ];
  const resources = body.resources;
  if (!Array.isArray(resources) || resources.length === 0) {
    out.push(problem(`${path}.resources must list at least one resource`, resources, 'a non-empty list'));
    return out;
  }
  const renameByDefault = body.renameByDefault === true;
  resources.forEach((r, i) => out.push(...resourceProblems(r, `${path}.resources[${i}]`, renameByDefault)));
  return out;
}

function sharingProblems(sharing: unknown, migStrategy: unknown): string[] {
  if (!isRecord(sharing)) return [problem('sharing must be a mapping', sharing, 'a mapping with timeSlicing or mps')];
  const out = [...unknownKeyProblems(sharing, 'sharing.', KNOWN_KEYS.sharing)];
  const hasTimeSlicing = 'timeSlicing' in sharing;
  const hasMps = 'mps' in sharing;
  if (hasTimeSlicing && hasMps) {
    out.push(problem('sharing sets both timeSlicing and mps', Object.keys(sharing), 'one of timeSlicing or mps'));
  }
  if (hasTimeSlicing) out.push(...replicatedProblems(sharing.timeSlicing, 'sharing.timeSlicing'));
  if (hasMps) {
    out.push(...replicatedProblems(sharing.mps, 'sharing.mps'));
    if (migStrategy === 'mixed') out.push(problem('sharing.mps cannot be used with flags.migStrategy mixed', migStrategy, 'none or single'));
  }
  return out;
}

/** imex.go AssertChannelIDsValid: channelIDs is [] or [0]. */
function imexProblems(imex: unknown): string[] {
  if (!isRecord(imex)) return [problem('imex must be a mapping', imex, 'a mapping with channelIDs and required')];
  const out = [...unknownKeyProblems(imex, 'imex.', KNOWN_KEYS.imex), ...booleanProblems(imex, 'required', 'imex.')];
  if ('channelIDs' in imex) {
    const ids = imex.channelIDs;
    const ok = Array.isArray(ids) && (ids.length === 0 || (ids.length === 1 && ids[0] === 0));
    if (!ok) out.push(problem('imex.channelIDs is not accepted by the device plugin', ids, '[] or [0]'));
  }
  return out;
}

/**
 * Every reason the device plugin would refuse `config` (a parsed YAML document or a
 * DevicePluginConfig), or would quietly not do what it says: unknown keys, and the fields
 * the plugin parses then drops (top-level `resources`, per-resource `rename` and `devices`).
 */
export function devicePluginConfigProblems(config: unknown): string[] {
  if (!isRecord(config)) return [problem('device plugin config must be a mapping', config, 'a mapping with version v1')];
  const out = [...unknownKeyProblems(config, '', KNOWN_KEYS.root)];
  if (config.version !== 'v1') out.push(problem('device plugin config version is not supported', config.version, '"v1"'));
  const flags = config.flags;
  if ('flags' in config) out.push(...flagsProblems(flags));
  if ('resources' in config) {
    out.push(problem('resources is ignored by the device plugin (custom resource names are not supported)', config.resources, 'no resources key'));
  }
  if ('sharing' in config) out.push(...sharingProblems(config.sharing, isRecord(flags) ? flags.migStrategy : undefined));
  if ('imex' in config) out.push(...imexProblems(config.imex));
  return out;
}
