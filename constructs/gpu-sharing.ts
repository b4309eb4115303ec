/**
 * How a node pool shares its GPUs between pods: a typed choice, made with the static
 * factories (`GpuSharing.exclusive()`, `GpuSharing.timeSlicing(4)`, `GpuSharing.mps(2)`,
 * `GpuSharing.mig(MigLayout.uniform('1g.10gb'))`).
 */
import { GpuModelSpec } from './catalog/gpu-models';
import { MigLayout } from './mig-layout';
import { labelValueProblems } from './kubernetes-names';
import { problem } from './violations';

export type SharingMode = 'exclusive' | 'time-slicing' | 'mps' | 'mig';
/** The device plugin's `flags.migStrategy`. */
export type MigStrategy = 'none' | 'single' | 'mixed';

export interface ReplicaSharingOptions {
  /**
   * Advertise shared GPUs as `nvidia.com/gpu.shared` instead of `nvidia.com/gpu`. Kept on so that
   * a job asking for `nvidia.com/gpu` (a whole GPU) can never be given a time-slice or an MPS
   * client: Kueue quotas and the scheduler then tell the two apart by name. Turning it off is
   * refused by the Kueue rules of the site (stacks/kueue/objects.ts).
   * @default true
   */
  readonly renameByDefault?: boolean;
  /**
   * Refuse requests for more than one shared GPU (they would not get more compute).
   * @default false
   */
  readonly failRequestsGreaterThanOne?: boolean;
}

export class GpuSharing {
  /** One pod per GPU: the device plugin's default. */
  public static exclusive(): GpuSharing {
    return new GpuSharing('exclusive', 1, {});
  }

  /** Time-slicing: each GPU advertised `replicas` times; replicas is an integer >= 2. */
  public static timeSlicing(replicas: number, options: ReplicaSharingOptions = {}): GpuSharing {
    return new GpuSharing('time-slicing', replicas, options);
  }

  /** CUDA MPS: each GPU split into `replicas` MPS clients; replicas is an integer >= 2. */
  public static mps(replicas: number, options: ReplicaSharingOptions = {}): GpuSharing {
    return new GpuSharing('mps', replicas, options);
  }

  /**
   * MIG: every GPU partitioned by `layout`, advertised with migStrategy `mixed` (one resource per
   * profile, `nvidia.com/mig-<profile>`), uniform layouts too: under `single` the plugin advertises
   * every MIG instance as `nvidia.com/gpu` (NVIDIA/k8s-device-plugin README, MIG strategies), and
   * a whole-GPU job would be admitted to, and run on, one MIG slice.
   */
  public static mig(layout: MigLayout): GpuSharing {
    return new GpuSharing('mig', 1, {}, layout);
  }

  private constructor(
    public readonly mode: SharingMode,
    /** Replicas per GPU for time-slicing and MPS; 1 otherwise. */
    public readonly replicas: number,
    public readonly options: ReplicaSharingOptions,
    public readonly migLayout?: MigLayout,
  ) {}

  /** The device plugin's migStrategy for this mode: `mixed` for every MIG layout (see `mig`). */
  public get migStrategy(): MigStrategy {
    return this.migLayout ? 'mixed' : 'none';
  }

  /** True when replicas (time-slicing, MPS) are advertised as `nvidia.com/gpu.shared` (see `renameByDefault`). */
  public get renamesShared(): boolean {
    return (this.mode === 'time-slicing' || this.mode === 'mps') && this.options.renameByDefault !== false;
  }

  /** Devices the plugin advertises for one physical GPU of `model`. */
  public devicesPerGpu(model: GpuModelSpec): number {
    if (this.migLayout) return this.migLayout.instancesPerGpu(model);
    return this.replicas;
  }

  /** A short description for reports: `exclusive`, `time-slicing x4`, `mig all-1g.10gb`. */
  public toString(): string {
    if (this.migLayout) return `mig ${this.migLayout.name}`;
    return this.mode === 'exclusive' ? 'exclusive' : `${this.mode} x${this.replicas}`;
  }
}

/**
 * Most MPS clients (replicas) per GPU: the device plugin's MPS control daemon refuses more on
 * Volta and later, every GPU of the catalog (NVIDIA/k8s-device-plugin
 * cmd/mps-control-daemon/mps/device.go, `maxClients`: 48, 16 before compute capability 7.5).
 */
export const MPS_MAX_CLIENTS = 48;

/**
 * Problems of the sharing mode's own values, whatever the GPU model: replica counts, the MIG
 * layout's name (it becomes the `nvidia.com/mig.config` label value), and the combinations
 * the device plugin refuses (a MIG layout outside MIG mode, above all MPS with migStrategy
 * mixed), which the factories cannot produce but hand-built or deserialized objects could.
 */
export function sharingProblems(sharing: GpuSharing): string[] {
  const out: string[] = [];
  if (sharing.mode === 'time-slicing' || sharing.mode === 'mps') {
    if (!Number.isInteger(sharing.replicas) || sharing.replicas < 2) {
      out.push(problem(`${sharing.mode} replicas must be a whole number >= 2`, sharing.replicas, 'an integer >= 2'));
    } else if (sharing.mode === 'mps' && sharing.replicas > MPS_MAX_CLIENTS) {
      out.push(problem('mps replicas are more clients than the MPS control daemon serves on one GPU', sharing.replicas, `at most ${MPS_MAX_CLIENTS}`));
    }
  }
  if (sharing.mode === 'mig' && !sharing.migLayout) {
    out.push(problem('MIG sharing needs a MIG layout', sharing.migLayout, 'a MigLayout'));
  }
  if (sharing.mode !== 'mig' && sharing.migLayout) {
    if (sharing.mode === 'mps' && sharing.migStrategy === 'mixed') {
      // The device plugin refuses this config outright (domain.md s4).
      out.push(problem('MPS cannot be used with migStrategy mixed', sharing.migStrategy, 'migStrategy none (MPS does not share MIG devices)'));
    } else {
      out.push(problem(`${sharing.mode} sharing cannot have a MIG layout`, sharing.migLayout.name, 'no MIG layout outside GpuSharing.mig'));
    }
  }
  if (sharing.migLayout) out.push(...labelValueProblems('MIG layout name', sharing.migLayout.name));
  return out;
}
