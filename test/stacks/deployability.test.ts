/**
 * What a real cluster needs of a site's stack beyond valid JSON: real node names (with dots),
 * distinct field managers for labels, taints and annotations with no forced taints, every
 * image through the site's registry mirror, and the NVIDIA software choice per site with a
 * fleet default.
 */
import * as path from 'path';
import { Testing } from 'cdktf';
import { platform } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { Fleet, FleetProps } from '../../constructs/fleet';
import { GpuSharing } from '../../constructs/gpu-sharing';
import { NodePool } from '../../constructs/node-pool';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import { NvidiaSoftware } from '../../constructs/nvidia-software';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack } from '../../constructs/rack';
import { Server } from '../../constructs/server';
import { Site, SiteProps } from '../../constructs/site';
import { Taint } from '../../constructs/taint';
import { FIELD_MANAGERS } from '../../stacks/pool-nodes';
import { SiteStack } from '../../stacks/site-stack';
import { readValues } from '../support/scheduling';
import { removeDir, resourcesOf, synthFleetToTemp, SynthOutput, synthStack, TfJson } from '../support/synth';
import { SITE_PROPS, thrownLines, validationLines } from '../support/tiny-fleet';

const MIRROR = 'harbor.hami.example.cn/proxy';

/** A site with an MPS HGX pool, an Ascend 910B pool and a tainted GB200 NVL72 rack; node names as given. */
function site(fleet: Fleet, id: string, props: Partial<SiteProps> = {}, nodeName?: (i: number) => string): Site {
  const s = new Site(fleet, id, { ...SITE_PROPS, utilityCapacityMw: 2, ...props });
  const feedA = new PowerFeed(s, 'row-01-a', { side: 'A', voltageV: 415, amperageA: 630 });
  const feedB = new PowerFeed(s, 'row-01-b', { side: 'B', voltageV: 415, amperageA: 630 });
  const rack = new Rack(s, 'rack-001', { cooling: Cooling.liquid(50), feedA, feedB });
  const hgx = [1, 9].map((u, i) => new Server(rack, `u${String(u).padStart(2, '0')}`, { platform: platform('hgx-h100'), positionU: u, nodeName: nodeName?.(i) }));
  const npuRack = new Rack(s, 'rack-002', { cooling: Cooling.liquid(50), feedA, feedB });
  const npu = [new Server(npuRack, 'u01', { platform: platform('atlas-800t-a2'), positionU: 1, nodeName: nodeName?.(10) })];
  const nvlRack = new Rack(s, 'rack-003', { cooling: Cooling.liquid(200), feedA, feedB });
  const gb200 = platform('gb200-nvl72');
  const nvl = new NvlinkDomain(nvlRack, 'nvl72', { platform: gb200 });
  const trays = Array.from({ length: 18 }, (_, i) => new Server(nvlRack, `tray-${String(i + 1).padStart(2, '0')}`, { platform: gb200, positionU: i + 1, nodeName: nodeName?.(20 + i), nvlinkDomain: nvl }));
  new NodePool(s, 'serving', { servers: hgx, sharing: GpuSharing.mps(2), taints: [Taint.noSchedule('gpu-fleet.io/workload', 'serving')] });
  new NodePool(s, 'npu', { servers: npu, taints: [Taint.noSchedule('huawei.com/Ascend910'), Taint.noExecute('gpu-fleet.io/reserved')] });
  new NodePool(s, 'nvl72', { servers: trays, taints: [Taint.noSchedule('gpu-fleet.io/workload', 'training')] });
  return s;
}

function fleetOf(props: FleetProps = {}, sites: Array<[string, Partial<SiteProps>]> = [['lab-01', {}], ['lab-02', { nvidiaSoftware: NvidiaSoftware.standalone() }]]): Fleet {
  const fleet = new Fleet('deploy', props);
  for (const [id, p] of sites) site(fleet, id, p);
  return fleet;
}

