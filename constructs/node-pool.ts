/**
 * A Kubernetes node pool: a named set of servers of one GPU model that share GPUs the same
 * way, carry the same taints and extra labels, and select one device-plugin config.
 */
import { Construct } from 'constructs';
import { devicesPerPackage, GpuModelSpec } from './catalog/gpu-models';
import { GpuSharing, sharingProblems } from './gpu-sharing';
import { dns1123LabelProblems, labelMapProblems, managedLabelKeyProblems } from './kubernetes-names';
import { migLayoutProblems } from './mig-layout';
import { Server } from './server';
import { Site } from './site';
import { duplicateTaintProblems, Taint, taintProblems } from './taint';
import { problem, PropChecker, summarise, uniqueIdCheck } from './violations';

export interface NodePoolProps {
  /** Servers of the pool, all of one GPU model. More can be added with `addServers`. @default none */
  readonly servers?: readonly Server[];
  /** How pods share the pool's GPUs. @default GpuSharing.exclusive() */
  readonly sharing?: GpuSharing;
  /** Taints on every node of the pool. @default none */
  readonly taints?: readonly Taint[];
  /** Extra labels on every node of the pool. @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

export class NodePool extends Construct {
  public readonly site: Site;
  public readonly sharing: GpuSharing;
  public readonly taints: readonly Taint[];
  public readonly labels: Readonly<Record<string, string>>;
  private readonly _servers: Server[] = [];

  constructor(scope: Site, id: string, props: NodePoolProps = {}) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'node pool');
    for (const m of dns1123LabelProblems('pool name', id)) check.add(m);
    const sharing = props.sharing ?? GpuSharing.exclusive();
    const sharingOk = check.check(sharing instanceof GpuSharing, 'sharing must be a GpuSharing', sharing, 'GpuSharing.exclusive(), .timeSlicing(n), .mps(n) or .mig(layout)');
    if (sharingOk) for (const m of sharingProblems(sharing)) check.add(m);
    const labelProblems = labelMapProblems('label', props.labels ?? {});
    for (const key of Object.keys(props.labels ?? {})) labelProblems.push(...managedLabelKeyProblems('label key', key));
    const taintProblemList = [...(props.taints ?? []).flatMap((t) => taintProblems(t)), ...duplicateTaintProblems(props.taints ?? [])];
    for (const m of [...labelProblems, ...taintProblemList]) check.add(m);
    const labelsOk = labelProblems.length === 0;
    const taintsOk = taintProblemList.length === 0;
    const serversOk = check.check(props.servers === undefined || Array.isArray(props.servers), 'servers must be a list of Servers', props.servers, 'a list of Servers');
    check.defer();
    super(scope, id);
    this.site = scope;
    // Safe values in place of bad ones (reported above), so the rest of the site is checked too.
    this.sharing = sharingOk ? sharing : GpuSharing.exclusive();
    this.taints = taintsOk ? [...(props.taints ?? [])] : [];
    this.labels = labelsOk ? { ...(props.labels ?? {}) } : {};
    scope.registerPool(this);
    if (serversOk) for (const s of props.servers ?? []) if (s instanceof Server) this.addServer(s);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Adds servers to the pool. */
  public addServers(...servers: Server[]): void {
    for (const s of servers) this.addServer(s);
  }

  private addServer(server: Server): void {
    this._servers.push(server);
    server.joinPool(this);
  }

  public get servers(): readonly Server[] {
    return this._servers;
  }

  /** Name of the pool's device-plugin config (the `nvidia.com/device-plugin.config` value). */
  public get configName(): string {
    return this.node.id;
  }

  /** The pool's GPU model (that of its first server), or undefined when it is empty. */
  public get gpuModel(): GpuModelSpec | undefined {
    return this._servers[0]?.platform.gpuModel;
  }

  /** Physical GPUs in the pool. */
  public get gpus(): number {
    return this._servers.reduce((sum, s) => sum + s.gpus, 0);
  }

  /**
   * GPU devices the device plugin advertises for the pool (after time-slicing, MPS or MIG; a
   * dual-die Ascend 910C counts as two NPUs).
   */
  public get advertisedDevices(): number {
    const model = this.gpuModel;
    return model ? this.gpus * devicesPerPackage(model) * this.sharing.devicesPerGpu(model) : 0;
  }

  private problems(): string[] {
    const out: string[] = [];
    if (this._servers.length === 0) out.push(problem('node pool has no servers', 0, 'at least one server'));
    const listed = new Set<Server>();
    const twice = new Set<string>();
    for (const s of this._servers) {
      if (listed.has(s)) twice.add(s.node.path);
      listed.add(s);
    }
    if (twice.size > 0) out.push(problem('node pool lists a server more than once', paths([...twice]), 'each server once'));
    const models = [...new Set(this._servers.map((s) => s.platform.gpuModel.name))];
    // One vendor per pool: each vendor has its own device plugin, resource name and labels.
    const vendors = [...new Set(this._servers.map((s) => s.platform.gpuModel.vendor))];
    if (vendors.length > 1) out.push(problem('node pool mixes accelerator vendors', vendors, 'one vendor per pool'));
    if (models.length > 1) out.push(problem('node pool mixes GPU models', models, 'one GPU model per pool'));
    const foreign = this._servers.filter((s) => s.rack.site !== this.site).map((s) => s.node.path);
    if (foreign.length > 0) out.push(problem('node pool has servers of another site', paths(foreign), `servers of ${this.site.node.path}`));
    const model = this.gpuModel;
    const layout = this.sharing.migLayout;
    if (model && model.vendor !== 'nvidia' && this.sharing.mode !== 'exclusive') {
      // MIG, MPS and time-slicing are features of NVIDIA's driver and device plugin. Ascend NPUs
      // split into vNPUs (huawei.com/Ascend910-2c, ...), which the fleet does not model.
      out.push(problem(`${this.sharing.mode} is NVIDIA GPU sharing, but the pool holds ${model.name} (${model.vendor})`, this.sharing.toString(), 'exclusive for non-NVIDIA accelerators'));
    } else if (model && layout) {
      out.push(...migLayoutProblems(layout, model));
    }
    return out;
  }
}

/** Server paths for a message: the list itself when short, a summary when long (`summarise`). */
function paths(list: string[]): string[] | string {
  return list.length > 3 ? summarise(list, 'server') : list;
}
