import { duplicateTaintProblems, Taint, taintProblems } from '../../constructs/taint';

describe('Taint', () => {
  it('makes taints for each effect and prints them as kubectl does', () => {
    expect(String(Taint.noSchedule('gpu-fleet.io/workload', 'training'))).toBe('gpu-fleet.io/workload=training:NoSchedule');
    expect(String(Taint.preferNoSchedule('a'))).toBe('a:PreferNoSchedule');
    expect(Taint.noExecute('b', 'c')).toMatchObject({ key: 'b', value: 'c', effect: 'NoExecute' });
  });
});

describe('taintProblems', () => {
  it('accepts a taint with a prefixed key, a value and a known effect', () => {
    expect(taintProblems(Taint.noSchedule('nvidia.com/gpu', 'present'))).toEqual([]);
    expect(taintProblems(Taint.noExecute('maintenance'))).toEqual([]);
  });

  it('rejects a key that is not a label key, a bad value and an unknown effect', () => {
    const forged = Object.assign(Object.create(Taint.prototype) as Taint, { key: 'bad key', value: 'x y', effect: 'NoWay' });
    expect(taintProblems(forged)).toEqual([
      expect.stringMatching(/^taint key is not a valid label key, got "bad key", expected /),
      expect.stringMatching(/^taint bad key value is not a valid label value, got "x y", expected /),
      'taint bad key effect is unknown, got "NoWay", expected NoSchedule, PreferNoSchedule, NoExecute',
    ]);
  });
});

describe('duplicateTaintProblems', () => {
  it('allows one key with different effects', () => {
    expect(duplicateTaintProblems([Taint.noSchedule('a'), Taint.noExecute('a')])).toEqual([]);
  });

  it('rejects two taints with the same key and effect, whatever their values', () => {
    expect(duplicateTaintProblems([Taint.noSchedule('a', 'x'), Taint.noSchedule('a', 'y')])).toEqual([
      'taints must be unique by key and effect, got "a:NoSchedule", expected one taint per key and effect',
    ]);
  });
});
