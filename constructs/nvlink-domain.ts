/**
 * A scale-up domain: the accelerators that share one scale-up fabric, NVIDIA's NVLink or
 * Huawei's HCCS. Two kinds, both a `ScaleUpDomain`:
 *
 * - `NvlinkDomain`, a construct, for a domain that spans servers: one per GB200 NVL72 rack (72
 *   GPUs over 18 compute trays, created in the rack) or per CloudMatrix 384 supernode (384 NPUs
 *   over 12 compute racks and 4 racks of HCCS switches, created in the site). Rack- and
 *   multi-rack-scale domains must be whole: exactly the platform's compute racks, each filled
 *   with the domain's servers only, plus its switch racks, all in one block. The class keeps its
 *   first name, NvlinkDomain, so that existing construct paths and ids stay as they are.
 * - `ServerNvlinkDomain`, for the domain of one HGX or Atlas 800T A2 server (its own 8 GPUs):
 *   the server makes it itself. It is not a construct: a fleet has one per server (14,440 in
 *   the reference fleet), and as constructs they were a third of building and validating a
 *   fleet, while they render nothing and have no rule to check (the server is the only member,
 *   by construction). Its name is still `<rack>-<server>-nvlink` (`-hccs` on Ascend).
 */
import { Construct, IConstruct } from 'constructs';
import { PlatformSpec, ScaleUpFabric, scaleUpFabric, UNKNOWN_PLATFORM } from './catalog/platforms';
import type { Rack } from './rack';
import type { Server } from './server';
import type { Site } from './site';
import { labelValueProblems } from './kubernetes-names';
import { problem, PropChecker, summarise, uniqueIdCheck } from './violations';

export interface NvlinkDomainProps {
  /** The platform whose NVLink fabric this is; it sets the domain's size and scope. */
  readonly platform: PlatformSpec;
  /**
   * Racks that hold only the domain's fabric switches (the 4 network racks of a CloudMatrix
   * 384); as many as the platform's `scaleUp.switchRacks`.
   * @default none
   */
  readonly switchRacks?: readonly Rack[];
  /**
   * The supernode's id, set on the hardware and read back by Huawei's device plugin into the
   * `superPodID` node annotation; required for HCCS domains that span racks.
   * @default none
   */
  readonly superPodId?: number;
  /**
   * The domain's name, its `gpu-fleet.io/nvlink-domain` (or `hccs-domain`) label value.
   * @default the construct path below the site, joined with '-' (`rack-001-nvlink`)
   */
  readonly name?: string;
}

/** What servers, node labels and reports read of a scale-up domain, whichever kind it is. */
export interface ScaleUpDomain {
  /** The platform whose fabric this is; it sets the domain's size and scope. */
  readonly platform: PlatformSpec;
  /** Name used in node labels (`gpu-fleet.io/nvlink-domain`, `gpu-fleet.io/hccs-domain`). */
  readonly name: string;
  /** The scale-up interconnect: `nvlink` or `hccs`. */
  readonly fabric: ScaleUpFabric;
  /** How messages name the domain: `NVLink domain` or `HCCS domain`. */
  readonly kind: string;
  /** Racks of the domain's fabric switches (CloudMatrix 384); empty for other platforms. */
  readonly switchRacks: readonly Rack[];
  /** The supernode id (`superPodID` annotation) of an HCCS supernode. */
  readonly superPodId?: number;
  readonly members: readonly Server[];
  /** GPUs in the domain. */
  readonly gpus: number;
  /** Racks the domain's servers sit in, in the order their first server was added. */
  readonly computeRacks: readonly Rack[];
}

/** `NVLink domain` or `HCCS domain`. */
function kindOf(fabric: ScaleUpFabric): string {
  return fabric === 'hccs' ? 'HCCS domain' : 'NVLink domain';
}

const NO_RACKS: readonly Rack[] = Object.freeze([]);

/** The scale-up domain of one server of a server-scoped platform (HGX, Atlas 800T A2); see the file comment. */
export class ServerNvlinkDomain implements ScaleUpDomain {
  public readonly switchRacks = NO_RACKS;
  public readonly superPodId = undefined;

  /** @internal made by the server (`Server.nvlinkDomain`) */
  constructor(public readonly server: Server) {}

  public get platform(): PlatformSpec {
    return this.server.platform;
  }

  public get fabric(): ScaleUpFabric {
    return scaleUpFabric(this.server.platform);
  }

  public get kind(): string {
    return kindOf(this.fabric);
  }

  /** `<rack>-<server>-nvlink` (`-hccs` on Ascend), as the path below the site of the construct it once was. */
  public get name(): string {
    return `${this.server.rack.node.id}-${this.server.node.id}-${this.fabric}`;
  }

  public get members(): readonly Server[] {
    return [this.server];
  }

  public get gpus(): number {
    return this.server.gpus;
  }

  public get computeRacks(): readonly Rack[] {
    return [this.server.rack];
  }
}