/** Every image reference a site's output names: containers, ClusterPolicy components, Helm values. */
function imagesOf(out: SynthOutput, stack: string): string[] {
  const tf = out.readStack(stack);
  const images: string[] = [];
  for (const ds of Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1'))) {
    for (const c of [...(ds.spec.template.spec.init_container ?? []), ...ds.spec.template.spec.container]) images.push(c.image);
  }
  const walk = (o: TfJson) => {
    if (typeof o.repository === 'string') images.push(o.image !== undefined && typeof o.image === 'string' ? `${o.repository}/${o.image}:${o.version}` : `${o.repository}:${o.tag}`);
    for (const v of Object.values(o)) if (v && typeof v === 'object' && !Array.isArray(v)) walk(v);
  };
  for (const m of Object.values(resourcesOf(tf, 'kubernetes_manifest'))) if (m.manifest.kind === 'ClusterPolicy') walk(m.manifest.spec);
  for (const file of ['gpu-operator-values.yaml', 'dra-driver-values.yaml']) {
    const values = readValues(out.outdir, stack, file);
    if (values) walk(values);
  }
  return images;
}

describe('a fleet with a registry mirror', () => {
  let plain: SynthOutput;
  let mirrored: SynthOutput;
  beforeAll(() => {
    plain = synthFleetToTemp(fleetOf());
    mirrored = synthFleetToTemp(fleetOf({ imageRegistry: MIRROR }));
  });
  afterAll(() => [plain, mirrored].forEach((o) => removeDir(path.dirname(o.outdir))));

  it('pulls every image of every site through the mirror: the same images, each prefixed', () => {
    for (const stack of ['lab-01', 'lab-02']) {
      const before = imagesOf(plain, stack);
      expect(before.length).toBeGreaterThanOrEqual(stack === 'lab-01' ? 13 : 9);
      // Fully qualified with a pinned tag: a registry host first, a tag other than latest last.
      for (const image of before) expect(image).toMatch(/^[a-z0-9.-]+\.[a-z]+\/[^:]+:(?!latest$)[\w.-]+$/);
      expect(imagesOf(mirrored, stack)).toEqual(before.map((i) => `${MIRROR}/${i}`));
    }
  });

  it('lets a site name its own mirror', () => {
    const out = synthFleetToTemp(fleetOf({ imageRegistry: MIRROR }, [['lab-01', { imageRegistry: 'registry.wuhu.example.cn:5000/m' }]]));
    try {
      for (const image of imagesOf(out, 'lab-01')) expect(image.startsWith('registry.wuhu.example.cn:5000/m/')).toBe(true);
    } finally {
      removeDir(path.dirname(out.outdir));
    }
  });

  it('rejects a registry with a scheme, at the fleet and at the site', () => {
    expect(thrownLines(() => new Fleet('x', { imageRegistry: 'https://mirror.example.cn' }))).toEqual([
      'fleet x: imageRegistry is not a registry reference, got "https://mirror.example.cn", expected a host[:port][/path] such as registry.example.cn/mirror, without scheme or tag',
    ]);
    expect(thrownLines(() => new Site(new Fleet('x'), 'lab-01', { ...SITE_PROPS, imageRegistry: 'Mirror/' }))).toEqual([
      'lab-01: imageRegistry is not a registry reference, got "Mirror/", expected a host[:port][/path] such as registry.example.cn/mirror, without scheme or tag',
    ]);
  });
});

describe('the NVIDIA software choice', () => {
  it('is the GPU Operator unless the fleet or the site says otherwise', () => {
    const fleet = fleetOf({}, [['lab-01', {}], ['lab-02', { nvidiaSoftware: NvidiaSoftware.standalone() }]]);
    const [a, b] = fleet.node.children as Site[];
    expect([a.nvidiaSoftware.mode, b.nvidiaSoftware.mode]).toEqual(['gpu-operator', 'standalone']);
    const standaloneFleet = fleetOf({ nvidiaSoftware: NvidiaSoftware.standalone({ deviceListStrategy: 'cdi-annotations' }) }, [['lab-01', {}]]);
    expect((standaloneFleet.node.children[0] as Site).nvidiaSoftware.deviceListStrategy).toBe('cdi-annotations');
  });

  it('puts the MIG, device-plugin ConfigMaps and DaemonSets where the mode says', () => {
    const fleet = fleetOf();
    const [operator, standalone] = (fleet.node.children as Site[]).map((s) => new SiteStack(Testing.app(), { site: s }));
    expect(operator.gpuOperator).toBeDefined();
    expect(operator.devicePlugin).toBeUndefined();
    expect(standalone.gpuOperator).toBeUndefined();
    const tf = synthStack(standalone);
    expect(Object.values(resourcesOf(tf, 'kubernetes_daemon_set_v1')).map((d) => [d.metadata.name, d.spec.template.spec.runtime_class_name])).toEqual([
      ['ascend-device-plugin', undefined],
      ['nvidia-device-plugin', 'nvidia'],
      ['nvidia-device-plugin-mps-control-daemon', 'nvidia'],
    ]);
  });

  it('rejects an unknown device-list strategy and an invalid RuntimeClass name, with every problem', () => {
    const bad = NvidiaSoftware.standalone({ runtimeClassName: 'Nvidia_Runtime', deviceListStrategy: 'volume' as never });
    expect(thrownLines(() => new Site(new Fleet('x'), 'lab-01', { ...SITE_PROPS, nvidiaSoftware: bad }))).toEqual([
      'lab-01: runtimeClassName is not a valid DNS-1123 subdomain, got "Nvidia_Runtime", expected at most 253 characters of a-z, 0-9, \'-\' and \'.\', each part starting and ending with a letter or digit',
      'lab-01: deviceListStrategy is unknown, got "volume", expected envvar, cdi-annotations, cdi-cri',
    ]);
    expect(thrownLines(() => new Fleet('x', { nvidiaSoftware: NvidiaSoftware.gpuOperator({ version: 'latest' }) }))).toEqual([
      'fleet x: GPU Operator version is not a pinned release, got "latest", expected a release tag such as v26.7.0',
    ]);
  });
});

