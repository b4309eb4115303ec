/** A data-centre site: one Kubernetes cluster and one Terraform stack. */
import { Construct } from 'constructs';
import { Fleet } from './fleet';
import { dns1123LabelProblems, labelValueProblems } from './kubernetes-names';
import type { NodePool } from './node-pool';
import type { PowerFeed } from './power-feed';
import type { Rack } from './rack';
import type { Server } from './server';
import { platformNames } from './catalog/platforms';
import { imageRegistryProblems, NvidiaSoftware, nvidiaSoftwareProblems } from './nvidia-software';
import { sharedStateProblems, StateBackend } from './state-backend';
import { enclosing, problem, PropChecker, summarise, uniqueIdCheck } from './violations';

export interface SiteProps {
  /** Province or region, the `topology.kubernetes.io/region` label value, e.g. `xinjiang`. */
  readonly region: string;
  /** Zone within the region, the `topology.kubernetes.io/zone` label value, e.g. `hami-yiwu`. */
  readonly zone: string;
  /** Power the utility connection delivers to the site, in MW. */
  readonly utilityCapacityMw: number;
  /**
   * Power usage effectiveness: facility power / IT power, from 1 to 3.
   * @default 1.5, a typical figure for a data centre in operation (the Uptime Institute's
   *   annual Global Data Center Survey has put the industry average between 1.5 and 1.6 since
   *   2019); state the site's own figure where it is known
   */
  readonly pue?: number;
  /** A human name for reports. @default the site's id */
  readonly displayName?: string;
  /** Context in the kubeconfig that reaches this site's cluster. @default the site's id */
  readonly kubeContext?: string;
  /** How the site runs its NVIDIA software. @default the fleet's `nvidiaSoftware` */
  readonly nvidiaSoftware?: NvidiaSoftware;
  /** Registry mirror the site pulls every image through. @default the fleet's `imageRegistry` */
  readonly imageRegistry?: string;
  /** Where this site's stack keeps its Terraform state. @default the fleet's `state` */
  readonly state?: StateBackend;
}

/** The PUE a site is planned with when it states none (see `SiteProps.pue`). */
export const DEFAULT_PUE = 1.5;

export class Site extends Construct {
  /** Walks up from any construct of a site to the site. */
  public static of(c: Construct): Site {
    return enclosing(c, Site);
  }

  public readonly fleet: Fleet;
  public readonly region: string;
  public readonly zone: string;
  public readonly utilityCapacityMw: number;
  public readonly pue: number;
  public readonly displayName: string;
  public readonly kubeContext: string;
  public readonly nvidiaSoftware: NvidiaSoftware;
  /** The mirror images are pulled through, if any. */
  public readonly imageRegistry?: string;
  /** The site's own state choice, when it has one (`stateBackendOf(site)` gives the one in force). */
  public readonly state?: StateBackend;
  private readonly _feeds: PowerFeed[] = [];
  private readonly _racks: Rack[] = [];
  private readonly _pools: NodePool[] = [];

