/**
 * Would Kueue admit the README's sample jobs, and where? Builds Kueue's view of a site from its
 * synthesized stack (cdk.tf.json, and the kueue-configuration.yaml written beside it) and runs
 * the admission model of test/support/kueue-admission.ts on each sample, read from README.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { Testing } from 'cdktf';
import { exampleFleet } from '../../fleets/example';
import { referenceFleet } from '../../fleets/reference';
import { addSiteStacks } from '../../stacks/fleet-app';
import { KUEUE_CONFIG_FILE } from '../../stacks/kueue/objects';
import { SiteStack } from '../../stacks/site-stack';
import { admit, jobFromYaml, KueueView, kueueView, stackManifests, Usage } from '../support/kueue-admission';
import { removeDir, synthFleetToTemp, synthStack } from '../support/synth';

interface Sample {
  readonly name: string;
  readonly fleet: string;
  readonly site: string;
  readonly flavor: string;
  readonly yaml: string;
}

/** The README's tested samples: yaml blocks opening with `# sample: <name> (<fleet>/<site>) -> <flavor>`. */
function readmeSamples(): Sample[] {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const out: Sample[] = [];
  for (const block of readme.matchAll(/```yaml\n([\s\S]*?)```/g)) {
    const head = /^# sample: (\S+) \((\w+)\/([\w-]+)\) -> ([\w-]+)\n/.exec(block[1]);
    if (head) out.push({ name: head[1], fleet: head[2], site: head[3], flavor: head[4], yaml: block[1] });
  }
  return out;
}

const samples = readmeSamples();
const reference = referenceFleet();
const referenceStacks = new Map(addSiteStacks(Testing.app(), reference).map((s) => [s.node.id, s]));

/** Kueue's view of a reference site, from its synthesized JSON (these sites need no Configuration fragment). */
const referenceViews = new Map<string, KueueView>();
function referenceView(site: string): KueueView {
  let view = referenceViews.get(site);
  if (!view) {
    view = kueueView(stackManifests(synthStack(referenceStacks.get(site) as SiteStack)));
    referenceViews.set(site, view);
  }
  return view;
}

const exampleStacks = new Map(addSiteStacks(Testing.app(), exampleFleet()).map((s) => [s.node.id, s]));
function exampleStack(site: string): SiteStack {
  return exampleStacks.get(site)!;
}

