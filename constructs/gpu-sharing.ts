/**
 * How a node pool shares its GPUs between pods: a typed choice, made with the static
 * factories (`GpuSharing.exclusive()`, `GpuSharing.timeSlicing(4)`, `GpuSharing.mps(2)`,
 * `GpuSharing.mig(MigLayout.uniform('1g.10gb'))`).
 */
import { GpuModelSpec } from './catalog/gpu-models';
import { MigLayout } from './mig-layout';
import { problem } from './violations';

export type SharingMode = 'exclusive' | 'time-slicing' | 'mps' | 'mig';
/** The device plugin's `flags.migStrategy`. */
export type MigStrategy = 'none' | 'single' | 'mixed';

export interface ReplicaSharingOptions {
  /**
   * Advertise shared GPUs as `nvidia.com/gpu.shared` instead of `nvidia.com/gpu`.
   * @default false
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

  /** MIG: every GPU partitioned by `layout` (strategy `single` when uniform, else `mixed`). */
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

  /** The device plugin's migStrategy for this mode. */
  public get migStrategy(): MigStrategy {
    if (!this.migLayout) return 'none';
    return this.migLayout.isUniform ? 'single' : 'mixed';
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

/** Problems of the sharing mode's own values (replica counts). */
export function sharingProblems(sharing: GpuSharing): string[] {
  if (sharing.mode !== 'time-slicing' && sharing.mode !== 'mps') return [];
  if (Number.isInteger(sharing.replicas) && sharing.replicas >= 2) return [];
  return [problem(`${sharing.mode} replicas must be a whole number >= 2`, sharing.replicas, 'an integer >= 2')];
}
