import * as fs from 'fs';
import * as path from 'path';
import { Cooling } from '../../../constructs/cooling';
import { GpuSharing } from '../../../constructs/gpu-sharing';
import { Site } from '../../../constructs/site';
import { buildInventoryFleet } from '../../../fleets/netbox/build';
import { InventoryCsvError, loadInventoryCsv } from '../../../fleets/netbox/load-csv';
import { DeviceTypeMapping, InventoryMapping } from '../../../fleets/netbox/mapping';
import { removeDir, tempDir } from '../../support/synth';
import { thrownLines } from '../../support/tiny-fleet';

const MAPPING: InventoryMapping = {
  deviceTypes: { 'tor-25g': DeviceTypeMapping.device('switch', { heightU: 1 }) },
  sites: {
    'qy-02': {
      region: 'gansu',
      zone: 'qingyang-xifeng',
      utilityCapacityMw: 1,
      pue: 1.3,
      cooling: Cooling.air(25),
      pools: [{ name: 'inference', sharing: GpuSharing.timeSlicing(2) }],
    },
  },
};

const RACKS = 'site,rack,height_u,feed_a,feed_b\r\nqy-02,R1,42,ROW1-A,ROW1-B\r\nqy-02,R2,42,ROW1-A,ROW1-B\r\n';
const FEEDS = 'site,feed,side,voltage_v,amperage_a,phase,max_utilization_percent\nqy-02,ROW1-A,A,415,300,three,80\nqy-02,ROW1-B,B,415,300,three,80\n';

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function inventoryDir(servers: string, racks = RACKS, feeds = FEEDS): string {
  const dir = tempDir('inventory-csv-');
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'servers.csv'), servers);
  fs.writeFileSync(path.join(dir, 'racks.csv'), racks);
  fs.writeFileSync(path.join(dir, 'feeds.csv'), feeds);
  return dir;
}

const HEADER = 'site,rack,position_u,node_name,platform,serial,pool,unpooled_reason,power_w\n';

describe('building a fleet from inventory CSV files', () => {
  it('builds servers with their node names, serials and pools, and switches with their power', () => {
    const dir = inventoryDir(
      HEADER +
        'qy-02,R1,1,qy2-node-017,hgx-h20,SN017,training,,\n' +
        'qy-02,R1,9,qy2-node-003,hgx-h20,SN003,inference,,\n' +
        'qy-02,R1,42,qy2-r1-tor,tor-25g,TS1,,,450\n' +
        'qy-02,R2,1,qy2-node-020,hgx-h20,"SN,020",,"RMA 77, fan tray",\n',
    );
    const fleet = buildInventoryFleet('csv', loadInventoryCsv(dir), MAPPING);
    expect(fleet.validate()).toEqual([]);
    const site = fleet.node.findChild('qy-02') as Site;
    expect(site.servers.map((s) => [s.rack.node.id, s.node.id, s.nodeName, s.serial, s.pool?.node.id, s.unpooledReason])).toEqual([
      ['r1', 'u01', 'qy2-node-017', 'SN017', 'training', undefined],
      ['r1', 'u09', 'qy2-node-003', 'SN003', 'inference', undefined],
      ['r2', 'u01', 'qy2-node-020', 'SN,020', undefined, 'RMA 77, fan tray'],
    ]);
    // Pools of the mapping keep their settings; pools named only in the file are exclusive.
    expect(site.pools.map((p) => [p.node.id, p.sharing.mode])).toEqual([['inference', 'time-slicing'], ['training', 'exclusive']]);
    expect(site.racks[0].drawKw).toBeCloseTo(2 * 7.8 + 0.45, 9);
    expect(site.racks[0].usedU).toBe(17);
  });

  it('refuses every problem of the files at once, each with its file and line', () => {
    const dir = inventoryDir(
      HEADER +
        'qy-02,R1,1,qy2-node-001,hgx-h20,SN1,training,,\n' +
        'qy-02,R1,5,qy2-node-002,hgx-h20,SN2,training,,\n' +
        'qy-02,R1,12.5,qy2-node-003,hgx-h20,SN3,training,,\n' +
        'qy-02,R1,40,qy2-node-004,hgx-h20,SN4,training,,\n' +
        'qy-02,R2,1,qy2-node-001,hgx-h20,SN5,training,,\n' +
        'qy-02,R2,9,qy2-node-006,hgx-b300,SN6,training,,\n' +
        'qy-02,R2,17,qy2-node-007,hgx-h20,SN7,,,\n' +
        'qy-02,R3,1,qy2-node-008,hgx-h20,SN8,training,,\n' +
        'qy-02,R2,41,qy2-r2-tor,tor-25g,T2,,,\n',
      RACKS + 'qy-02,R3,42,,\r\n',
      FEEDS + 'qy-02,ROW2-A,C,415,x,three,80\n',
    );
    expect(thrownLines(() => buildInventoryFleet('csv', loadInventoryCsv(dir), MAPPING))).toEqual([
      'feeds.csv line 4: amperage_a is not a number, got "x", expected a number',
      'feeds.csv line 4: power feed type does not say its side, got "C", expected type primary (A) or redundant (B), or the feed in the mapping\'s feedSides',
      'racks.csv line 4: rack has no power feeds, got 0, expected an A-side (primary) and a B-side (redundant) feed',
      'servers.csv line 3: device overlaps servers.csv line 2 in rack R1, got "U5", expected each rack unit used by one device',
      'servers.csv line 4: device sits at a half-U position, got 12.5, expected a whole unit (the model counts whole rack units)',
      'servers.csv line 5: device of 8U is off rack R1, got "U40 to U47", expected units 1 to 42',
      'servers.csv line 6: device name is used twice in the site (also servers.csv line 2), got "qy2-node-001", expected unique device names',
      'servers.csv line 7: device type has no mapping, got "hgx-b300", expected an entry in the mapping\'s deviceTypes, or a catalog platform (hgx-a100-40gb, hgx-a100-80gb, hgx-a800, hgx-h100, hgx-h800, hgx-h200, hgx-h20, dgx-b200, gb200-nvl72, atlas-800t-a2, cloudmatrix-384)',
      'servers.csv line 10: device draws no stated power, got nothing, expected maximum_draw on its power ports, maxPowerW in its device type\'s mapping, or the mapping\'s defaultDevicePowerW',
      'servers.csv line 8: GPU server has no pool, got "", expected a pool in the pool column, or an unpooled_reason',
      'mapping pool qy-02/inference: node pool has no servers, got 0, expected at least one server',
    ]);
  });

  it('rejects a file that lacks a column or is not CSV, naming the file', () => {
    expect(thrownLines(() => loadInventoryCsv(inventoryDir('site,rack,node_name\n')))).toEqual([
      'servers.csv: header lacks columns, got ["position_u", "platform", "serial", "pool"], expected the columns site,rack,position_u,node_name,platform,serial,pool',
    ]);
    expect(thrownLines(() => loadInventoryCsv(inventoryDir(HEADER + 'qy-02,"R1,1\n')))).toEqual([
      'servers.csv line 2: not CSV, got "a quoted field is not closed", expected RFC 4180 CSV (fields with commas, quotes or line breaks quoted, quotes doubled)',
    ]);
    expect(() => loadInventoryCsv(path.join(inventoryDir(HEADER), 'nowhere'))).toThrow(InventoryCsvError);
  });
});
