import { Cooling } from '../../constructs/cooling';

describe('Cooling', () => {
  it('makes air and liquid cooling with their kW limit', () => {
    expect(Cooling.air(25)).toMatchObject({ kind: 'air', maxKw: 25 });
    expect(Cooling.liquid(120)).toMatchObject({ kind: 'liquid', maxKw: 120 });
    expect(String(Cooling.air(25))).toBe('air 25 kW');
  });
  // A Cooling's limit is checked where it is used, by the Rack (see rack.test.ts).
});
