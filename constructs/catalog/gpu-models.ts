/**
 * GPU models the fleet can hold, as typed data.
 *
 * Figures come from ../shared/reference/domain.md (section 2), which cites NVIDIA's
 * datasheets and the MIG user guide ("Supported GPUs") and NVIDIA/mig-parted
 * deployments/systemd/config-default.yaml (the `all-*` entries) for the MIG profiles.
 */
import { unknownNameError } from './lookup';

export type Vendor = 'nvidia' | 'huawei';

/** What NVIDIA's device plugin advertises a whole GPU (or a MIG device under migStrategy single) as. */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';
/** What Huawei's Ascend device plugin advertises 910, 910B and A3 NPUs as (domain.md s7). */
export const ASCEND910_RESOURCE = 'huawei.com/Ascend910';

/** One MIG profile of a GPU model, e.g. `1g.10gb`. */
export interface MigProfileSpec {
  /** Profile name as NVIDIA writes it (`<compute>g.<memory>gb`). */
  readonly name: string;
  /** Most instances of this profile one GPU can hold. */
  readonly maxCount: number;
  /** Compute slices (of 7) one instance takes. */
  readonly computeSlices: number;
  /** Memory slices (of 8) one instance takes. */
  readonly memorySlices: number;
}

export interface GpuModelSpec {
  /** Catalog key, e.g. `H100-80GB`. */
  readonly name: string;
  readonly vendor: Vendor;
  /** The product name the vendor's feature discovery reports, used for node labels. */
  readonly product: string;
  readonly memoryGb: number;
  /** Board power of one GPU in watts. */
  readonly tdpW: number;
  /** MIG profiles; empty when the model has no MIG. */
  readonly migProfiles: readonly MigProfileSpec[];
  /**
   * Extended resource the vendor's device plugin advertises the accelerator as.
   * @default `nvidia.com/gpu` for NVIDIA, `huawei.com/Ascend910` for Huawei (see `deviceResourceName`)
   */
  readonly resourceName?: string;
  /**
   * Devices the device plugin advertises for one accelerator package: 2 for the Ascend 910C,
   * whose two dies each show up as one NPU (MindCluster labels an 8 x 910C server
   * `accelerator-type=module-a3-16-super-pod`: 16 NPUs a node).
   * @default 1
   */
  readonly devicesPerPackage?: number;
  /**
   * PCI device ids of the model's boards, as mig-parted's `device-filter` writes them
   * (`0x<device><vendor>`, vendor 10DE for NVIDIA), SXM and PCIe forms alike: the ids
   * NVIDIA/mig-parted deployments/systemd/config-default.yaml lists per model, named after
   * NVIDIA's entries in the PCI ID repository (pci-ids.ucw.cz, vendor 10de). Empty for
   * models without MIG.
   * @default none
   */
  readonly pciDeviceIds?: readonly string[];
}

/** Compute slices per MIG-capable GPU (MIG user guide). */
export const MIG_COMPUTE_SLICES = 7;
/** Memory slices per MIG-capable GPU (MIG user guide). */
export const MIG_MEMORY_SLICES = 8;

/**
 * Every MIG-capable model in the catalog has the same six-profile ladder; only the memory
 * per profile differs. The slice shape of each rung is from the MIG user guide:
 * 1g (1 memory slice), 1g (2), 2g (2), 3g (4), 4g (4), 7g (8); max counts 7, 4, 3, 2, 1, 1.
 */
function migLadder(memGb: readonly [number, number, number, number, number, number]): MigProfileSpec[] {
  const shape: ReadonlyArray<[number, number, number]> = [
    // [compute slices, memory slices, max count]
    [1, 1, 7],
    [1, 2, 4],
    [2, 2, 3],
    [3, 4, 2],
    [4, 4, 1],
    [7, 8, 1],
  ];
  return shape.map(([computeSlices, memorySlices, maxCount], i) => ({
    name: `${computeSlices}g.${memGb[i]}gb`,
    maxCount,
    computeSlices,
    memorySlices,
  }));
}

