/**
 * How the domain model reports bad input: one line per violation,
 * `<construct path>: <what is wrong>, got <value>, expected <limit>`.
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

/** Thrown when a fleet, or one construct's props, break the rules. Carries every violation found. */
export class FleetValidationError extends Error {
  public readonly violations: readonly Violation[];

  constructor(violations: readonly Violation[]) {
    const lines = violations.map(formatViolation);
    super(`${violations.length} violation${violations.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'FleetValidationError';
    this.violations = violations;
  }
}

/**
 * Collects the problems of one construct's props so that a constructor can report all of
 * them at once, then throw.
 */
export class PropChecker {
  /**
   * A checker for the props of a construct about to be created as `id` in `scope`. Its path
   * is only worked out when a problem is reported.
   */
  public static forChild(scope: IConstruct, id: string): PropChecker {
    return new PropChecker(() => childPath(scope, id));
  }

  private readonly messages: string[] = [];

  /** @param path the construct path problems are reported at, or a function that returns it */
  constructor(private readonly path: string | (() => string)) {}

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

/** Runs every `node.addValidation` in the tree under `root` and returns the violations, in tree order. */
export function collectViolations(root: IConstruct): Violation[] {
  const out: Violation[] = [];
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
 * report the problems of everything else too. Any other error passes through.
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