  constructor(scope: Fleet, id: string, props: SiteProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'site');
    for (const m of dns1123LabelProblems('site name', id)) check.add(m);
    for (const [what, value] of [['region', props.region], ['zone', props.zone]] as const) {
      // Both become topology.kubernetes.io labels, which schedulers read; empty means no topology.
      if (check.check(typeof value === 'string' && value.length > 0, `${what} must not be empty`, value, 'a label value of 1 to 63 characters')) {
        for (const m of labelValueProblems(what, value)) check.add(m);
      }
    }
    if (props.kubeContext !== undefined) {
      // An empty context makes the provider use the kubeconfig's current context: some other cluster.
      check.check(typeof props.kubeContext === 'string' && props.kubeContext.length > 0, 'kubeContext must not be empty', props.kubeContext, "a context name of the site's cluster, or none for the site's id");
    }
    const capacityOk = check.positive('utilityCapacityMw', props.utilityCapacityMw);
    const pue = props.pue ?? DEFAULT_PUE;
    const pueOk = check.check(typeof pue === 'number' && Number.isFinite(pue) && pue >= 1 && pue <= 3, 'pue is out of range', pue, 'a number from 1 to 3');
    let softwareOk = true;
    if (props.nvidiaSoftware !== undefined) {
      softwareOk = check.check(props.nvidiaSoftware instanceof NvidiaSoftware, 'nvidiaSoftware must be an NvidiaSoftware', props.nvidiaSoftware, 'NvidiaSoftware.gpuOperator() or NvidiaSoftware.standalone({...})');
      if (softwareOk) nvidiaSoftwareProblems(props.nvidiaSoftware).forEach((m) => check.add(m));
    }
    const registryProblems = props.imageRegistry === undefined ? [] : imageRegistryProblems(props.imageRegistry);
    registryProblems.forEach((m) => check.add(m));
    check.defer();
    super(scope, id);
    this.fleet = scope;
    this.region = props.region;
    this.zone = props.zone;
    // Safe values in place of bad ones (reported above), so the rest of the site is checked too.
    this.utilityCapacityMw = capacityOk ? props.utilityCapacityMw : Number.POSITIVE_INFINITY;
    this.pue = pueOk ? pue : DEFAULT_PUE;
    this.displayName = props.displayName ?? id;
    this.kubeContext = props.kubeContext ?? id;
    // Stand-ins for bad values (the problems are recorded): the fleet's choice.
    this.nvidiaSoftware = (softwareOk && props.nvidiaSoftware) || scope.nvidiaSoftware;
    this.imageRegistry = registryProblems.length === 0 ? (props.imageRegistry ?? scope.imageRegistry) : scope.imageRegistry;
    this.state = props.state;
    this.node.addValidation({ validate: () => this.problems() });
    scope.registerSite(this);
    this.node.addValidation({ validate: () => sharedStateProblems(this, scope.sites) });
  }

  public get feeds(): readonly PowerFeed[] {
    return this._feeds;
  }

  public get racks(): readonly Rack[] {
    return this._racks;
  }

  public get pools(): readonly NodePool[] {
    return this._pools;
  }

  /** Every server of the site, rack by rack. */
  public get servers(): Server[] {
    return this._racks.flatMap((r) => r.servers);
  }

  /** IT load of the site in kW: the sum of its racks' draw. */
  public get itLoadKw(): number {
    return this._racks.reduce((sum, r) => sum + r.drawKw, 0);
  }

  /** @internal */
  public registerFeed(feed: PowerFeed): void {
    this._feeds.push(feed);
  }

  /** @internal */
  public registerRack(rack: Rack): void {
    this._racks.push(rack);
  }

  /** @internal */
  public registerPool(pool: NodePool): void {
    this._pools.push(pool);
  }

  private problems(): string[] {
    const out: string[] = [];
    const facilityMw = (this.itLoadKw * this.pue) / 1000;
    if (facilityMw > this.utilityCapacityMw + 1e-9) {
      out.push(problem(`site draws more than its utility capacity (IT load x PUE ${this.pue})`, `${facilityMw.toFixed(3)} MW`, `at most ${this.utilityCapacityMw} MW`));
    }
    const seen = new Map<string, Server>();
    const unknown = new Map<string, string[]>();
    for (const server of this.servers) {
      const name = server.platform.unknownName;
      if (name !== undefined) {
        const paths = unknown.get(name);
        if (paths) paths.push(server.node.path);
        else unknown.set(name, [server.node.path]);
      }
      const other = seen.get(server.nodeName);
      if (other) out.push(problem(`node name is used twice in the site, by ${other.node.path} and ${server.node.path}`, server.nodeName, 'unique node names within a site'));
      else seen.set(server.nodeName, server);
    }
    // A site is one cluster: a second stack on the same context would write its namespaces,
    // DaemonSets and ClusterQueue over the first's.
    for (const other of this.fleet.sites) {
      if (other === this) break;
      if (other.kubeContext === this.kubeContext) {
        out.push(problem(`kubeContext is already the context of site ${other.node.id} in ${this.fleet.kubeconfigPath} (a site is one cluster)`, this.kubeContext, "a context of the site's own cluster"));
        break;
      }
    }
    for (const [name, paths] of unknown) {
      out.push(problem(`unknown platform of ${summarise(paths, 'server')}`, name, `one of ${platformNames().join(', ')}`));
    }
    return out;
  }
}
