/**
 * The mapping that brings a fleet's own NetBox export back (`tools/netbox-export.ts`): what
 * NetBox does not hold (region, zone, utility capacity, PUE, cooling, blocks, pools and their
 * sharing) read from the fleet, so that model -> NetBox CSV -> model is the same fleet. Pools
 * select their servers by an explicit list of node names.
 */
import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { RackDevice } from '../../constructs/rack-device';
import { DeviceTypeMapping, DeviceSelector, InventoryMapping, SiteMapping } from './mapping';

/** Device type slug of a non-GPU device as the export writes it. */
export function rackDeviceTypeSlug(d: RackDevice): string {
  return d.model;
}

export function mappingFromFleet(fleet: Fleet): InventoryMapping {
  const deviceTypes: Record<string, DeviceTypeMapping> = {};
  const sites: Record<string, SiteMapping> = {};
  for (const site of fleet.sites) {
    const rackCooling: Record<string, Cooling> = {};
    const rackBlocks: Record<string, string> = {};
    for (const rack of site.racks) {
      rackCooling[rack.node.id] = rack.cooling;
      if (rack.block !== rack.feedA.node.id) rackBlocks[rack.node.id] = rack.block;
      for (const s of rack.servers) deviceTypes[s.platform.name] ??= DeviceTypeMapping.platform(s.platform);
      for (const d of rack.devices) deviceTypes[rackDeviceTypeSlug(d)] ??= DeviceTypeMapping.device(d.role, { manufacturer: d.manufacturer });
    }
    sites[site.node.id] = {
      region: site.region,
      zone: site.zone,
      utilityCapacityMw: site.utilityCapacityMw,
      pue: site.pue,
      displayName: site.displayName,
      kubeContext: site.kubeContext,
      // Every rack is listed in rackCooling; the default only matters for a site without racks.
      cooling: site.racks[0]?.cooling ?? Cooling.air(1),
      rackCooling,
      rackBlocks,
      pools: site.pools.map((p) => ({
        name: p.node.id,
        select: DeviceSelector.names(p.servers.map((s) => s.nodeName)),
        sharing: p.sharing,
        taints: p.taints,
        labels: p.labels,
      })),
    };
  }
  return { deviceTypes, sites };
}
