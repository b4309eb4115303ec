/**
 * Building blocks for construct and validation tests: a one-site fleet with one A/B feed
 * pair and one rack, and helpers that turn errors and validations into violation lines.
 */
import { platform } from '../../constructs/catalog/platforms';
import { Cooling } from '../../constructs/cooling';
import { Fleet } from '../../constructs/fleet';
import { NvlinkDomain } from '../../constructs/nvlink-domain';
import { PowerFeed } from '../../constructs/power-feed';
import { Rack, RackProps } from '../../constructs/rack';
import { Server, ServerProps } from '../../constructs/server';
import { Site, SiteProps } from '../../constructs/site';
import { captureProblems, FleetValidationError, formatViolation, Violation } from '../../constructs/violations';

export const SITE_PROPS: SiteProps = { region: 'xinjiang', zone: 'hami-yiwu', utilityCapacityMw: 1, pue: 1.3 };

export interface TinySite {
  readonly fleet: Fleet;
  readonly site: Site;
  readonly feedA: PowerFeed;
  readonly feedB: PowerFeed;
  readonly rack: Rack;
}

export interface TinySiteOptions {
  readonly site?: Partial<SiteProps>;
  readonly rack?: Partial<RackProps>;
  /** Amperage of both feeds. @default 125 (415 V three-phase at 80%: 71.9 kW) */
  readonly amperageA?: number;
}

/** Fleet `test`, site `lab-01`, feeds `row-01-a` / `row-01-b`, rack `rack-001` (liquid, 50 kW, 42U). */
export function tinySite(options: TinySiteOptions = {}): TinySite {
  const fleet = new Fleet('test');
  const site = new Site(fleet, 'lab-01', { ...SITE_PROPS, ...options.site });
  const amperageA = options.amperageA ?? 125;
  const feedA = new PowerFeed(site, 'row-01-a', { side: 'A', voltageV: 415, amperageA });
  const feedB = new PowerFeed(site, 'row-01-b', { side: 'B', voltageV: 415, amperageA });
  const rack = new Rack(site, 'rack-001', { cooling: Cooling.liquid(50), feedA, feedB, ...options.rack });
  return { fleet, site, feedA, feedB, rack };
}

/** Another rack on the same feeds. */
export function addRack(t: TinySite, id: string, props: Partial<RackProps> = {}): Rack {
  return new Rack(t.site, id, { cooling: Cooling.liquid(50), feedA: t.feedA, feedB: t.feedB, ...props });
}

/** An HGX server (8U by default) at `positionU`, id `u<two digits>`. */
export function hgx(rack: Rack, positionU: number, props: Partial<ServerProps> = {}, platformName = 'hgx-h100'): Server {
  return new Server(rack, `u${String(positionU).padStart(2, '0')}`, { platform: platform(platformName), positionU, ...props });
}

/** A full GB200 NVL72 rack: 18 one-U trays `tray-01`..`tray-<count>` in domain `nvl72`. */
export function nvl72Rack(t: TinySite, id: string, trays = 18, cooling = Cooling.liquid(200)): { rack: Rack; domain: NvlinkDomain; trays: Server[] } {
  const rack = new Rack(t.site, id, { cooling, feedA: t.feedA, feedB: t.feedB });
  const spec = platform('gb200-nvl72');
  const domain = new NvlinkDomain(rack, 'nvl72', { platform: spec });
  const servers: Server[] = [];
  for (let i = 1; i <= trays; i++) servers.push(new Server(rack, `tray-${String(i).padStart(2, '0')}`, { platform: spec, positionU: i, nvlinkDomain: domain }));
  return { rack, domain, trays: servers };
}

/**
 * The problems `fn` reports: those the constructors it runs record (`PropChecker.defer`) and
 * those of a FleetValidationError it throws, plus the rule violations of a Fleet it returns.
 * Fails when there are none; other errors pass through.
 */
export function thrownValidationError(fn: () => unknown): FleetValidationError {
  const { result, violations } = captureProblems(fn);
  const all: Violation[] = [...violations, ...(result instanceof Fleet ? result.validate() : [])];
  if (all.length === 0) throw new Error('expected problems, but none were reported');
  return new FleetValidationError(all);
}

/** The violation lines `fn` reports (see `thrownValidationError`). */
export function thrownLines(fn: () => unknown): string[] {
  return thrownValidationError(fn).violations.map(formatViolation);
}

/** The violation lines of a whole fleet's validation. */
export function validationLines(fleet: Fleet): string[] {
  return fleet.validate().map(formatViolation);
}
