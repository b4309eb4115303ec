/**
 * What makes multi-node NVLink (MNNVL, a GB200 NVL72 rack) usable by Kubernetes workloads:
 * NVIDIA DRA driver ComputeDomains (NVIDIA/k8s-dra-driver-gpu, resource.nvidia.com/v1beta1).
 *
 * Why ComputeDomains and not the device plugin's `imex` settings (domain.md s4, s6): across
 * trays, GPU memory is shared through IMEX channels, brokered by IMEX daemons that must know
 * the nodes of their NVLink domain. With the device plugin, `imex.channelIDs: [0]` only injects
 * channel 0; the IMEX daemons and their per-rack node lists stay host configuration outside
 * this repository, and every pod of a rack shares that one channel. A ComputeDomain has the
 * DRA driver start the IMEX daemons on the nodes its pods land on and hand out channels per
 * domain, isolated from pods outside it: nothing per rack to configure on the hosts, and it is
 * NVIDIA's supported path for MNNVL on Kubernetes (GPU Operator docs, "NVIDIA DRA Driver for
 * GPUs: ComputeDomains"). GPUs themselves stay with the device plugin (so Kueue quotas keep
 * counting `nvidia.com/gpu`): install the DRA driver with `resources.gpus.enabled=false` and
 * ComputeDomains on. It needs Kubernetes 1.32 or later with DRA.
 *
 * Wiring, per NVIDIA pool whose NVLink domain spans nodes:
 * - a namespace named after the pool, for the pool's multi-node jobs;
 * - one ComputeDomain `<pool>-mnnvl` there, whose ResourceClaimTemplate `<pool>-imex-channel`
 *   the driver creates; a pod joins with `resourceClaims: [{name: imex, resourceClaimTemplateName:
 *   <pool>-imex-channel}]`;
 * - `numNodes: 0`, as the CRD recommends with IMEXDaemonsWithDNSNames (the driver's default):
 *   daemons start as pods arrive, whatever the job's size, and a shared domain never waits
 *   for a node count;
 * - Kueue keeps the job inside one NVL72: `kueue.x-k8s.io/podset-required-topology:
 *   gpu-fleet.io/nvlink-domain` (see ../topology.ts).
 *
 * The pool's jobs share this one domain. A job that needs IMEX isolation from the pool's
 * other jobs creates its own ComputeDomain in its namespace; nothing here prevents that.
 */
import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Construct } from 'constructs';
import { FIELD_MANAGER } from '../pool-nodes';

export const COMPUTE_DOMAIN_API_VERSION = 'resource.nvidia.com/v1beta1';

export interface ComputeDomainPool {
  /** The pool's id: the namespace, and the prefix of the ComputeDomain and claim template names. */
  readonly pool: string;
}

export interface NvidiaComputeDomainsProps {
  readonly pools: readonly ComputeDomainPool[];
}

/** Names the wiring of one pool uses. */
export function computeDomainNames(pool: string): { namespace: string; computeDomain: string; resourceClaimTemplate: string } {
  return { namespace: pool, computeDomain: `${pool}-mnnvl`, resourceClaimTemplate: `${pool}-imex-channel` };
}

/** The ComputeDomain manifest of one pool. */
export function computeDomainManifest(pool: string): Record<string, unknown> {
  const names = computeDomainNames(pool);
  return {
    apiVersion: COMPUTE_DOMAIN_API_VERSION,
    kind: 'ComputeDomain',
    metadata: { name: names.computeDomain, namespace: names.namespace, labels: { 'app.kubernetes.io/managed-by': 'gpu-fleet', 'gpu-fleet.io/pool': pool } },
    spec: {
      numNodes: 0,
      channel: { resourceClaimTemplate: { name: names.resourceClaimTemplate }, allocationMode: 'Single' },
    },
  };
}

export class NvidiaComputeDomains extends Construct {
  public readonly namespaces: NamespaceV1[] = [];
  public readonly computeDomains: Manifest[] = [];

  constructor(scope: Construct, id: string, props: NvidiaComputeDomainsProps) {
    super(scope, id);
    // Pool ids are DNS-1123 labels, so the namespace is valid and the derived names are valid
    // object names (DNS subdomains of at most 253 characters).
    for (const { pool } of props.pools) {
      const names = computeDomainNames(pool);
      const ns = new NamespaceV1(this, `namespace-${pool}`, {
        metadata: { name: names.namespace, labels: { 'app.kubernetes.io/managed-by': 'gpu-fleet', 'gpu-fleet.io/pool': pool } },
      });
      this.namespaces.push(ns);
      this.computeDomains.push(
        new Manifest(this, `compute-domain-${pool}`, {
          manifest: computeDomainManifest(pool),
          fieldManager: { name: FIELD_MANAGER },
          dependsOn: [ns],
        }),
      );
    }
  }
}