export class NvlinkDomain extends Construct implements ScaleUpDomain {
  public readonly platform: PlatformSpec;
  /** Name used in node labels: the construct path below the site, joined with '-'. */
  public readonly name: string;
  /** The scale-up interconnect: `nvlink` or `hccs`. */
  public readonly fabric: ScaleUpFabric;
  /** Racks of the domain's fabric switches (CloudMatrix 384); empty for other platforms. */
  public readonly switchRacks: readonly Rack[];
  /** The supernode id (`superPodID` annotation) of an HCCS supernode. */
  public readonly superPodId?: number;
  private readonly _members: Server[] = [];

  /** @param scope the rack (NVL72) or site (CloudMatrix 384) the domain belongs to */
  constructor(scope: Rack | Site, id: string, props: NvlinkDomainProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'NVLink domain');
    const platformOk = check.check(
      !!props.platform && typeof props.platform.nvlinkDomainGpus === 'number',
      'platform must come from the catalog',
      props.platform,
      'a PlatformSpec from platform(name)',
    );
    // The name is the `gpu-fleet.io/nvlink-domain` (or `hccs-domain`) label value of every member node.
    const name = props.name ?? nameBelowSite(scope, id);
    for (const m of labelValueProblems(props.name === undefined ? 'NVLink domain name (its path below the site)' : 'NVLink domain name', name)) check.add(m);
    const superPodIdOk = props.superPodId === undefined || check.integer('superPodId', props.superPodId, 0);
    let switchRacksOk = true;
    // Rack-scale domains belong to their rack, multi-rack ones to the site (see `problems`).
    const inRack = scope.node.scope?.node.scope !== undefined;
    const scopeKind = platformOk ? props.platform.nvlinkScope : undefined;
    if ((scopeKind === 'rack' && !inRack) || (scopeKind === 'multi-rack' && inRack)) {
      const where = scopeKind === 'rack' ? 'its rack' : 'its site';
      check.fail(`a domain of platform ${props.platform.name} spans ${scopeKind === 'rack' ? 'one rack' : 'several racks'}, so it is created in ${where}`, scope.node.path, scopeKind === 'rack' ? 'a Rack as its scope' : 'the Site as its scope');
    }
    if (platformOk) {
      const wanted = props.platform.scaleUp?.switchRacks ?? 0;
      const given = Array.isArray(props.switchRacks) ? props.switchRacks.length : 0;
      if (given !== wanted) switchRacksOk = check.fail(`platform ${props.platform.name} needs ${wanted} switch racks per domain`, given, `${wanted} racks in switchRacks`);
    }
    check.defer();
    super(scope, id);
    // Safe values in place of bad ones (reported above), so the rest of the site is checked too.
    this.platform = platformOk ? props.platform : UNKNOWN_PLATFORM;
    this.name = name;
    this.fabric = scaleUpFabric(this.platform);
    this.switchRacks = switchRacksOk ? [...(props.switchRacks ?? [])] : [];
    this.superPodId = superPodIdOk ? props.superPodId : undefined;
    for (const r of this.switchRacks) r.registerSwitchesOf(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** How messages name the domain: `NVLink domain` or `HCCS domain`. */
  public get kind(): string {
    return kindOf(this.fabric);
  }

  /** Racks the domain's servers sit in, in the order their first server was added. */
  public get computeRacks(): Rack[] {
    return [...new Set(this._members.map((s) => s.rack))];
  }

  public get members(): readonly Server[] {
    return this._members;
  }

  /** GPUs in the domain. */
  public get gpus(): number {
    return this._members.reduce((sum, s) => sum + s.platform.gpusPerServer, 0);
  }

  /** @internal called by Server */
  public addMember(server: Server): void {
    this._members.push(server);
  }

  private problems(): string[] {
    const out: string[] = [];
    const kind = this.kind;
    const models = [...new Set(this._members.map((s) => s.platform.gpuModel.name))];
    if (models.length > 1) out.push(problem(`${kind} mixes GPU models`, models, 'one GPU model'));
    if (this.gpus !== this.platform.nvlinkDomainGpus) {
      out.push(problem(`${kind} size does not match platform ${this.platform.name}`, `${this.gpus} GPUs`, `${this.platform.nvlinkDomainGpus} GPUs`));
    }
    const wrongPlatform = this._members.filter((s) => s.platform !== this.platform);
    if (wrongPlatform.length > 0) {
      out.push(problem(`${kind} has members of another platform`, wrongPlatform.map((s) => `${s.node.id}: ${s.platform.name}`), this.platform.name));
    }
    // Members sit in the rack (NVL72) or site (CloudMatrix 384) the domain was created in.
    const scope = this.platform.nvlinkScope;
    const home = this.node.scope;
    const homeOf = (s: Server) => (scope === 'server' ? s : scope === 'rack' ? s.rack : s.rack.site);
    // A domain created in the wrong kind of scope is reported by its constructor; the members' home is then meaningless.
    const inRack = home?.node.scope?.node.scope !== undefined;
    const homeKindOk = scope === 'server' || (scope === 'rack') === inRack;
    const away = homeKindOk ? this._members.filter((s) => homeOf(s) !== home).map((s) => s.node.path) : [];
    if (away.length > 0) {
      out.push(problem(`${kind} has members outside its ${scope === 'multi-rack' ? 'site' : scope}`, away.length > 3 ? summarise(away, 'server') : away, `members in ${home?.node.path} only`));
    }
    out.push(...this.superPodIdProblems());
    out.push(...this.wholeSystemProblems());
    return out;
  }

  /**
   * Two supernodes of one site (one cluster) with the same `superPodId`: Huawei's HCCL and
   * Volcano group NPUs by the `superPodID` the device plugin reports, so they would take the
   * two for one supernode (Ascend/mind-cluster component/ascend-device-plugin). Reported at the
   * later one.
   */
  private superPodIdProblems(): string[] {
    if (this.superPodId === undefined) return [];
    const home = this.node.scope;
    const site = home?.node.scope?.node.scope !== undefined ? home.node.scope : home;
    if (!site) return [];
    for (const other of domainsOf(site)) {
      if (other === this) return [];
      if (other.superPodId === this.superPodId) {
        return [problem(`superPodId is already the id of supernode ${other.node.path} (HCCL would take the two for one supernode)`, this.superPodId, 'a superPodId of its own within the site')];
      }
    }
    return [];
  }

  /**
   * A rack- or multi-rack-scale domain is a whole system: as many compute racks as the
   * platform has, each holding the domain's servers and nothing else; switch racks without
   * servers; all of them in one block (the scheduling topology is a tree: a domain above the
   * rack level must sit inside one block).
   */
  private wholeSystemProblems(): string[] {
    const spec = this.platform.scaleUp;
    if (!spec || this._members.length === 0) return [];
    const out: string[] = [];
    const kind = this.kind;
    const racks = this.computeRacks;
    if (racks.length !== spec.computeRacks) {
      out.push(
        problem(`${kind} of platform ${this.platform.name} spans the wrong number of racks`, racks.map((r) => r.node.id), `${spec.computeRacks} compute rack${spec.computeRacks === 1 ? '' : 's'}`),
      );
    }
    for (const rack of racks) {
      const others = rack.servers.filter((s) => s.nvlinkDomain !== this).map((s) => s.node.id);
      if (others.length > 0) {
        out.push(problem(`${kind} does not fill rack ${rack.node.id}: the rack holds servers of other domains`, others, `only the ${spec.serversPerComputeRack} servers of this domain`));
      }
      const mine = rack.servers.length - others.length;
      if (mine !== spec.serversPerComputeRack) {
        out.push(problem(`${kind} has the wrong number of servers in rack ${rack.node.id}`, mine, `${spec.serversPerComputeRack} servers of platform ${this.platform.name}`));
      }
    }
    for (const rack of this.switchRacks) {
      if (rack.servers.length > 0) {
        out.push(problem(`switch rack ${rack.node.id} of the ${kind} holds servers`, rack.servers.map((s) => s.node.id), 'a rack of fabric switches only'));
      }
      if (rack.site !== racks[0].site) out.push(problem(`switch rack of the ${kind} is in another site`, rack.node.path, `a rack of ${racks[0].site.node.path}`));
    }
    const blocks = [...new Set([...racks, ...this.switchRacks].map((r) => r.block))];
    if (blocks.length > 1) {
      out.push(problem(`${kind} spans more than one block`, blocks, 'all its compute and switch racks in one block'));
    }
    if (this.fabric === 'hccs' && this.platform.nvlinkScope === 'multi-rack' && this.superPodId === undefined) {
      out.push(problem(`${kind} spanning racks needs the supernode id set on its hardware`, this.superPodId, 'superPodId, an integer >= 0'));
    }
    return out;
  }
}

/** The NvlinkDomains of a site: its own (multi-rack) and its racks' (rack-scale), in tree order. */
function domainsOf(site: IConstruct): NvlinkDomain[] {
  const out: NvlinkDomain[] = [];
  for (const c of site.node.children) {
    if (c instanceof NvlinkDomain) out.push(c);
    else for (const d of c.node.children) if (d instanceof NvlinkDomain) out.push(d);
  }
  return out;
}

/**
 * The name of a domain created as `id` in `scope`: its construct path below the site, joined
 * with '-' (`rack-001-u01-nvlink`, `rack-001-nvlink`, `supernode-01`).
 */
function nameBelowSite(scope: Rack | Site, id: string): string {
  let name = id;
  // Below the site means: every scope whose grandparent exists (fleet / site / rack).
  for (let c: IConstruct = scope; c.node.scope?.node.scope; c = c.node.scope) name = `${c.node.id}-${name}`;
  return name;
}
