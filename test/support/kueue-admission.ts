/**
 * Test helper: a small, pure model of how Kueue admits a job, built from a site's synthesized
 * objects (the `kubernetes_manifest` resources of cdk.tf.json and the Kueue Configuration
 * fragment). It follows kubernetes-sigs/kueue:
 *
 * - the job names a LocalQueue by the label `kueue.x-k8s.io/queue-name`, or gets `default` when
 *   its namespace has a LocalQueue of that name (LocalQueueDefaulting); a LocalQueue that does
 *   not exist leaves the job pending (pkg/controller/core/workload_controller.go);
 * - the LocalQueue's ClusterQueue must select the job's namespace (`namespaceSelector`);
 * - every resource requested (cpu, memory, pods = pod count, devices, and DRA claims counted
 *   through `deviceClassMappings`) must be covered by the ClusterQueue (BlockUndeclared), and a
 *   claim of an unmapped device class is refused;
 * - flavors are tried in the order of the resource group; the first whose node labels agree
 *   with the pod's node selector and whose quota fits every requested resource wins
 *   (pkg/scheduler/flavorassigner/flavorassigner.go). What fits is nominal quota less usage,
 *   plus what the cohort's other ClusterQueues leave unused within their lending limits, capped
 *   by the queue's borrowing limit.
 *
 * It leaves out what these tests do not exercise: preemption, fair sharing, TAS placement.
 */
import * as YAML from 'yaml';

// Manifests are data of arbitrary shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

interface FlavorQuota {
  readonly nominal: number;
  readonly borrowingLimit?: number;
  readonly lendingLimit?: number;
}

export interface ClusterQueueView {
  readonly name: string;
  readonly cohort?: string;
  /** Namespaces it admits, or 'all'. */
  readonly namespaces: readonly string[] | 'all';
  readonly covered: readonly string[];
  /** Flavor names in the order Kueue tries them. */
  readonly flavorOrder: readonly string[];
  /** flavor -> resource -> quota. */
  readonly quota: Readonly<Record<string, Readonly<Record<string, FlavorQuota>>>>;
}

export interface KueueView {
  readonly clusterQueues: ReadonlyMap<string, ClusterQueueView>;
  /** `<namespace>/<name>` -> ClusterQueue name. */
  readonly localQueues: ReadonlyMap<string, string>;
  /** flavor -> node labels. */
  readonly flavors: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** device class -> logical resource, from the Configuration's deviceClassMappings. */
  readonly deviceClasses: ReadonlyMap<string, string>;
}

/** One pod set of a job: `count` pods, each requesting `requests` and the DRA claims of `deviceClasses`. */
export interface PodSetRequest {
  readonly count: number;
  readonly requests: Readonly<Record<string, string | number>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Device class -> devices per pod, from the pod's resource claim templates. */
  readonly deviceClasses?: Readonly<Record<string, number>>;
}

export interface JobRequest {
  readonly namespace: string;
  /** The `kueue.x-k8s.io/queue-name` label. @default none: LocalQueueDefaulting applies */
  readonly queueName?: string;
  readonly podSets: readonly PodSetRequest[];
}

export type Admission = { readonly admitted: true; readonly clusterQueue: string; readonly flavor: string } | { readonly admitted: false; readonly reason: string };

/** resource usage: ClusterQueue -> flavor -> resource -> amount in use. */
export type Usage = Record<string, Record<string, Record<string, number>>>;

/** A Kubernetes quantity as a number (memory in bytes, cpu in cores). */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)(Ki|Mi|Gi|Ti|Pi|m|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const unit: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(m[1]) * (m[2] ? unit[m[2]] : 1);
}

