/**
 * The typed mapping from an inventory to a fleet, written in the fleet's TypeScript: which
 * device types are which catalog platforms (or which non-GPU devices), what each site is in the
 * fleet (region, zone, utility capacity, PUE, cooling: facts NetBox does not hold), and how
 * devices join node pools (by role, tag, rack range or an explicit list).
 */
import type { PlatformSpec } from '../../constructs/catalog/platforms';
import type { Cooling } from '../../constructs/cooling';
import type { RackDeviceRole } from '../../constructs/rack-device';
import type { SiteProps } from '../../constructs/site';
import type { PoolDesign } from '../site-design';
import type { InventoryDevice } from './inventory';

/** What one device type is in the fleet: a GPU server of a catalog platform, or another device. */
export class DeviceTypeMapping {
  /** GPU servers of a catalog platform: `DeviceTypeMapping.platform(platform('hgx-h800'))`. */
  public static platform(spec: PlatformSpec): DeviceTypeMapping {
    return new DeviceTypeMapping(spec, undefined, {});
  }

  /**
   * A device that is not a GPU server: it takes rack units and power in the rack and feed rules.
   * Its power is its power ports' `maximum_draw`, else `maxPowerW` here, else the mapping's
   * `defaultDevicePowerW`.
   */
  public static device(role: RackDeviceRole, options: { readonly maxPowerW?: number; readonly heightU?: number; readonly manufacturer?: string } = {}): DeviceTypeMapping {
    return new DeviceTypeMapping(undefined, role, options);
  }

  /**
   * A device the platform's scale-up fabric already accounts for, rack units and power: the 9
   * NVLink switch trays of a GB200 NVL72 rack (`PlatformSpec.scaleUp`). Its position is checked
   * against the other devices; it is not counted a second time.
   */
  public static fabric(): DeviceTypeMapping {
    return new DeviceTypeMapping(undefined, undefined, {}, true);
  }

  private constructor(
    /** The platform of a GPU server type. */
    public readonly platform: PlatformSpec | undefined,
    /** The role of a non-GPU device type. */
    public readonly role: RackDeviceRole | undefined,
    public readonly options: { readonly maxPowerW?: number; readonly heightU?: number; readonly manufacturer?: string },
    /** Part of the platform's scale-up fabric (see `fabric()`). */
    public readonly isFabric = false,
  ) {}
}

/** Which devices a pool takes: a typed choice (`DeviceSelector.role('gpu-training')`, ...). */
export class DeviceSelector {
  /** Devices whose NetBox role slug is `slug`. */
  public static role(slug: string): DeviceSelector {
    return new DeviceSelector(`role ${JSON.stringify(slug)}`, (d) => d.role === slug);
  }

  /** Devices carrying the NetBox tag `slug`. */
  public static tag(slug: string): DeviceSelector {
    return new DeviceSelector(`tag ${JSON.stringify(slug)}`, (d) => d.tags.includes(slug));
  }

  /** Devices in racks whose names sort from `first` to `last`, both included (`YW3-A01`..`YW3-A08`). */
  public static racks(first: string, last: string): DeviceSelector {
    return new DeviceSelector(`racks ${first}..${last}`, (d) => d.rack !== undefined && d.rack >= first && d.rack <= last);
  }

  /** The devices named (an explicit list); a name that is not in the inventory is a problem. */
  public static names(names: readonly string[]): DeviceSelector {
    const set = new Set(names);
    return new DeviceSelector(`names [${names.length}]`, (d) => set.has(d.name), names);
  }

  private constructor(
    /** How problems describe the selector. */
    public readonly description: string,
    public readonly matches: (device: InventoryDevice) => boolean,
    /** Names an explicit list must find. */
    public readonly listed: readonly string[] = [],
  ) {}
}

/** A node pool of the site: a PoolDesign (name, sharing, taints, labels) whose servers a selector picks. */
export interface PoolMapping extends Omit<PoolDesign, 'servers'> {
  /** Devices the pool takes; a GPU server matched by two pools is a problem. @default none: only devices that name the pool themselves (inventory CSV `pool`) */
  readonly select?: DeviceSelector;
}

/**
 * What a NetBox site is in the fleet: the site's props (region, zone, utility capacity, PUE;
 * `displayName` defaults to the NetBox site name), cooling, blocks, feed sides and pools.
 */
export interface SiteMapping extends SiteProps {
  /** The fleet site's id. @default the NetBox site slug */
  readonly id?: string;
  /** Cooling of every rack NetBox does not say otherwise for (NetBox holds no cooling). */
  readonly cooling: Cooling;
  /** Cooling of single racks, by NetBox rack name. @default none */
  readonly rackCooling?: Readonly<Record<string, Cooling>>;
  /** Block of single racks, by NetBox rack name. @default `blockOf`, else the rack's A-side feed (RackProps.block) */
  readonly rackBlocks?: Readonly<Record<string, string>>;
  /**
   * The block of a rack from its NetBox name, e.g. its row: `(rack) => rack.slice(0, 8).toLowerCase()`.
   * @default the rack's A-side feed (RackProps.block)
   */
  readonly blockOf?: (rackName: string) => string | undefined;
  /** A/B side of feeds whose NetBox type does not say it, by NetBox feed name. @default from the type: primary A, redundant B */
  readonly feedSides?: Readonly<Record<string, 'A' | 'B'>>;
  /** Node pools, in order. @default none */
  readonly pools?: readonly PoolMapping[];
}

export interface InventoryMapping {
  /** By NetBox device type slug (inventory CSV: the `platform` column). Catalog platform names need no entry in a CSV inventory. */
  readonly deviceTypes: Readonly<Record<string, DeviceTypeMapping>>;
  /** By NetBox site slug (inventory CSV: the `site` column). */
  readonly sites: Readonly<Record<string, SiteMapping>>;
  /** Draw of a non-GPU device whose power ports and type mapping state none, in W. @default none: such a device is a problem */
  readonly defaultDevicePowerW?: number;
}
