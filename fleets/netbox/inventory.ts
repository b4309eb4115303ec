/**
 * The inventory as plain data: what a NetBox export, NetBox's bulk-import CSV files or the
 * inventory CSV files say about sites, racks, power feeds and devices, before any check. The
 * loaders (`load-netbox.ts`, `load-netbox-csv.ts`, `load-csv.ts`) only parse into this model;
 * `build.ts` checks it against the mapping and builds the constructs, so that every source gets
 * the same rules. Every record carries `ref`, how a problem names it: the NetBox object
 * (`dcim.device 1234 "hm-yw3-gpu0142"`) or the file and line (`servers.csv line 12`).
 */

/** Where a record came from, as problem lines name it. */
export type SourceRef = string;

export interface InventorySite {
  readonly ref: SourceRef;
  /** The site's key: NetBox's slug, or the `site` column of the inventory CSV. */
  readonly slug: string;
  readonly name: string;
}

export interface InventoryRack {
  readonly ref: SourceRef;
  readonly site: string;
  readonly name: string;
  /** Height in U (NetBox `u_height`). @default 42 when the source leaves it out */
  readonly heightU?: number;
  /** Feeds the rack names itself (inventory CSV `feed_a`/`feed_b`, NetBox custom fields `power_feed_a`/`power_feed_b`). */
  readonly feeds: readonly string[];
}

export type FeedType = 'primary' | 'redundant';

export interface InventoryFeed {
  readonly ref: SourceRef;
  readonly site: string;
  readonly name: string;
  readonly voltageV: number;
  readonly amperageA: number;
  /** NetBox `phase`: `single-phase` or `three-phase`. */
  readonly phase: string;
  readonly maxUtilizationPercent: number;
  /** NetBox `type` (A side: primary, B side: redundant), or the side given directly. */
  readonly type?: string;
  /** NetBox `supply`: `ac` or `dc`. @default 'ac' */
  readonly supply?: string;
  /** The rack the feed is connected to (NetBox `rack`). */
  readonly rack?: string;
}

export interface InventoryDevice {
  readonly ref: SourceRef;
  readonly site: string;
  /** The device's name: the node name of a GPU server. */
  readonly name: string;
  /** Device type key: NetBox device type slug, or the `platform` column of the inventory CSV. */
  readonly deviceType: string;
  /** NetBox `u_height` of the device type, when the source gives it. */
  readonly typeHeightU?: number;
  readonly rack?: string;
  /** Lowest unit; NetBox allows half units (12.5). */
  readonly position?: number;
  readonly role?: string;
  readonly tags: readonly string[];
  readonly serial?: string;
  /** NetBox status (active, planned, staged, offline, failed, inventory, decommissioning). */
  readonly status?: string;
  readonly comments?: string;
  /** Sum of the device's power ports' `maximum_draw`, in W. */
  readonly maxDrawW?: number;
  /** Feeds its power ports are cabled to (NetBox cable trace). */
  readonly feeds: readonly string[];
  /** Pool given directly by the source (inventory CSV `pool`); empty string: no pool. */
  readonly pool?: string;
  /** Why a GPU server is in no pool, when the source says (inventory CSV `unpooled_reason`). */
  readonly unpooledReason?: string;
}

export interface Inventory {
  readonly sites: readonly InventorySite[];
  readonly racks: readonly InventoryRack[];
  readonly feeds: readonly InventoryFeed[];
  readonly devices: readonly InventoryDevice[];
  /** Problems found while reading (missing pages, bad numbers): reported with the rest. */
  readonly problems: readonly LoadProblem[];
}

export interface LoadProblem {
  readonly ref: SourceRef;
  readonly message: string;
}

/** How NetBox objects are named in problems: `dcim.device 1234 "name"`. */
export function netboxRef(model: string, id: number | undefined, name: string | null | undefined): SourceRef {
  return `dcim.${model} ${id ?? '?'} ${JSON.stringify(name ?? '')}`;
}