describe('a fleet with real node names', () => {
  const name = (i: number) => (i % 2 === 0 ? `gpu-${String(i).padStart(4, '0')}.hami.example.cn` : `gpu-${String(i).padStart(4, '0')}`);
  let out: SynthOutput;
  let fleet: Fleet;
  beforeAll(() => {
    fleet = new Fleet('named');
    site(fleet, 'lab-01', {}, name);
    out = synthFleetToTemp(fleet);
  });
  afterAll(() => removeDir(path.dirname(out.outdir)));

  it('keys every inventory by the names the kubelets registered, dots and all', () => {
    const inventory = out.readInventory('lab-01');
    expect(Object.keys(inventory.nodes_serving)).toEqual(['gpu-0000.hami.example.cn', 'gpu-0001']);
    expect(Object.keys(inventory.nodes_npu)).toEqual(['gpu-0010.hami.example.cn']);
    expect(Object.keys(inventory.nodes_nvl72)).toHaveLength(18);
    expect(Object.keys(inventory.nodes_nvl72)).toContain('gpu-0020.hami.example.cn');
    expect(inventory.nodes_serving['gpu-0000.hami.example.cn']['gpu-fleet.io/pool']).toBe('serving');
  });

  it('labels and taints the Nodes by those names, each kind under its own field manager, taints unforced', () => {
    const tf = out.readStack('lab-01');
    const managers = new Map<string, Set<string>>();
    // (Annotations go the same way, by the `node_annotations_*` inventory: see site-stack-scale-up.test.ts.)
    for (const type of ['kubernetes_labels', 'kubernetes_node_taint']) {
      const rs = Object.values(resourcesOf(tf, type));
      expect(rs.length).toBeGreaterThan(0);
      for (const r of rs) {
        expect(r.metadata.name).toBe('${each.key}');
        expect(r.for_each).toMatch(/^\$\{var\.(nodes|node_annotations)_[a-z0-9_]+\}$/);
        managers.set(type, new Set([...(managers.get(type) ?? []), r.field_manager]));
        if (type === 'kubernetes_node_taint') expect(r.force).toBe(false);
      }
    }
    expect(Object.fromEntries([...managers].map(([t, m]) => [t, [...m]]))).toEqual({
      kubernetes_labels: ['gpu-fleet-labels'],
      kubernetes_node_taint: ['gpu-fleet-taints'],
    });
    // One table of managers, one name per kind of field.
    expect(new Set(Object.values(FIELD_MANAGERS)).size).toBe(Object.keys(FIELD_MANAGERS).length);
  });

  it('refuses two servers of a site with one node name, naming both construct paths', () => {
    const dup = new Fleet('dup');
    site(dup, 'lab-01', {}, (i) => (i < 2 ? 'gpu-0001.hami.example.cn' : `gpu-${i}`));
    expect(validationLines(dup)).toEqual([
      'lab-01: node name is used twice in the site, by lab-01/rack-001/u01 and lab-01/rack-001/u09, got "gpu-0001.hami.example.cn", expected unique node names within a site',
    ]);
  });
});
