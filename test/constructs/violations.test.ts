import { Construct } from 'constructs';
import { Fleet } from '../../constructs/fleet';
import { attempt, childPath, collectViolations, FleetValidationError, formatViolation, problem, PropChecker, show, uniqueIdCheck, Violation } from '../../constructs/violations';

describe('show', () => {
  it('quotes strings and prints numbers, NaN, nothing and lists as they are', () => {
    expect(show('a')).toBe('"a"');
    expect(show(2.5)).toBe('2.5');
    expect(show(Number.NaN)).toBe('NaN');
    expect(show(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(show(undefined)).toBe('nothing');
    expect(show(['a', 1])).toBe('["a", 1]');
    expect(show({ a: 1 })).toBe('{"a":1}');
  });
});

describe('problem and formatViolation', () => {
  it('build one line `<path>: <what>, got <value>, expected <limit>`', () => {
    const message = problem('voltageV must be a positive number', -1, 'a finite number > 0');
    expect(formatViolation({ path: 'lab-01/row-01-a', message })).toBe('lab-01/row-01-a: voltageV must be a positive number, got -1, expected a finite number > 0');
  });
});

describe('PropChecker', () => {
  it('records nothing for good values and does not throw', () => {
    const check = new PropChecker('x');
    expect(check.positive('a', 1)).toBe(true);
    expect(check.between('b', 5, 0, 10)).toBe(true);
    expect(check.integer('c', 3)).toBe(true);
    expect(check.integer('d', 0, 0)).toBe(true);
    expect(check.violations).toEqual([]);
    expect(() => check.throwIfAny()).not.toThrow();
  });

  it('rejects NaN, Infinity, zero, negatives and fractions where they are not allowed', () => {
    const check = new PropChecker('x');
    expect(check.positive('a', Number.NaN)).toBe(false);
    expect(check.positive('b', Number.POSITIVE_INFINITY)).toBe(false);
    expect(check.positive('c', 0)).toBe(false);
    expect(check.positive('d', -2)).toBe(false);
    expect(check.integer('e', 1.5)).toBe(false);
    expect(check.between('f', 11, 0, 10)).toBe(false);
    expect(check.violations.map(formatViolation)).toEqual([
      'x: a must be a positive number, got NaN, expected a finite number > 0',
      'x: b must be a positive number, got Infinity, expected a finite number > 0',
      'x: c must be a positive number, got 0, expected a finite number > 0',
      'x: d must be a positive number, got -2, expected a finite number > 0',
      'x: e must be a whole number >= 1, got 1.5, expected an integer >= 1',
      'x: f is out of range, got 11, expected a number from 0 to 10',
    ]);
  });

  it('throws one FleetValidationError with every recorded problem', () => {
    const check = new PropChecker('lab-01');
    check.positive('a', 0);
    check.add('b is wrong, got 1, expected 2');
    let error: unknown;
    try {
      check.throwIfAny();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FleetValidationError);
    const fve = error as FleetValidationError;
    expect(fve.violations).toHaveLength(2);
    expect(fve.message).toBe('2 violations in 1 site:\n\nlab-01:\n  lab-01: a must be a positive number, got 0, expected a finite number > 0\n  lab-01: b is wrong, got 1, expected 2');
  });
});

describe('FleetValidationError', () => {
  it('says "violation" for one and "violations" for several', () => {
    expect(new FleetValidationError([{ path: 'a', message: 'm' }]).message).toBe('1 violation in 1 site:\n\na:\n  a: m');
    expect(new FleetValidationError([]).name).toBe('FleetValidationError');
  });
});

describe('childPath and uniqueIdCheck', () => {
  it('give the path a child will have and reject a name already used in its scope', () => {
    const fleet = new Fleet('f');
    const site = new Construct(fleet, 'lab-01');
    expect(childPath(fleet, 'lab-01')).toBe('lab-01');
    expect(childPath(site, 'rack-001')).toBe('lab-01/rack-001');
    const check = new PropChecker('lab-01');
    uniqueIdCheck(check, fleet, 'lab-01', 'site');
    uniqueIdCheck(check, fleet, 'lab-02', 'site');
    expect(check.violations.map(formatViolation)).toEqual(['lab-01: site name is already used in the fleet, got "lab-01", expected a name not used by another construct there']);
  });
});

describe('collectViolations', () => {
  it('runs every validation in the tree, in tree order, with each construct path', () => {
    const fleet = new Fleet('f');
    const a = new Construct(fleet, 'a');
    const b = new Construct(a, 'b');
    b.node.addValidation({ validate: () => ['b broken, got 1, expected 0'] });
    a.node.addValidation({ validate: () => ['a broken, got 2, expected 0'] });
    expect(collectViolations(fleet)).toEqual([
      { path: 'a', message: 'a broken, got 2, expected 0' },
      { path: 'a/b', message: 'b broken, got 1, expected 0' },
    ]);
  });
});

describe('attempt', () => {
  it('returns what the builder returns when it succeeds', () => {
    const into: Violation[] = [];
    expect(attempt(into, () => 42)).toBe(42);
    expect(into).toEqual([]);
  });

  it('collects the violations of a FleetValidationError and returns undefined', () => {
    const into: Violation[] = [{ path: 'x', message: 'first' }];
    expect(
      attempt(into, () => {
        throw new FleetValidationError([{ path: 'y', message: 'second' }]);
      }),
    ).toBeUndefined();
    expect(into.map((v) => v.message)).toEqual(['first', 'second']);
  });

  it('rethrows errors that are not rule violations', () => {
    expect(() =>
      attempt([], () => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
  });
});
