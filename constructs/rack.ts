/**
 * A rack: U space, cooling with its kW limit, an A and a B power feed (2N), and the block it
 * belongs to (the top level of the site's scheduling topology).
 */
import { Construct } from 'constructs';
import { Cooling } from './cooling';
import { dns1123LabelProblems, labelValueProblems } from './kubernetes-names';
import type { NvlinkDomain, ScaleUpDomain } from './nvlink-domain';
import { PowerFeed } from './power-feed';
import type { RackDevice } from './rack-device';
import type { Server } from './server';
import { Site } from './site';
import { problem, PropChecker, uniqueIdCheck } from './violations';

export interface RackProps {
  readonly cooling: Cooling;
  /** The A-side feed. */
  readonly feedA: PowerFeed;
  /** The B-side feed; with 2N power it alone must carry the rack too. */
  readonly feedB: PowerFeed;
  /** Rack height in U. @default 42 */
  readonly heightU?: number;
  /**
   * The block the rack belongs to: a group of racks that sit close on the network and share
   * power, the level above the rack in topology-aware scheduling (`gpu-fleet.io/block`), e.g.
   * a DGX SuperPOD scalable unit (8 NVL72 racks) or the 16 racks of a CloudMatrix 384. A
   * scale-up domain that spans racks must keep them in one block.
   * @default the id of the rack's A-side feed: the racks of one power row (one busway per side)
   */
  readonly block?: string;
}

export class Rack extends Construct {
  public readonly site: Site;
  public readonly cooling: Cooling;
  public readonly feedA: PowerFeed;
  public readonly feedB: PowerFeed;
  public readonly heightU: number;
  /** The rack's block (`gpu-fleet.io/block` label value); see `RackProps.block`. */
  public readonly block: string;
  private readonly _servers: Server[] = [];
  /** The rack-scale or multi-rack NvlinkDomains its servers joined (servers of HGX-like platforms have their own). */
  private readonly _domains: NvlinkDomain[] = [];
  private readonly _switchesOf: NvlinkDomain[] = [];
  /** Devices that are not GPU servers (switches, storage, management): U and power, no node. */
  private readonly _devices: RackDevice[] = [];