const MODELS: readonly GpuModelSpec[] = [
  // A100 SXM 40GB: 40 GB HBM2e, 400 W; MIG 1g.5gb..7g.40gb (domain.md s2).
  { name: 'A100-40GB', vendor: 'nvidia', product: 'NVIDIA-A100-SXM4-40GB', memoryGb: 40, tdpW: 400, migProfiles: migLadder([5, 10, 10, 20, 20, 40]), pciDeviceIds: ['0x20B010DE', '0x20B110DE', '0x20F110DE'] },
  // A100 SXM 80GB: 80 GB HBM2e, 400 W; MIG 1g.10gb..7g.80gb (domain.md s2).
  { name: 'A100-80GB', vendor: 'nvidia', product: 'NVIDIA-A100-SXM4-80GB', memoryGb: 80, tdpW: 400, migProfiles: migLadder([10, 20, 20, 40, 40, 80]), pciDeviceIds: ['0x20B210DE', '0x20B510DE'] },
  // A800: an A100 80GB with NVLink cut to 400 GB/s; same memory, power and MIG (domain.md s2).
  { name: 'A800-80GB', vendor: 'nvidia', product: 'NVIDIA-A800-SXM4-80GB', memoryGb: 80, tdpW: 400, migProfiles: migLadder([10, 20, 20, 40, 40, 80]), pciDeviceIds: ['0x20F310DE', '0x20F510DE'] },
  // H100 SXM5: 80 GB HBM3, 700 W, NVLink 900 GB/s; MIG as A100 80GB (domain.md s2).
  { name: 'H100-80GB', vendor: 'nvidia', product: 'NVIDIA-H100-80GB-HBM3', memoryGb: 80, tdpW: 700, migProfiles: migLadder([10, 20, 20, 40, 40, 80]), pciDeviceIds: ['0x233010DE', '0x233110DE'] },
  // H800: the H100 die with NVLink cut; same memory, power and MIG (domain.md s2).
  { name: 'H800-80GB', vendor: 'nvidia', product: 'NVIDIA-H800-80GB-HBM3', memoryGb: 80, tdpW: 700, migProfiles: migLadder([10, 20, 20, 40, 40, 80]), pciDeviceIds: ['0x232410DE', '0x232210DE'] },
  // H20: China-market part, 96 GB HBM3, 400 W; MIG 1g.12gb..7g.96gb (domain.md s2).
  { name: 'H20-96GB', vendor: 'nvidia', product: 'NVIDIA-H20', memoryGb: 96, tdpW: 400, migProfiles: migLadder([12, 24, 24, 48, 48, 96]), pciDeviceIds: ['0x232910DE'] },
  // H200 SXM: 141 GB HBM3e, 700 W; MIG 1g.18gb..7g.141gb (domain.md s2).
  { name: 'H200-141GB', vendor: 'nvidia', product: 'NVIDIA-H200', memoryGb: 141, tdpW: 700, migProfiles: migLadder([18, 35, 35, 71, 71, 141]), pciDeviceIds: ['0x233510DE', '0x233B10DE'] },
  // B200: 180 GB usable, 1,000 W; MIG 1g.23gb..7g.180gb (domain.md s2).
  { name: 'B200-180GB', vendor: 'nvidia', product: 'NVIDIA-B200', memoryGb: 180, tdpW: 1000, migProfiles: migLadder([23, 45, 45, 90, 90, 180]), pciDeviceIds: ['0x290110DE'] },
  // GB200, per GPU: 186 GB; a superchip (1 Grace + 2 B200) draws about 2.7 kW, so about
  // 1,350 W per GPU including its share of the Grace CPU; MIG 1g.23gb..7g.186gb (domain.md s2).
  { name: 'GB200-186GB', vendor: 'nvidia', product: 'NVIDIA-GB200', memoryGb: 186, tdpW: 1350, migProfiles: migLadder([23, 47, 47, 93, 93, 186]), pciDeviceIds: ['0x294110DE'] },
  // Huawei Ascend 910B: 64 GB HBM2e, no MIG (vNPU slices instead, not modelled); board power
  // 310-400 W as sources disagree, so power planning takes the upper figure (domain.md s2).
  // Its device plugin advertises it as huawei.com/Ascend910 (domain.md s7).
  { name: 'Ascend-910B-64GB', vendor: 'huawei', product: 'Ascend910B', memoryGb: 64, tdpW: 400, migProfiles: [], resourceName: ASCEND910_RESOURCE },
  // Huawei Ascend 910C: two 910B dies in one package, 128 GB, no MIG (domain.md s2). No board
  // power is published in our sources: two 910B dies at 400 W each, 800 W (derived). The A3
  // device plugin shows each die as one NPU, so a package counts as two huawei.com/Ascend910
  // (Ascend/mind-cluster docs: an Atlas 900 A3 SuperPoD node holds eight dual-die modules and is
  // labelled module-a3-16-super-pod; jobs take 1 to 16 NPUs of it).
  {
    name: 'Ascend-910C-128GB',
    vendor: 'huawei',
    product: 'Ascend910C',
    memoryGb: 128,
    tdpW: 800,
    migProfiles: [],
    resourceName: ASCEND910_RESOURCE,
    devicesPerPackage: 2,
  },
];

const BY_NAME = new Map(MODELS.map((m) => [m.name, m]));

/** All GPU models in the catalog, in catalog order. */
export function gpuModels(): readonly GpuModelSpec[] {
  return MODELS;
}

/**
 * Looks a GPU model up by its catalog name.
 * @throws when the name is unknown; the message lists the known names.
 */
export function gpuModel(name: string): GpuModelSpec {
  const found = BY_NAME.get(name);
  if (!found) throw unknownNameError('GPU model', name, [...BY_NAME.keys()]);
  return found;
}

/** The extended resource the model's device plugin advertises (before any GPU sharing). */
export function deviceResourceName(model: GpuModelSpec): string {
  return model.resourceName ?? (model.vendor === 'huawei' ? ASCEND910_RESOURCE : NVIDIA_GPU_RESOURCE);
}

/** Devices the device plugin advertises per accelerator package (2 for a dual-die 910C). */
export function devicesPerPackage(model: GpuModelSpec): number {
  return model.devicesPerPackage ?? 1;
}

/** True when the model supports MIG partitioning. */
export function supportsMig(model: GpuModelSpec): boolean {
  return model.migProfiles.length > 0;
}
