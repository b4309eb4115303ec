/**
 * A GPU server (a Kubernetes node) in a rack at a U position, of a catalog platform.
 * Its Kubernetes node name is the one its kubelet registers (`nodeName`), or, for a designed
 * site whose machines are not named yet, one derived from site, rack and position.
 */
import { Construct } from 'constructs';
import { PlatformSpec, UNKNOWN_PLATFORM } from './catalog/platforms';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './kubernetes-names';
import type { NodePool } from './node-pool';
import { NvlinkDomain, ScaleUpDomain, ServerNvlinkDomain } from './nvlink-domain';
import { Rack } from './rack';
import { problem, PropChecker, uniqueIdCheck } from './violations';

export interface ServerProps {
  /** The platform, from the catalog: `platform('hgx-h100')`. */
  readonly platform: PlatformSpec;
  /** Lowest rack unit the server occupies, counted from 1 at the bottom. */
  readonly positionU: number;
  /**
   * The NVLink (or HCCS) domain the server's GPUs join: the rack's (NVL72) or site's
   * (CloudMatrix 384) NvlinkDomain.
   * @default a domain of its own (a ServerNvlinkDomain) for server-scoped platforms (HGX, Atlas 800T A2); required for the others
   */
  readonly nvlinkDomain?: NvlinkDomain;
  /**
   * Why this GPU server is in no node pool (spares, burn-in, repair). Without it every GPU
   * server must be in exactly one pool.
   * @default the server must be in a pool
   */
  readonly unpooledReason?: string;
  /**
   * The name of the server's Kubernetes Node: the name its kubelet registers (the machine's
   * hostname, or `--hostname-override`). Labels, taints and annotations are applied to the Node
   * of that name, which must exist: the provider fails on a Node it cannot find. A DNS-1123
   * subdomain (dots allowed, at most 253 characters), unique within the site.
   * @default `<site>-<rack>-u<position, two digits>`, for sites designed before their machines are named
   */
  readonly nodeName?: string;
  /** The machine's serial number, as the DCIM (NetBox) records it. @default none */
  readonly serial?: string;
}

/**
 * Longest node name that works: a Node's name may be a 253-character DNS-1123 subdomain, but the
 * kubelet also writes it as the `kubernetes.io/hostname` label, whose value is at most 63
 * characters (k8s.io/apimachinery pkg/util/validation IsValidLabelValue), and Kueue's
 * topology-aware scheduling uses that label as its lowest level.
 */
const NODE_NAME_MAX = 63;

/** Problems of a Kubernetes node name: a DNS-1123 subdomain of at most 63 characters. */
export function nodeNameProblems(what: string, value: string): string[] {
  const out = dns1123SubdomainProblems(what, value);
  if (out.length === 0 && value.length > NODE_NAME_MAX) {
    out.push(problem(`${what} is longer than the kubernetes.io/hostname label allows`, value, `at most ${NODE_NAME_MAX} characters`));
  }
  return out;
}

export class Server extends Construct {
  public readonly rack: Rack;
  public readonly platform: PlatformSpec;
  public readonly positionU: number;
  public readonly unpooledReason?: string;
  /** Kubernetes node name: `nodeName`, or `<site>-<rack>-u<position, two digits>`. */
  public readonly nodeName: string;
  /** Serial number, when known. */
  public readonly serial?: string;
  private readonly _pools: NodePool[] = [];
  /** The rack's or site's domain the server joined, if any. */
  private readonly _sharedDomain?: NvlinkDomain;
  /** Its own domain, made on first use. */
  private _ownDomain?: ServerNvlinkDomain;

  constructor(scope: Rack, id: string, props: ServerProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'server');
    for (const m of dns1123LabelProblems('server name', id)) check.add(m);
    const p = props.platform;
    const platformOk = check.check(!!p && typeof p.heightU === 'number', 'platform must come from the catalog', p, 'a PlatformSpec from platform(name)');
    // Messages are only built for a failure (`if (!ok) check.fail(...)`): this runs per server.
    const positionOk = check.integer('positionU', props.positionU);
    if (positionOk && platformOk) {
      const top = props.positionU + p.heightU - 1;
      if (top > scope.heightU) check.fail(`server of ${p.heightU}U at U${props.positionU} does not fit in the rack`, `top at U${top}`, `top at or below U${scope.heightU}`);
    }
    let domainOk = true;
    if (props.nvlinkDomain !== undefined && !(props.nvlinkDomain instanceof NvlinkDomain)) {
      const given = props.nvlinkDomain as unknown as Partial<ScaleUpDomain> | null;
      domainOk = check.fail('nvlinkDomain must be the NvlinkDomain of a rack or site', given?.name ?? given, "a rack's or site's NvlinkDomain, or none for a server-scoped platform (the server makes its own)");
    }
    if (platformOk && !props.nvlinkDomain && p.nvlinkScope !== 'server') {
      check.fail(`platform ${p.name} shares NVLink across the ${p.nvlinkScope}, so nvlinkDomain is required`, props.nvlinkDomain, `the ${p.nvlinkScope}'s NvlinkDomain`);
    }
    const nodeNameBad = props.nodeName === undefined ? [] : nodeNameProblems('nodeName', props.nodeName);
    for (const m of nodeNameBad) check.add(m);
    if (props.unpooledReason !== undefined && (typeof props.unpooledReason !== 'string' || props.unpooledReason.trim().length === 0)) {
      check.fail('unpooledReason must say why', props.unpooledReason, 'a non-empty reason');
    }
    check.defer();
    super(scope, id);
    this.rack = scope;
    // Safe values in place of bad ones (reported above), so the rest of the site is checked too.
    this.platform = platformOk ? p : UNKNOWN_PLATFORM;
    this.positionU = positionOk ? props.positionU : 1;
    this.unpooledReason = props.unpooledReason;
    this.serial = props.serial;
    this.nodeName = (nodeNameBad.length === 0 && props.nodeName) || `${scope.site.node.id}-${scope.node.id}-u${String(this.positionU).padStart(2, '0')}`;
    const shared = domainOk ? props.nvlinkDomain : undefined;
    if (shared) {
      this._sharedDomain = shared;
      scope.registerNvlinkDomain(shared);
      shared.addMember(this);
    }
    scope.registerServer(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /**
   * The scale-up domain the server's GPUs belong to: the NvlinkDomain it was given, or else a
   * domain of its own (`<rack>-<server>-nvlink`, `-hccs` on Ascend).
   */
  public get nvlinkDomain(): ScaleUpDomain {
    return this._sharedDomain ?? (this._ownDomain ??= new ServerNvlinkDomain(this));
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
    // Site and rack ids are DNS-1123 labels (their constructors check), so a derived node name
    // made of them is valid unless it is too long: the full check only runs then.
    const out = this.nodeName.length > NODE_NAME_MAX ? nodeNameProblems('node name', this.nodeName) : [];
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
