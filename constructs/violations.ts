/**
 * How the domain model reports bad input: one line per violation,
 * `<construct path>: <what is wrong>, got <value>, expected <limit>`.
 *
 * Every mistake in one run. A constructor checks its props with a PropChecker and ends the
 * checks with `check.defer()`: the problems are recorded for the fleet's validation, and the
 * construct is created all the same, with a safe shape (a bad number replaced by its default,
 * say) so that the rest of the fleet can be built and checked too. `Fleet.validate()` (and so
 * every synth) reports the recorded problems together with the rules (`node.addValidation`),
 * and synthesizeFleet adds the rules of every site's stack. Converting a constructor written
 * with `check.throwIfAny()` is one line: call `check.defer()` instead. Only a duplicate id
 * still throws (a tree cannot hold two children of one name); builders wrap such steps in
 * `attempt()`.
 */
import { IConstruct } from 'constructs';

export interface Violation {
  /** Construct path of the construct at fault. */
  readonly path: string;
  /** `<what is wrong>, got <value>, expected <limit>`. */
  readonly message: string;
}

/** Renders a received value the way messages show it: strings quoted, numbers as they are. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Formats one violation message (without the path). */
export function problem(what: string, got: unknown, expected: string): string {
  return `${what}, got ${show(got)}, expected ${expected}`;
}

export function formatViolation(v: Violation): string {
  return `${v.path}: ${v.message}`;
}

/**
 * Summarises a long list for a message: `18 servers: lab-01/rack-001/u01 ... rack-005/u25`
 * (the last item without the prefix it shares with the first). Lists of up to `keep` items are
 * shown whole.
 */
export function summarise(items: readonly string[], noun: string, keep = 3): string {
  const plural = `${items.length} ${noun}${items.length === 1 ? '' : 's'}`;
  if (items.length <= keep) return `${plural}: ${items.join(', ')}`;
  const first = items[0];
  const last = items[items.length - 1];
  const cut = first.slice(0, first.lastIndexOf('/', commonPrefixLength(first, last)) + 1);
  return `${plural}: ${first} ... ${last.slice(cut.length)}`;
}

