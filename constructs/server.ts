/**
 * A GPU server (a Kubernetes node) in a rack at a U position, of a catalog platform.
 * Its hostname is derived from site, rack and position, so it is stable and unique.
 */
import { Construct } from 'constructs';
import { PlatformSpec, scaleUpFabric } from './catalog/platforms';
import { dns1123LabelProblems } from './kubernetes-names';
import type { NodePool } from './node-pool';
import { NvlinkDomain } from './nvlink-domain';
import { Rack } from './rack';
import { problem, PropChecker, uniqueIdCheck } from './violations';

export interface ServerProps {
  /** The platform, from the catalog: `platform('hgx-h100')`. */
  readonly platform: PlatformSpec;
  /** Lowest rack unit the server occupies, counted from 1 at the bottom. */
  readonly positionU: number;
  /**
   * The NVLink domain the server's GPUs join.
   * @default a domain of its own for server-scoped platforms (HGX); required for rack-scale ones (NVL72)
   */
  readonly nvlinkDomain?: NvlinkDomain;
  /**
   * Why this GPU server is in no node pool (spares, burn-in, repair). Without it every GPU
   * server must be in exactly one pool.
   * @default the server must be in a pool
   */
  readonly unpooledReason?: string;
}

export class Server extends Construct {
  public readonly rack: Rack;
  public readonly platform: PlatformSpec;
  public readonly positionU: number;
  public readonly nvlinkDomain: NvlinkDomain;
  public readonly unpooledReason?: string;
  /** Kubernetes node name: `<site>-<rack>-u<position, two digits>`. */
  public readonly hostname: string;
  private readonly _pools: NodePool[] = [];

  constructor(scope: Rack, id: string, props: ServerProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'server');
    for (const m of dns1123LabelProblems('server name', id)) check.add(m);
    const p = props.platform;
    const platformOk = check.check(!!p && typeof p.heightU === 'number', 'platform must come from the catalog', p, 'a PlatformSpec from platform(name)');
    if (check.integer('positionU', props.positionU) && platformOk) {
      const top = props.positionU + p.heightU - 1;
      check.check(top <= scope.heightU, `server of ${p.heightU}U at U${props.positionU} does not fit in the rack`, `top at U${top}`, `top at or below U${scope.heightU}`);
    }
    if (platformOk && !props.nvlinkDomain) {
      check.check(p.nvlinkScope === 'server', `platform ${p.name} shares NVLink across the ${p.nvlinkScope}, so nvlinkDomain is required`, props.nvlinkDomain, `the ${p.nvlinkScope}'s NvlinkDomain`);
    }
    if (props.unpooledReason !== undefined) {
      check.check(props.unpooledReason.trim().length > 0, 'unpooledReason must say why', props.unpooledReason, 'a non-empty reason');
    }
    check.throwIfAny();
    super(scope, id);
    this.rack = scope;
    this.platform = p;
    this.positionU = props.positionU;
    this.unpooledReason = props.unpooledReason;
    this.hostname = `${scope.site.node.id}-${scope.node.id}-u${String(props.positionU).padStart(2, '0')}`;
    // The server's own domain is `nvlink` (an id existing fleets keep), or `hccs` on Ascend servers.
    this.nvlinkDomain = props.nvlinkDomain ?? new NvlinkDomain(this, scaleUpFabric(p), { platform: p });
    if (!scope.nvlinkDomains.includes(this.nvlinkDomain)) scope.registerNvlinkDomain(this.nvlinkDomain);
    this.nvlinkDomain.addMember(this);
    scope.registerServer(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** GPUs in this server. */
  public get gpus(): number {
    return this.platform.gpusPerServer;
  }

  /** Pools this server was added to (a valid fleet has exactly one, or an unpooledReason). */
  public get pools(): readonly NodePool[] {
    return this._pools;
  }

  /** The server's pool, if it has one. */
  public get pool(): NodePool | undefined {
    return this._pools[0];
  }

  /** @internal called by NodePool */
  public joinPool(pool: NodePool): void {
    this._pools.push(pool);
  }

  private problems(): string[] {
    const out = dns1123LabelProblems('hostname', this.hostname);
    if (this._pools.length > 1 && new Set(this._pools).size > 1) {
      out.push(problem('server is in more than one node pool', this._pools.map((p) => p.node.id), 'exactly one pool'));
    }
    if (this._pools.length === 0 && this.gpus > 0 && this.unpooledReason === undefined) {
      out.push(problem('GPU server is in no node pool', this._pools.length, 'one pool, or an unpooledReason'));
    }
    if (this._pools.length > 0 && this.unpooledReason !== undefined) {
      out.push(problem('server has an unpooledReason but is in a pool', this._pools.map((p) => p.node.id), 'no pool when unpooledReason is set'));
    }
    return out;
  }
}
