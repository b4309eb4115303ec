/**
 * A MIG layout: how every GPU of a node is partitioned, as mig-parted applies it.
 * Checked against a GPU model by `migLayoutProblems` (profiles exist, counts within each
 * profile's maximum, compute and memory slices fit in one GPU).
 */
import { GpuModelSpec, MIG_COMPUTE_SLICES, MIG_MEMORY_SLICES } from './catalog/gpu-models';
import { problem } from './violations';

const PROFILE = /^[1-7]g\.[0-9]+gb$/;

export class MigLayout {
  /** Every GPU split into as many instances of one profile as fit, e.g. `all-1g.10gb`. */
  public static uniform(profile: string): MigLayout {
    return new MigLayout(`all-${profile}`, { [profile]: 0 }, true);
  }

  /**
   * A layout with explicit instance counts per GPU.
   * @param name the mig-parted config name (and the `nvidia.com/mig.config` label value)
   * @param devices profile -> instances per GPU, e.g. `{ '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 }`
   */
  public static of(name: string, devices: Readonly<Record<string, number>>): MigLayout {
    return new MigLayout(name, { ...devices }, false);
  }

  private constructor(
    /** mig-parted config name, also the `nvidia.com/mig.config` label value. */
    public readonly name: string,
    private readonly requested: Readonly<Record<string, number>>,
    /** True for `uniform`: each profile fills the GPU, whatever `requested` says. */
    private readonly fill: boolean,
  ) {}

  /** Profiles of the layout, in the order given. */
  public get profiles(): string[] {
    return Object.keys(this.requested);
  }

  /** True when the layout uses one profile only (the device plugin's `single` strategy). */
  public get isUniform(): boolean {
    return this.profiles.length === 1;
  }

  /**
   * Instances per GPU of each profile for `model`: uniform layouts fill the GPU with as
   * many instances as the profile allows.
   */
  public devicesFor(model: GpuModelSpec): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, count] of Object.entries(this.requested)) {
      const spec = model.migProfiles.find((p) => p.name === name);
      out[name] = this.fill ? (spec?.maxCount ?? 0) : count;
    }
    return out;
  }

  /** MIG instances one GPU of `model` holds under this layout. */
  public instancesPerGpu(model: GpuModelSpec): number {
    return Object.values(this.devicesFor(model)).reduce((a, b) => a + b, 0);
  }
}

/** Every reason `layout` cannot be applied to a GPU of `model`. */
export function migLayoutProblems(layout: MigLayout, model: GpuModelSpec): string[] {
  const out: string[] = [];
  if (model.migProfiles.length === 0) {
    return [problem(`GPU model ${model.name} does not support MIG`, layout.name, 'a MIG-capable model or no MIG layout')];
  }
  if (layout.profiles.length === 0) out.push(problem('MIG layout has no profiles', layout.name, 'at least one profile'));
  let compute = 0;
  let memory = 0;
  const known = model.migProfiles.map((p) => p.name).join(', ');
  for (const [name, count] of Object.entries(layout.devicesFor(model))) {
    const spec = model.migProfiles.find((p) => p.name === name);
    if (!PROFILE.test(name) || !spec) {
      out.push(problem(`MIG profile ${name} does not exist on ${model.name}`, name, `one of ${known}`));
      continue;
    }
    if (!Number.isInteger(count) || count < 1 || count > spec.maxCount) {
      out.push(problem(`MIG profile ${name} count is out of range on ${model.name}`, count, `an integer from 1 to ${spec.maxCount}`));
      continue;
    }
    compute += count * spec.computeSlices;
    memory += count * spec.memorySlices;
  }
  if (compute > MIG_COMPUTE_SLICES) {
    out.push(problem(`MIG layout ${layout.name} needs more compute slices than one GPU has`, compute, `at most ${MIG_COMPUTE_SLICES}`));
  }
  if (memory > MIG_MEMORY_SLICES) {
    out.push(problem(`MIG layout ${layout.name} needs more memory slices than one GPU has`, memory, `at most ${MIG_MEMORY_SLICES}`));
  }
  return out;
}