function commonPrefixLength(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The site a violation belongs to: the first element of its path (`(fleet)` for fleet-wide ones). */
export function siteOf(v: Violation): string {
  const slash = v.path.indexOf('/');
  return slash < 0 ? v.path : v.path.slice(0, slash);
}

/**
 * Violations grouped by site, sites in order of their first violation, each violation once
 * (the same line reached by two routes, a rule and a stack that re-checks it, is shown once).
 */
export function groupBySite(violations: readonly Violation[]): Map<string, Violation[]> {
  const groups = new Map<string, Violation[]>();
  const seen = new Set<string>();
  for (const v of violations) {
    const line = formatViolation(v);
    if (seen.has(line)) continue;
    seen.add(line);
    const site = siteOf(v);
    const group = groups.get(site);
    if (group) group.push(v);
    else groups.set(site, [v]);
  }
  return groups;
}

/**
 * The report of a refused fleet: a count, then each site's violations under the site's name,
 * one line each, in full.
 */
export function formatReport(violations: readonly Violation[]): string {
  const groups = groupBySite(violations);
  const count = [...groups.values()].reduce((n, g) => n + g.length, 0);
  const lines = [`${count} violation${count === 1 ? '' : 's'} in ${groups.size} site${groups.size === 1 ? '' : 's'}:`];
  for (const [site, group] of groups) {
    lines.push('', `${site}:`);
    for (const v of group) lines.push(`  ${formatViolation(v)}`);
  }
  return lines.join('\n');
}

/** Thrown when a fleet, or one construct's props, break the rules. Carries every violation found. */
export class FleetValidationError extends Error {
  public readonly violations: readonly Violation[];

  constructor(violations: readonly Violation[]) {
    super(formatReport(violations));
    this.name = 'FleetValidationError';
    this.violations = violations;
  }
}

/**
 * Collects the problems of one construct's props so that a constructor reports all of them at
 * once. A constructor ends its checks with `check.defer()`: the problems go to the fleet's
 * validation and the construct is still created, with a safe value for every prop that failed
 * (its default, or a value that adds no second problem), so that later code never meets an
 * invalid value and the rest of the fleet is checked in the same run:
 *
 * ```ts
 * const check = PropChecker.forChild(scope, id);
 * const heightOk = check.integer('heightU', heightU);
 * check.defer();
 * super(scope, id);
 * this.heightU = heightOk ? heightU : 42;
 * ```
 *
 * `throwIfAny()` is the older ending: it stops at the first construct with a problem. Stack
 * objects that still use it are built by synthesizeFleet one site at a time, so they stop only
 * their own site.
 */
export class PropChecker {
  /**
   * A checker for the props of a construct about to be created as `id` in `scope`. Its path
   * is only worked out when a problem is reported.
   */
  public static forChild(scope: IConstruct, id: string): PropChecker {
    const check = new PropChecker(() => childPath(scope, id));
    check.scope = scope;
    check.id = id;
    return check;
  }

  private readonly messages: string[] = [];
  private scope?: IConstruct;
  private id?: string;

  /** @param path the construct path problems are reported at, or a function that returns it */
  constructor(private readonly path: string | (() => string)) {}

  /** True when no problem has been recorded: the props can be used as they are. */
  public get ok(): boolean {
    return this.messages.length === 0;
  }

  /**
   * Records `what, got value, expected limit` unless `ok`. Returns `ok`. Where building the
   * message costs (a template, a construct path) and the check runs per server, write
   * `if (!ok) check.fail(...)` instead, so that the message is only built for a failure.
   */
  public check(ok: boolean, what: string, got: unknown, expected: string): boolean {
    if (!ok) this.messages.push(problem(what, got, expected));
    return ok;
  }

  /** Records `what, got value, expected limit`. Returns false. */
  public fail(what: string, got: unknown, expected: string): false {
    this.messages.push(problem(what, got, expected));
    return false;
  }

  /** A finite number > 0. */
  public positive(name: string, value: number): boolean {
    return (Number.isFinite(value) && value > 0) || this.fail(`${name} must be a positive number`, value, 'a finite number > 0');
  }

  /** A finite number >= min and <= max. */
  public between(name: string, value: number, min: number, max: number): boolean {
    return (Number.isFinite(value) && value >= min && value <= max) || this.fail(`${name} is out of range`, value, `a number from ${min} to ${max}`);
  }

  /** A whole number >= min. */
  public integer(name: string, value: number, min = 1): boolean {
    return (Number.isInteger(value) && value >= min) || this.fail(`${name} must be a whole number >= ${min}`, value, `an integer >= ${min}`);
  }

  /** Records a message built elsewhere (already in `what, got, expected` form). */
  public add(message: string): void {
    this.messages.push(message);
  }

  /** The problems recorded so far, as violations of this checker's path. */
  public get violations(): Violation[] {
    if (this.messages.length === 0) return [];
    const path = typeof this.path === 'string' ? this.path : this.path();
    return this.messages.map((message) => ({ path, message }));
  }

  /**
   * Ends a constructor's checks: records every problem for the fleet's validation
   * (`Fleet.validate()`, `collectViolations`) and returns whether there was none, so that the
   * construct goes on being created, with safe values in place of the bad ones. Throws, as
   * `throwIfAny` does, only when the construct cannot exist: its id is already taken in its
   * scope, or the checker was not made by `forChild`.
   */
  public defer(): boolean {
    if (this.messages.length === 0) return true;
    if (!this.scope || this.id === undefined || this.scope.node.tryFindChild(this.id)) this.throwIfAny();
    recordProblems(this.scope!, this.violations);
    return false;
  }

  /**
   * Records every problem for the fleet's validation, like `defer`, for a builder that checks
   * a design rather than a construct's props (`buildSite`). Returns whether there was none.
   */
  public record(): boolean {
    if (this.messages.length === 0) return true;
    if (!this.scope) this.throwIfAny();
    recordProblems(this.scope!, this.violations);
    return false;
  }

  /** Throws a FleetValidationError with every recorded problem, if any. */
  public throwIfAny(): void {
    if (this.messages.length > 0) {
      throw new FleetValidationError(this.violations);
    }
  }
}

/** Path a construct will have once created under `scope` with `id`. */
export function childPath(scope: IConstruct, id: string): string {
  const parent = scope.node.path;
  return parent ? `${parent}/${id}` : id;
}

/** Problems of constructs created in spite of them (`PropChecker.defer`), by the root of their tree. */
const deferred = new WeakMap<IConstruct, Violation[]>();
/** Where `captureProblems` collects, while it runs. */
let capturing: Violation[] | undefined;

/** Records `violations` for the validation of the tree `scope` is in, as `PropChecker.defer` does. */
export function recordProblems(scope: IConstruct, violations: readonly Violation[]): void {
  if (capturing) {
    capturing.push(...violations);
    return;
  }
  const root = scope.node.root;
  const list = deferred.get(root);
  if (list) list.push(...violations);
  else deferred.set(root, [...violations]);
}

/** The problems `PropChecker.defer` recorded for constructs at or below `root`, in the order they were found. */
export function deferredViolations(root: IConstruct): Violation[] {
  const list = deferred.get(root.node.root) ?? [];
  const at = root.node.path;
  return at ? list.filter((v) => v.path === at || v.path.startsWith(`${at}/`)) : [...list];
}

/**
 * Runs `build` and returns what it returned with the problems the constructors it ran recorded
 * (`PropChecker.defer`) and the violations of any FleetValidationError it threw, instead of
 * recording them for the fleet: for a builder that reports a step's problems itself, and for
 * tests. Errors that are not FleetValidationErrors pass through.
 */
export function captureProblems<T>(build: () => T): { result?: T; violations: Violation[] } {
  const outer = capturing;
  const violations: Violation[] = [];
  capturing = violations;
  try {
    return { result: build(), violations };
  } catch (e) {
    if (!(e instanceof FleetValidationError)) throw e;
    violations.push(...e.violations);
    return { violations };
  } finally {
    capturing = outer;
  }
}

/**
 * Every problem under `root`: first those the constructors recorded (`PropChecker.defer`), then
 * every `node.addValidation`, in tree order.
 */
export function collectViolations(root: IConstruct): Violation[] {
  const out: Violation[] = deferredViolations(root);
  for (const c of root.node.findAll()) {
    for (const message of c.node.validate()) out.push({ path: c.node.path || '(fleet)', message });
  }
  return out;
}

/** Records a problem when `scope` already has a child named `id` (names are unique per scope). */
export function uniqueIdCheck(check: PropChecker, scope: IConstruct, id: string, kind: string): void {
  if (scope.node.tryFindChild(id)) {
    check.fail(`${kind} name is already used in ${scope.node.path || 'the fleet'}`, id, 'a name not used by another construct there');
  }
}

/**
 * Runs `build` and returns what it returns. When it throws a FleetValidationError, its
 * violations are appended to `into` and `undefined` is returned, so the caller can go on and
 * report the problems of everything else too. Any other error passes through. Constructors
 * defer their problems (`PropChecker.defer`), so this is for the steps that still throw: a
 * duplicate construct id, a construct that still ends with `throwIfAny()`, a stack being built.
 */
export function attempt<T>(into: Violation[], build: () => T): T | undefined {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof FleetValidationError)) throw e;
    into.push(...e.violations);
    return undefined;
  }
}

/** The nearest construct of `type` at or above `c`; throws naming `c`'s path when there is none. */
export function enclosing<T extends IConstruct>(c: IConstruct, type: abstract new (...args: never[]) => T): T {
  for (let s: IConstruct | undefined = c; s; s = s.node.scope) {
    if (s instanceof type) return s;
  }
  throw new Error(`${c.node.path}: construct is not inside a ${type.name}`);
}
