/**
 * The `inventory` fleet: one site built from a NetBox export (fleets/inventory/hm-yw3/, written
 * by generate-hm-yw3.ts), not from a design. Node names are the NetBox device names; switches,
 * console servers and storage count in the racks' U and power checks.
 *
 * What NetBox does not hold is in the mapping below: which device types are which platforms
 * (or which non-GPU devices), the site's region, zone, utility capacity, PUE and cooling, and
 * the pools: `training` takes the NetBox role `gpu-training`, `inference` the racks D01-D12.
 */
import * as path from 'path';
import { platform } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { Taint } from '../../constructs/taint';
import { buildInventoryFleet } from '../netbox/build';
import { loadNetboxExport } from '../netbox/load-netbox';
import { DeviceSelector, DeviceTypeMapping, InventoryMapping } from '../netbox/mapping';

/** Where the export lives. */
export const HM_YW3_EXPORT = path.join(__dirname, 'hm-yw3');

export const HM_YW3_MAPPING: InventoryMapping = {
  deviceTypes: {
    'sys-821ge-tnhr-h800': DeviceTypeMapping.platform(platform('hgx-h800')),
    // Power from the switch's power ports (maximum_draw) in the export.
    's9855-48cd8d': DeviceTypeMapping.device('switch'),
    's12500r-48y8c': DeviceTypeMapping.device('switch'),
    // No power ports recorded: the datasheet maxima.
    's5130s-52s-ei': DeviceTypeMapping.device('management', { maxPowerW: 65 }),
    'nf5280m6-storage': DeviceTypeMapping.device('storage', { maxPowerW: 1300 }),
    // Neither: the mapping's defaultDevicePowerW.
    'om1204-4e': DeviceTypeMapping.device('console'),
  },
  defaultDevicePowerW: 40,
  sites: {
    'hm-yw3': {
      region: 'xinjiang',
      zone: 'hami-yiwu',
      displayName: 'Hami Yiwu DC3, hall 2',
      // Hall 2's share of the campus connection; 64 racks of at most 57.5 kW.
      utilityCapacityMw: 4,
      pue: 1.2,
      // Direct liquid cooling, 50 kW a rack (the GPU racks draw 41.7 kW at most).
      cooling: Cooling.liquid(50),
      // A row of 16 racks is a block (one leaf-spine pod): YW3-H2-A07 is in block row-a.
      blockOf: (rack) => `row-${rack.slice('YW3-H2-'.length, 'YW3-H2-'.length + 1).toLowerCase()}`,
      pools: [
        { name: 'training', select: DeviceSelector.role('gpu-training'), taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] },
        {
          name: 'inference',
          select: DeviceSelector.racks('YW3-H2-D01', 'YW3-H2-D12'),
          sharing: GpuSharing.timeSlicing(4),
          taints: [Taint.noSchedule('gpu-fleet.io/workload', 'inference')],
        },
      ],
    },
  },
};

/** Builds the `inventory` fleet from the committed NetBox export. */
export function inventoryFleet(): Fleet {
  return buildInventoryFleet('inventory', loadNetboxExport(HM_YW3_EXPORT), HM_YW3_MAPPING);
}