/** Kueue's view of a site: from its manifests (ClusterQueues, LocalQueues, ResourceFlavors) and Configuration fragment. */
export function kueueView(manifests: readonly Obj[], configuration?: Obj): KueueView {
  const clusterQueues = new Map<string, ClusterQueueView>();
  const localQueues = new Map<string, string>();
  const flavors = new Map<string, Record<string, string>>();
  for (const m of manifests) {
    if (m.kind === 'ResourceFlavor') flavors.set(m.metadata.name, m.spec.nodeLabels ?? {});
    if (m.kind === 'LocalQueue') localQueues.set(`${m.metadata.namespace}/${m.metadata.name}`, m.spec.clusterQueue);
    if (m.kind === 'ClusterQueue') {
      const sel = m.spec.namespaceSelector;
      const names = sel && Object.keys(sel).length > 0 ? (sel.matchExpressions as Obj[]).find((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'In')?.values ?? [] : 'all';
      const quota: Record<string, Record<string, FlavorQuota>> = {};
      const order: string[] = [];
      const covered: string[] = [];
      for (const g of m.spec.resourceGroups as Obj[]) {
        covered.push(...g.coveredResources);
        for (const f of g.flavors as Obj[]) {
          order.push(f.name);
          quota[f.name] = Object.fromEntries(
            (f.resources as Obj[]).map((r) => [
              r.name,
              {
                nominal: parseQuantity(r.nominalQuota),
                borrowingLimit: r.borrowingLimit === undefined ? undefined : parseQuantity(r.borrowingLimit),
                lendingLimit: r.lendingLimit === undefined ? undefined : parseQuantity(r.lendingLimit),
              },
            ]),
          );
        }
      }
      clusterQueues.set(m.metadata.name, { name: m.metadata.name, cohort: m.spec.cohortName, namespaces: names, covered, flavorOrder: order, quota });
    }
  }
  const deviceClasses = new Map<string, string>();
  for (const mapping of (configuration?.resources?.deviceClassMappings ?? []) as Obj[]) for (const c of mapping.deviceClassNames) deviceClasses.set(c, mapping.name);
  return { clusterQueues, localQueues, flavors, deviceClasses };
}

/** The kubernetes_manifest objects of a synthesized stack. */
export function stackManifests(tf: Obj): Obj[] {
  return Object.values((tf.resource?.kubernetes_manifest ?? {}) as Record<string, Obj>).map((r) => r.manifest);
}

/** Whether and where Kueue admits `job`, given what is already in use. */
export function admit(view: KueueView, job: JobRequest, usage: Usage = {}): Admission {
  const queueName = job.queueName ?? 'default';
  const cqName = view.localQueues.get(`${job.namespace}/${queueName}`);
  if (cqName === undefined) {
    return { admitted: false, reason: job.queueName === undefined ? `namespace ${job.namespace} has no default LocalQueue: the job is not managed by Kueue` : `LocalQueue ${job.namespace}/${queueName} doesn't exist` };
  }
  const cq = view.clusterQueues.get(cqName);
  if (!cq) return { admitted: false, reason: `ClusterQueue ${cqName} doesn't exist` };
  if (cq.namespaces !== 'all' && !cq.namespaces.includes(job.namespace)) return { admitted: false, reason: `ClusterQueue ${cqName} does not select namespace ${job.namespace}` };
  // Kueue assigns a flavor per pod set; these jobs have one pod set, or several that must agree.
  let flavor: string | undefined;
  const totals: Record<string, number> = {};
  for (const ps of job.podSets) {
    const perPod: Record<string, number> = { pods: 1 };
    for (const [r, q] of Object.entries(ps.requests)) perPod[r] = (perPod[r] ?? 0) + parseQuantity(q);
    for (const [cls, n] of Object.entries(ps.deviceClasses ?? {})) {
      const mapped = view.deviceClasses.get(cls);
      if (mapped === undefined) return { admitted: false, reason: `DeviceClass ${cls} is not mapped to a resource in Kueue's deviceClassMappings` };
      perPod[mapped] = (perPod[mapped] ?? 0) + n;
    }
    for (const [r, q] of Object.entries(perPod)) totals[r] = (totals[r] ?? 0) + q * ps.count;
    const selector = ps.nodeSelector ?? {};
    for (const r of Object.keys(perPod)) if (!cq.covered.includes(r)) return { admitted: false, reason: `resource ${r} unavailable in ClusterQueue` };
    flavor ??= cq.flavorOrder.find((f) => Object.entries(selector).every(([k, v]) => (view.flavors.get(f) ?? {})[k] === undefined || view.flavors.get(f)![k] === v) && fits(view, cq, f, totals, usage));
  }
  if (flavor === undefined) return { admitted: false, reason: `insufficient quota in every flavor of ClusterQueue ${cqName}` };
  return { admitted: true, clusterQueue: cqName, flavor };
}

function used(usage: Usage, cq: string, flavor: string, r: string): number {
  return usage[cq]?.[flavor]?.[r] ?? 0;
}

/** True when `need` fits flavor `f` of `cq`: its own unused quota plus what it may borrow. */
function fits(view: KueueView, cq: ClusterQueueView, f: string, need: Record<string, number>, usage: Usage): boolean {
  return Object.entries(need).every(([r, amount]) => {
    const own = cq.quota[f]?.[r];
    if (!own) return false;
    const free = own.nominal - used(usage, cq.name, f, r);
    let lendable = 0;
    if (cq.cohort !== undefined) {
      for (const other of view.clusterQueues.values()) {
        if (other === cq || other.cohort !== cq.cohort) continue;
        const q = other.quota[f]?.[r];
        if (!q) continue;
        const unused = Math.max(0, q.nominal - used(usage, other.name, f, r));
        lendable += q.lendingLimit === undefined ? unused : Math.min(unused, q.lendingLimit);
      }
    }
    const borrowable = own.borrowingLimit === undefined ? lendable : Math.min(lendable, own.borrowingLimit);
    return amount <= free + borrowable;
  });
}

/**
 * The job of a YAML document set (a README sample): its Job or JobSet pods as pod sets, with the
 * device classes of the resource claim templates the pods use (a ComputeDomain's channel
 * template has class compute-domain-default-channel.nvidia.com).
 */
export function jobFromYaml(text: string): JobRequest {
  const docs = YAML.parseAllDocuments(text).map((d) => d.toJS() as Obj).filter((d) => d);
  const templates = new Map<string, string>();
  for (const d of docs) {
    if (d.kind === 'ComputeDomain') templates.set(d.spec.channel.resourceClaimTemplate.name, 'compute-domain-default-channel.nvidia.com');
    if (d.kind === 'ResourceClaimTemplate') templates.set(d.metadata.name, d.spec.spec.devices.requests[0].exactly?.deviceClassName ?? d.spec.spec.devices.requests[0].deviceClassName);
  }
  const job = docs.find((d) => d.kind === 'Job');
  if (!job) throw new Error('sample has no Job');
  const pod = job.spec.template.spec;
  const requests: Record<string, number> = {};
  for (const c of pod.containers as Obj[]) for (const [r, q] of Object.entries((c.resources?.requests ?? c.resources?.limits ?? {}) as Record<string, string>)) requests[r] = (requests[r] ?? 0) + parseQuantity(q);
  const deviceClasses: Record<string, number> = {};
  for (const claim of (pod.resourceClaims ?? []) as Obj[]) {
    const cls = templates.get(claim.resourceClaimTemplateName);
    if (cls === undefined) throw new Error(`sample uses claim template ${claim.resourceClaimTemplateName}, which it does not define`);
    deviceClasses[cls] = (deviceClasses[cls] ?? 0) + 1;
  }
  return {
    namespace: job.metadata.namespace,
    queueName: job.metadata.labels?.['kueue.x-k8s.io/queue-name'],
    podSets: [{ count: job.spec.parallelism ?? 1, requests, nodeSelector: pod.nodeSelector, deviceClasses }],
  };
}
