/** A rack: U space, cooling with its kW limit, and an A and a B power feed (2N). */
import { Construct } from 'constructs';
import { Cooling } from './cooling';
import { dns1123LabelProblems } from './kubernetes-names';
import type { NvlinkDomain } from './nvlink-domain';
import { PowerFeed } from './power-feed';
import type { Server } from './server';
import { Site } from './site';
import { childPath, problem, PropChecker, uniqueIdCheck } from './violations';

export interface RackProps {
  readonly cooling: Cooling;
  /** The A-side feed. */
  readonly feedA: PowerFeed;
  /** The B-side feed; with 2N power it alone must carry the rack too. */
  readonly feedB: PowerFeed;
  /** Rack height in U. @default 42 */
  readonly heightU?: number;
}

export class Rack extends Construct {
  public readonly site: Site;
  public readonly cooling: Cooling;
  public readonly feedA: PowerFeed;
  public readonly feedB: PowerFeed;
  public readonly heightU: number;
  private readonly _servers: Server[] = [];
  private readonly _domains: NvlinkDomain[] = [];

  constructor(scope: Site, id: string, props: RackProps) {
    const check = new PropChecker(childPath(scope, id));
    uniqueIdCheck(check, scope, id, 'rack');
    for (const m of dns1123LabelProblems('rack name', id)) check.add(m);
    const heightU = props.heightU ?? 42;
    check.integer('heightU', heightU);
    check.positive('cooling.maxKw', props.cooling.maxKw);
    check.check(props.feedA instanceof PowerFeed && props.feedA.side === 'A', 'feedA must be an A-side PowerFeed', props.feedA?.side, 'side "A"');
    check.check(props.feedB instanceof PowerFeed && props.feedB.side === 'B', 'feedB must be a B-side PowerFeed', props.feedB?.side, 'side "B"');
    check.check(props.feedA?.site === scope, 'feedA belongs to another site', props.feedA?.node.path, `a feed of ${scope.node.path}`);
    check.check(props.feedB?.site === scope, 'feedB belongs to another site', props.feedB?.node.path, `a feed of ${scope.node.path}`);
    check.throwIfAny();
    super(scope, id);
    this.site = scope;
    this.cooling = props.cooling;
    this.feedA = props.feedA;
    this.feedB = props.feedB;
    this.heightU = heightU;
    scope.registerRack(this);
    props.feedA.registerRack(this);
    props.feedB.registerRack(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  public get servers(): readonly Server[] {
    return this._servers;
  }

  /** NVLink domains whose GPUs sit in this rack. */
  public get nvlinkDomains(): readonly NvlinkDomain[] {
    return this._domains;
  }

  /** Most power the rack draws, in kW: the sum of its servers' maximum. */
  public get drawKw(): number {
    return this._servers.reduce((sum, s) => sum + s.platform.maxPowerKw, 0);
  }

  /** Rack units taken by servers. */
  public get usedU(): number {
    return this._servers.reduce((sum, s) => sum + s.platform.heightU, 0);
  }

  /** @internal */
  public registerServer(server: Server): void {
    this._servers.push(server);
  }

  /** @internal */
  public registerNvlinkDomain(domain: NvlinkDomain): void {
    this._domains.push(domain);
  }

  private problems(): string[] {
    const out: string[] = [];
    const draw = this.drawKw;
    if (draw > this.cooling.maxKw + 1e-9) {
      out.push(problem(`rack draws more than its ${this.cooling.kind} cooling removes`, `${round(draw)} kW`, `at most ${this.cooling.maxKw} kW`));
    }
    if (this.usedU > this.heightU) {
      out.push(problem('servers take more rack units than the rack has', `${this.usedU}U`, `at most ${this.heightU}U`));
    }
    const owner = new Map<number, Server>();
    for (const s of this._servers) {
      for (let u = s.positionU; u < s.positionU + s.platform.heightU; u++) {
        const other = owner.get(u);
        if (other && other !== s) {
          out.push(problem(`servers ${other.node.id} and ${s.node.id} overlap`, `U${u}`, 'each rack unit used by at most one server'));
          break;
        }
        owner.set(u, s);
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
