import { deviceResourceName, devicesPerPackage, gpuModel } from '../../constructs/catalog/gpu-models';
import { platform } from '../../constructs/catalog/platforms';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { MigLayout } from '../../constructs/mig-layout';
import { NodePool } from '../../constructs/node-pool';
import { addCloudMatrix384, CLOUDMATRIX_RACKS } from '../../fleets/rack-scale';
import { hgx, tinySite, validationLines } from '../support/tiny-fleet';

describe('the Ascend catalog', () => {
  it('holds the 910B (64 GB) and the dual-die 910C (128 GB), without MIG, advertised as huawei.com/Ascend910', () => {
    const b = gpuModel('Ascend-910B-64GB');
    const c = gpuModel('Ascend-910C-128GB');
    expect([b.vendor, b.memoryGb, b.migProfiles.length, devicesPerPackage(b)]).toEqual(['huawei', 64, 0, 1]);
    expect([c.vendor, c.memoryGb, c.migProfiles.length, devicesPerPackage(c)]).toEqual(['huawei', 128, 0, 2]);
    expect(deviceResourceName(b)).toBe('huawei.com/Ascend910');
    expect(deviceResourceName(c)).toBe('huawei.com/Ascend910');
    expect(deviceResourceName(gpuModel('H100-80GB'))).toBe('nvidia.com/gpu');
  });

  it('has an 8-NPU 910B server and the CloudMatrix 384 supernode, with their MindCluster accelerator types', () => {
    const a2 = platform('atlas-800t-a2');
    expect([a2.gpusPerServer, a2.nvlinkDomainGpus, a2.nvlinkScope, a2.fabric, a2.acceleratorType]).toEqual([8, 8, 'server', 'hccs', 'module-910b-8']);
    const cm = platform('cloudmatrix-384');
    expect([cm.gpusPerServer, cm.nvlinkDomainGpus, cm.nvlinkScope, cm.fabric, cm.acceleratorType]).toEqual([8, 384, 'multi-rack', 'hccs', 'module-a3-16-super-pod']);
    expect(cm.scaleUp).toMatchObject({ computeRacks: 12, serversPerComputeRack: 4, switchRacks: 4 });
  });
});

describe('Ascend node pools', () => {
  it('advertise one NPU per 910B and two per 910C package', () => {
    const t = tinySite({ amperageA: 400 });
    const pool910b = new NodePool(t.site, 'npu-910b', { servers: [hgx(t.rack, 1, {}, 'atlas-800t-a2'), hgx(t.rack, 5, {}, 'atlas-800t-a2')] });
    expect(pool910b.gpus).toBe(16);
    expect(pool910b.advertisedDevices).toBe(16);
    const servers = addCloudMatrix384(t.site, {
      id: 'supernode-01',
      superPodId: 1,
      firstRack: 2,
      ...CLOUDMATRIX_RACKS,
    });
    const supernode = new NodePool(t.site, 'supernode', { servers });
    expect(supernode.gpus).toBe(384);
    expect(supernode.advertisedDevices).toBe(768);
    expect(validationLines(t.fleet)).toEqual([]);
  });

  it('gives an Atlas 800T A2 an HCCS domain of its own, named after hccs', () => {
    const t = tinySite();
    const s = hgx(t.rack, 1, {}, 'atlas-800t-a2');
    new NodePool(t.site, 'npu', { servers: [s] });
    expect(s.nvlinkDomain.fabric).toBe('hccs');
    expect(s.nvlinkDomain.name).toBe('rack-001-u01-hccs');
    expect(s.nvlinkDomain.kind).toBe('HCCS domain');
    expect(hgx(t.rack, 20).nvlinkDomain.name).toBe('rack-001-u20-nvlink');
  });

  it('fails when a pool mixes vendors', () => {
    const t = tinySite();
    new NodePool(t.site, 'mixed', { servers: [hgx(t.rack, 1), hgx(t.rack, 20, {}, 'atlas-800t-a2')] });
    const lines = validationLines(t.fleet);
    expect(lines).toContain('lab-01/mixed: node pool mixes accelerator vendors, got ["nvidia", "huawei"], expected one vendor per pool');
  });

  it.each([
    ['time-slicing', GpuSharing.timeSlicing(4), 'time-slicing x4'],
    ['mps', GpuSharing.mps(2), 'mps x2'],
    ['mig', GpuSharing.mig(MigLayout.uniform('1g.10gb')), 'mig all-1g.10gb'],
  ])('fails when NVIDIA sharing (%s) is set on an Ascend pool', (mode, sharing, shown) => {
    const t = tinySite();
    new NodePool(t.site, 'npu', { servers: [hgx(t.rack, 1, {}, 'atlas-800t-a2')], sharing });
    expect(validationLines(t.fleet)).toEqual([
      `lab-01/npu: ${mode} is NVIDIA GPU sharing, but the pool holds Ascend-910B-64GB (huawei), got "${shown}", expected exclusive for non-NVIDIA accelerators`,
    ]);
  });
});
