/**
 * A power feed into one or more racks, modelled on NetBox's PowerFeed
 * (netbox/dcim/models/power.py): voltage, amperage, phase, max utilisation, A or B side.
 */
import { Construct } from 'constructs';
import { dns1123LabelProblems } from './kubernetes-names';
import type { Rack } from './rack';
import type { Site } from './site';
import { problem, PropChecker, uniqueIdCheck } from './violations';

/** The side of a redundant (2N) power path. */
export type PowerSide = 'A' | 'B';
export type Phase = 'single' | 'three';

export interface PowerFeedProps {
  readonly side: PowerSide;
  readonly voltageV: number;
  readonly amperageA: number;
  /** @default 'three' */
  readonly phase?: Phase;
  /**
   * Share of the feed's rating that may be drawn, in percent (NetBox's max_utilization).
   * @default 80
   */
  readonly maxUtilizationPercent?: number;
}

export class PowerFeed extends Construct {
  public readonly site: Site;
  public readonly side: PowerSide;
  public readonly voltageV: number;
  public readonly amperageA: number;
  public readonly phase: Phase;
  public readonly maxUtilizationPercent: number;
  /** Power the feed may deliver, in kW: V x A x utilisation, x sqrt(3) for three-phase (NetBox). */
  public readonly availableKw: number;
  private readonly served: Rack[] = [];

  constructor(scope: Site, id: string, props: PowerFeedProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'power feed');
    // The id is the `gpu-fleet.io/power-feed-a|b` label value of every node the feed powers.
    for (const m of dns1123LabelProblems('feed name', id)) check.add(m);
    check.check(props.side === 'A' || props.side === 'B', 'side must be A or B', props.side, '"A" or "B"');
    // A bad rating is reported here; the feed then counts as unlimited, so that no overload is reported on top.
    const voltageOk = check.positive('voltageV', props.voltageV);
    const amperageOk = check.positive('amperageA', props.amperageA);
    const phase = props.phase ?? 'three';
    const phaseOk = check.check(phase === 'single' || phase === 'three', 'phase must be single or three', phase, '"single" or "three"');
    const utilization = props.maxUtilizationPercent ?? 80;
    const utilizationOk = check.check(Number.isFinite(utilization) && utilization > 0 && utilization <= 100, 'maxUtilizationPercent is out of range', utilization, 'a number > 0 and <= 100');
    check.defer();
    super(scope, id);
    this.site = scope;
    this.side = props.side;
    this.voltageV = voltageOk ? props.voltageV : Number.POSITIVE_INFINITY;
    this.amperageA = amperageOk ? props.amperageA : Number.POSITIVE_INFINITY;
    this.phase = phaseOk ? phase : 'three';
    this.maxUtilizationPercent = utilizationOk ? utilization : 80;
    this.availableKw = (this.voltageV * this.amperageA * (utilization / 100) * (phase === 'three' ? Math.sqrt(3) : 1)) / 1000;
    scope.registerFeed(this);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Racks this feed serves. */
  public get racks(): readonly Rack[] {
    return this.served;
  }

  /**
   * Load the feed must be able to carry, in kW. With 2N A/B power either side alone carries
   * every rack it serves, so the load is the full draw of those racks.
   */
  public get loadKw(): number {
    return this.served.reduce((sum, r) => sum + r.drawKw, 0);
  }

  /** loadKw as a percentage of availableKw. */
  public get utilizationPercent(): number {
    return (this.loadKw / this.availableKw) * 100;
  }

  /** @internal called by Rack */
  public registerRack(rack: Rack): void {
    this.served.push(rack);
  }

  private problems(): string[] {
    const load = this.loadKw;
    if (load <= this.availableKw + 1e-9) return [];
    const racks = this.served.map((r) => r.node.id).join(', ');
    return [problem(`feed is overloaded: with 2N power side ${this.side} alone must carry racks ${racks}`, `${round(load)} kW`, `at most ${round(this.availableKw)} kW available`)];
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