/** The example fleet synthesized for real: its NVL72 site's view includes the Configuration file it writes. */
const example = synthFleetToTemp(exampleFleet());
afterAll(() => removeDir(path.dirname(example.outdir)));
function exampleView(site: string, withConfiguration = true): KueueView {
  const file = path.join(example.outdir, 'stacks', site, KUEUE_CONFIG_FILE);
  const config = withConfiguration && fs.existsSync(file) ? (YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
  return kueueView(stackManifests(example.readStack(site)), config);
}

function viewOf(fleet: string, site: string): KueueView {
  return fleet === 'reference' ? referenceView(site) : exampleView(site);
}

describe('the README sample jobs', () => {
  it('are all found: an 8-GPU training job, a time-sliced inference job, a MIG notebook and an NVL72 job', () => {
    expect(samples.map((s) => s.name)).toEqual(['training', 'inference', 'notebook', 'nvl72']);
  });

  it.each(samples.map((s) => [s.name, s] as const))('admits the %s sample to the flavor the README names', (_name, sample) => {
    const result = admit(viewOf(sample.fleet, sample.site), jobFromYaml(sample.yaml));
    expect(result).toMatchObject({ admitted: true, flavor: sample.flavor });
  });

  it('refuses the NVL72 sample when Kueue lacks the Configuration fragment (its channel claim is not mapped)', () => {
    const nvl72 = samples.find((s) => s.name === 'nvl72')!;
    expect(fs.existsSync(path.join(example.outdir, 'stacks', 'hami-nvl01', KUEUE_CONFIG_FILE))).toBe(true);
    expect(admit(exampleView('hami-nvl01', false), jobFromYaml(nvl72.yaml))).toEqual({
      admitted: false,
      reason: "DeviceClass compute-domain-default-channel.nvidia.com is not mapped to a resource in Kueue's deviceClassMappings",
    });
  });

  it('writes no Configuration fragment for sites without ComputeDomain pools or fair-sharing weights', () => {
    expect(fs.existsSync(path.join(example.outdir, 'stacks', 'qingyang-h20-01', KUEUE_CONFIG_FILE))).toBe(false);
  });

  it('writes the fragment as YAML a Kueue manager reads, with a header saying where it goes', () => {
    const text = fs.readFileSync(path.join(example.outdir, 'stacks', 'hami-nvl01', KUEUE_CONFIG_FILE), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# Kueue Configuration this site relies on/);
    expect(YAML.parse(text)).toEqual(exampleStack('hami-nvl01').kueue!.manifests.configuration);
  });

  it('does not admit a job in a namespace with no LocalQueue', () => {
    const training = jobFromYaml(samples[0].yaml);
    expect(admit(referenceView('yiwu-dc01'), { ...training, namespace: 'someone-else' })).toEqual({ admitted: false, reason: "LocalQueue someone-else/default doesn't exist" });
    expect(admit(referenceView('yiwu-dc01'), { ...training, namespace: 'someone-else', queueName: undefined })).toMatchObject({ admitted: false });
  });

  it('does not admit a job that requests a resource no ClusterQueue covers (BlockUndeclared)', () => {
    const job = { namespace: 'kunlun-train', podSets: [{ count: 1, requests: { cpu: 1, 'example.com/fpga': 1 } }] };
    expect(admit(referenceView('yiwu-dc01'), job)).toEqual({ admitted: false, reason: 'resource example.com/fpga unavailable in ClusterQueue' });
  });
});

/** Every whole-device flavor of every ClusterQueue of the view fully used: only slices remain. */
function wholeGpusExhausted(view: KueueView): Usage {
  const usage: Usage = {};
  for (const cq of view.clusterQueues.values()) {
    usage[cq.name] = {};
    for (const [flavor, resources] of Object.entries(cq.quota)) {
      if ((resources['nvidia.com/gpu']?.nominal ?? 0) > 0) usage[cq.name][flavor] = { 'nvidia.com/gpu': resources['nvidia.com/gpu'].nominal };
    }
  }
  return usage;
}

describe.each(['reference', 'example'])('whole-GPU jobs in the %s fleet', (name) => {
  const sites = name === 'reference' ? [...referenceStacks.keys()] : example.stacks;
  const gpuJob = (namespace: string) => ({ namespace, podSets: [{ count: 1, requests: { 'nvidia.com/gpu': 1, cpu: 1, memory: '1Gi' } }] });

  it('land on whole-GPU pools only, for every tenant of every site', () => {
    let admitted = 0;
    for (const site of sites) {
      const view = viewOf(name, site);
      const wholeFlavors = [...view.clusterQueues.values()][0].flavorOrder.filter((f) => [...view.clusterQueues.values()].some((cq) => (cq.quota[f]['nvidia.com/gpu']?.nominal ?? 0) > 0));
      for (const [key] of view.localQueues) {
        const namespace = key.split('/')[0];
        const result = admit(view, gpuJob(namespace));
        if (result.admitted) {
          admitted++;
          expect({ site, namespace, flavor: result.flavor, whole: wholeFlavors.includes(result.flavor) }).toEqual({ site, namespace, flavor: result.flavor, whole: true });
        }
      }
    }
    // Every NVIDIA site admits them somewhere (the Ascend site has no nvidia.com/gpu at all).
    expect(admitted).toBeGreaterThan(sites.length - 2);
  });

  it('stay pending rather than take a slice when every whole GPU is in use', () => {
    for (const site of sites) {
      const view = viewOf(name, site);
      const usage = wholeGpusExhausted(view);
      for (const [key] of view.localQueues) {
        const result = admit(view, gpuJob(key.split('/')[0]), usage);
        const cq = view.clusterQueues.get(view.localQueues.get(key)!)!;
        // An Ascend-only site covers no nvidia.com/gpu at all.
        const reason = cq.covered.includes('nvidia.com/gpu') ? `insufficient quota in every flavor of ClusterQueue ${cq.name}` : 'resource nvidia.com/gpu unavailable in ClusterQueue';
        expect({ site, key, result }).toEqual({ site, key, result: { admitted: false, reason } });
      }
    }
  });
});
