import * as path from 'path';
import { Cooling } from '../../constructs/cooling';
import { Site } from '../../constructs/site';
import { loadFleet } from '../../fleets';
import { HM_YW3_EXPORT, HM_YW3_MAPPING, inventoryFleet } from '../../fleets/inventory/hm-yw3';
import { buildInventoryFleet } from '../../fleets/netbox/build';
import { loadNetboxExport } from '../../fleets/netbox/load-netbox';
import { InventoryMapping } from '../../fleets/netbox/mapping';
import { LABEL } from '../../stacks/node-labels';
import { fleetReport } from '../../tools/report';
import { removeDir, synthFleetToTemp } from '../support/synth';
import { thrownLines } from '../support/tiny-fleet';

const fleet = inventoryFleet();
const [site] = fleet.node.children.filter((c): c is Site => c instanceof Site);
const out = synthFleetToTemp(fleet);
const inventory = out.readInventory('hm-yw3');

afterAll(() => removeDir(path.dirname(out.outdir)));

describe('the inventory fleet (HM-YW3 from a NetBox export)', () => {
  it('is registered as `inventory` and has no rule violations', () => {
    expect(loadFleet('inventory').name).toBe('inventory');
    expect(fleet.validate()).toEqual([]);
  });

  it('reads a paginated export of 452 devices on 64 racks, with the pages complete', () => {
    const inv = loadNetboxExport(HM_YW3_EXPORT);
    expect(inv.problems).toEqual([]);
    expect([inv.sites.length, inv.racks.length, inv.feeds.length, inv.devices.length]).toEqual([1, 64, 128, 452]);
  });

  it('keys the node inventories by NetBox device names and leaves the three servers out of service unpooled', () => {
    const training = Object.keys(inventory.nodes_training);
    const inference = Object.keys(inventory.nodes_inference);
    expect([training.length, inference.length]).toEqual([189, 48]);
    expect(training).toContain('hm-yw3-gpu0142.prod.example.cn');
    expect([...training, ...inference].every((n) => /^hm-yw3-gpu0[1-3]\d\d\.prod\.example\.cn$/.test(n))).toBe(true);
    const unpooled = site.servers.filter((s) => s.unpooledReason).map((s) => [s.nodeName, s.unpooledReason]);
    expect(unpooled.sort()).toEqual([
      ['hm-yw3-gpu0118.prod.example.cn', 'Cold spare for hall 2, racked and cabled, not in service'],
      ['hm-yw3-gpu0203.prod.example.cn', 'Burn-in failed: NVLink errors on GPU 2, vendor ticket SMC-88412'],
      ['hm-yw3-gpu0317.prod.example.cn', 'RMA 2025-0931: GPU 5 Xid 79 (fell off the bus), baseboard swap pending'],
    ]);
    const labels = inventory.nodes_training['hm-yw3-gpu0142.prod.example.cn'];
    expect(labels[LABEL.rack]).toMatch(/^yw3-h2-[a-c]\d\d$/);
    expect(labels[LABEL.block]).toBe(`row-${labels[LABEL.rack][7]}`);
    expect(labels[LABEL.powerFeedA]).toBe(`${labels[LABEL.rack]}-a`);
    expect(site.servers.find((s) => s.nodeName === 'hm-yw3-gpu0142.prod.example.cn')!.serial).toMatch(/^S4218\d{7}$/);
  });

  it('counts switches, console servers and storage in rack units and power', () => {
    const gpuRack = site.racks.find((r) => r.node.id === 'yw3-h2-a07')!;
    // 4 x 8U servers, leaf and OOB switch (1U each), a half-U console server that takes U42.
    expect(gpuRack.devices.map((d) => [d.node.id, d.role, d.heightU, d.maxPowerKw])).toEqual([
      ['u40', 'switch', 1, 0.55],
      ['u41', 'management', 1, 0.065],
      ['u42', 'console', 0.5, 0.04],
    ]);
    expect(gpuRack.usedU).toBe(32 + 3);
    expect(gpuRack.drawKw).toBeCloseTo(4 * 10.2 + 0.55 + 0.065 + 0.04, 9);
    expect(gpuRack.feedA.loadKw).toBeCloseTo(gpuRack.drawKw, 9);
    const storageRack = site.racks.find((r) => r.node.id === 'yw3-h2-d14')!;
    expect([storageRack.servers.length, storageRack.devices.length, storageRack.usedU]).toEqual([0, 8, 16]);
    expect(storageRack.drawKw).toBeCloseTo(2 * 1.8 + 6 * 1.3, 9);
    // 240 x 10.2 kW of servers and 84.9 kW of other devices.
    expect(fleetReport(fleet).sites[0]).toMatchObject({ name: 'hm-yw3', servers: 240, gpus: 1920, racks: 64, itPowerKw: 2532.9 });
  });

  it('refuses the export when its switches overdraw a rack, naming each NetBox rack', () => {
    // 41.2 kW of cooling carries 4 x 10.2 kW of servers, but not the rack's switches too.
    const tight: InventoryMapping = { ...HM_YW3_MAPPING, sites: { 'hm-yw3': { ...HM_YW3_MAPPING.sites['hm-yw3'], cooling: Cooling.liquid(41.2) } } };
    const lines = thrownLines(() => buildInventoryFleet('tight', loadNetboxExport(HM_YW3_EXPORT), tight));
    expect(lines).toHaveLength(60);
    expect(lines[0]).toBe('dcim.rack 300 "YW3-H2-A01": rack draws more than its liquid cooling removes, got "41.5 kW", expected at most 41.2 kW');
  });

  it('synthesizes as recorded', () => {
    const tf = out.readStack('hm-yw3');
    const first = (pool: string) => Object.entries(inventory[`nodes_${pool}`])[0];
    expect({ stack: tf, inventory: { training: first('training'), inference: first('inference') } }).toMatchSnapshot();
  });
});