  constructor(scope: Site, id: string, props: RackProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'rack');
    for (const m of dns1123LabelProblems('rack name', id)) check.add(m);
    const heightU = props.heightU ?? 42;
    // NetBox caps rack height at 100U (dcim/constants.py RACK_U_HEIGHT_MAX).
    let heightOk = check.integer('heightU', heightU);
    if (heightOk) heightOk = check.check(heightU <= 100, 'heightU is taller than any rack', heightU, 'at most 100');
    const coolingOk = check.check(props.cooling instanceof Cooling, 'cooling must be a Cooling', props.cooling, 'Cooling.air(kW) or Cooling.liquid(kW)');
    if (coolingOk) check.positive('cooling.maxKw', props.cooling.maxKw);
    if (props.block !== undefined) {
      if (check.check(typeof props.block === 'string' && props.block.length > 0, 'block must not be empty', props.block, 'a label value of 1 to 63 characters, or none for the A-side feed')) {
        for (const m of labelValueProblems('block', props.block)) check.add(m);
      }
    }
    const feedAOk = check.check(props.feedA instanceof PowerFeed && props.feedA.side === 'A', 'feedA must be an A-side PowerFeed', props.feedA?.side, 'side "A"');
    const feedBOk = check.check(props.feedB instanceof PowerFeed && props.feedB.side === 'B', 'feedB must be a B-side PowerFeed', props.feedB?.side, 'side "B"');
    if (props.feedA instanceof PowerFeed && props.feedA.site !== scope) check.fail('feedA belongs to another site', props.feedA.node.path, `a feed of ${scope.node.path}`);
    if (props.feedB instanceof PowerFeed && props.feedB.site !== scope) check.fail('feedB belongs to another site', props.feedB.node.path, `a feed of ${scope.node.path}`);
    check.defer();
    super(scope, id);
    this.site = scope;
    // Safe values in place of bad ones (reported above), so the rest of the site is checked too.
    this.cooling = coolingOk ? props.cooling : Cooling.liquid(Number.POSITIVE_INFINITY);
    this.feedA = props.feedA;
    this.feedB = props.feedB;
    this.heightU = heightOk ? heightU : 42;
    this.block = props.block ?? (feedAOk ? props.feedA.node.id : id);
    scope.registerRack(this);
    if (feedAOk) props.feedA.registerRack(this);
    if (feedBOk) props.feedB.registerRack(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  public get servers(): readonly Server[] {
    return this._servers;
  }

  /** Non-GPU devices of the rack (RackDevice): switches, storage, management. */
  public get devices(): readonly RackDevice[] {
    return this._devices;
  }

  /** Scale-up domains whose GPUs sit in this rack, in the order of their first server. */
  public get nvlinkDomains(): readonly ScaleUpDomain[] {
    return [...new Set(this._servers.map((s) => s.nvlinkDomain))];
  }

  /** Scale-up domains whose switches fill this rack (the network racks of a CloudMatrix 384). */
  public get switchesOf(): readonly NvlinkDomain[] {
    return this._switchesOf;
  }

  /**
   * Most power the rack draws, in kW: its servers' maximum plus the scale-up fabric it houses
   * (an NVL72's switch trays and rack infrastructure, a CloudMatrix 384's network racks).
   */
  public get drawKw(): number {
    return this._servers.reduce((sum, s) => sum + s.platform.maxPowerKw, 0) + this.fabricKw + this.devicesKw;
  }

  /** Most power the rack's non-GPU devices draw, in kW. */
  public get devicesKw(): number {
    return this._devices.reduce((sum, d) => sum + d.maxPowerKw, 0);
  }

  /** Power of the scale-up fabric in this rack, in kW (see `ScaleUpSystemSpec.fabricMaxPowerKw`). */
  public get fabricKw(): number {
    let kw = 0;
    for (const d of this._domains) {
      const s = d.platform.scaleUp;
      if (s && s.switchRacks === 0) kw += s.fabricMaxPowerKw / s.computeRacks;
    }
    for (const d of this._switchesOf) {
      const s = d.platform.scaleUp;
      if (s && s.switchRacks > 0) kw += s.fabricMaxPowerKw / s.switchRacks;
    }
    return kw;
  }

  /** Rack units taken by servers, by the scale-up fabric's switch trays and by non-GPU devices. */
  public get usedU(): number {
    return this._servers.reduce((sum, s) => sum + s.platform.heightU, 0) + this.fabricU + this.devicesU;
  }

  /** Rack units the non-GPU devices take (a half-U device takes its unit). */
  public get devicesU(): number {
    return this._devices.reduce((sum, d) => sum + d.unitsU, 0);
  }

  /** Rack units the scale-up fabric takes in this rack (9 switch trays in an NVL72). */
  public get fabricU(): number {
    return this._domains.reduce((sum, d) => sum + (d.platform.scaleUp?.fabricUPerComputeRack ?? 0), 0);
  }

  /** @internal */
  public registerServer(server: Server): void {
    this._servers.push(server);
  }

  /** @internal called by RackDevice */
  public registerDevice(device: RackDevice): void {
    this._devices.push(device);
  }

  /** @internal called by Server for the rack's or site's NvlinkDomain it joins */
  public registerNvlinkDomain(domain: NvlinkDomain): void {
    if (!this._domains.includes(domain)) this._domains.push(domain);
  }

  /** @internal called by NvlinkDomain for its switch racks */
  public registerSwitchesOf(domain: NvlinkDomain): void {
    if (!this._switchesOf.includes(domain)) this._switchesOf.push(domain);
  }

  private problems(): string[] {
    const out: string[] = [];
    const draw = this.drawKw;
    if (draw > this.cooling.maxKw + 1e-9) {
      out.push(problem(`rack draws more than its ${this.cooling.kind} cooling removes`, `${round(draw)} kW`, `at most ${this.cooling.maxKw} kW`));
    }
    if (this.usedU > this.heightU) {
      let what = this.fabricU > 0 ? `servers and ${this.fabricU}U of switch trays` : 'servers';
      if (this._devices.length > 0) what += ` and ${this.devicesU}U of other devices`;
      out.push(problem(`${what} take more rack units than the rack has`, `${this.usedU}U`, `at most ${this.heightU}U`));
    }
    // Index: rack unit (1..heightU; a server's constructor checks that it fits).
    const owner: Array<Server | undefined> = new Array(this.heightU + 1);
    for (const s of this._servers) {
      for (let u = s.positionU; u < s.positionU + s.platform.heightU; u++) {
        const other = owner[u];
        if (other && other !== s) {
          out.push(problem(`servers ${other.node.id} and ${s.node.id} overlap`, `U${u}`, 'each rack unit used by at most one server'));
          break;
        }
        owner[u] = s;
      }
    }
    // Non-GPU devices share the index; a device overlapping a server or another device is named by id.
    const deviceOwner: Array<RackDevice | undefined> = new Array(this.heightU + 1);
    for (const d of this._devices) {
      if (d.positionU === undefined) continue;
      for (let u = d.positionU; u < d.positionU + d.unitsU; u++) {
        const other = owner[u] ?? deviceOwner[u];
        if (other && other !== d) {
          out.push(problem(`devices ${other.node.id} and ${d.node.id} overlap`, `U${u}`, 'each rack unit used by at most one device'));
          break;
        }
        deviceOwner[u] = d;
      }
    }
    for (const s of this._servers) {
      const needs = s.platform.requiresCooling;
      if (needs && this.cooling.kind !== needs) {
        out.push(problem(`platform ${s.platform.name} of ${s.node.id} needs ${needs} cooling`, this.cooling.kind, needs));
        break;
      }
    }
    return out;
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
