/**
 * Every image the stacks deploy or configure, fully qualified (registry host, repository, pinned
 * tag), in one table, and how a site's registry mirror rewrites them.
 *
 * A mirror prefixes the whole upstream reference: `nvcr.io/nvidia/k8s-device-plugin:v0.20.0`
 * through `registry.example.cn/mirror` is
 * `registry.example.cn/mirror/nvcr.io/nvidia/k8s-device-plugin:v0.20.0`. Keeping the upstream
 * host in the path keeps images of different registries apart (a Harbor proxy-cache project per
 * upstream, or one mirror that syncs by full reference, both fit).
 */

/** An image as the GPU Operator's ClusterPolicy and the Helm charts spell it: repository, image, version. */
export interface ImageRef {
  /** Registry host and path up to the image name, e.g. `nvcr.io/nvidia`. */
  readonly repository: string;
  readonly image: string;
  readonly version: string;
}

/**
 * Upstream images, pinned. NVIDIA's are the defaults of the GPU Operator v26.7.0 chart
 * (NVIDIA/gpu-operator deployments/gpu-operator/values.yaml at v26.7.0) and of the DRA driver
 * chart v25.12.0 (NVIDIA/k8s-dra-driver-gpu deployments/helm/nvidia-dra-driver-gpu); NFD is the
 * Operator chart's node-feature-discovery subchart (appVersion v0.19.0).
 */
export const IMAGES = {
  devicePlugin: { repository: 'nvcr.io/nvidia', image: 'k8s-device-plugin', version: 'v0.20.0' },
  gpuOperator: { repository: 'nvcr.io/nvidia', image: 'gpu-operator', version: 'v26.7.0' },
  driver: { repository: 'nvcr.io/nvidia', image: 'driver', version: '595.91.07' },
  driverManager: { repository: 'nvcr.io/nvidia/cloud-native', image: 'k8s-driver-manager', version: 'v0.12.0' },
  toolkit: { repository: 'nvcr.io/nvidia/k8s', image: 'container-toolkit', version: 'v1.20.0' },
  dcgm: { repository: 'nvcr.io/nvidia/cloud-native', image: 'dcgm', version: '4.6.0-1-ubuntu24.04' },
  dcgmExporter: { repository: 'nvcr.io/nvidia/k8s', image: 'dcgm-exporter', version: '4.6.0-4.8.3-distroless' },
  migManager: { repository: 'nvcr.io/nvidia/cloud-native', image: 'k8s-mig-manager', version: 'v0.15.0' },
  nodeFeatureDiscovery: { repository: 'registry.k8s.io/nfd', image: 'node-feature-discovery', version: 'v0.19.0' },
  draDriver: { repository: 'nvcr.io/nvidia', image: 'k8s-dra-driver-gpu', version: 'v25.12.0' },
  /**
   * Huawei publishes MindCluster images on AscendHub, pulled from Huawei Cloud SWR; upstream's
   * manifest uses a locally built `ascend-k8sdeviceplugin` with `imagePullPolicy: Never`, a bare
   * name that would resolve to Docker Hub. v6.0.0 is the build script's default version.
   */
  ascendDevicePlugin: { repository: 'swr.cn-south-1.myhuaweicloud.com/ascendhub', image: 'ascend-k8sdeviceplugin', version: 'v6.0.0' },
} as const satisfies Record<string, ImageRef>;

/** `repository` through the mirror `registry`, or as it is without one. */
export function mirrored(repository: string, registry: string | undefined): string {
  return registry === undefined ? repository : `${registry}/${repository}`;
}

/** The full reference `<repository>/<image>:<version>` of `ref`, through the mirror `registry` if any. */
export function imageReference(ref: ImageRef, registry: string | undefined): string {
  return `${mirrored(ref.repository, registry)}/${ref.image}:${ref.version}`;
}

/** `ref` with its repository through the mirror `registry` (ClusterPolicy and Helm values form). */
export function mirroredRef(ref: ImageRef, registry: string | undefined): ImageRef {
  return { repository: mirrored(ref.repository, registry), image: ref.image, version: ref.version };
}
