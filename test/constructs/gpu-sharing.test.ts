import { gpuModel } from '../../constructs/catalog/gpu-models';
import { GpuSharing, sharingProblems } from '../../constructs/gpu-sharing';
import { MigLayout } from '../../constructs/mig-layout';

const h100 = gpuModel('H100-80GB');

/** A GpuSharing the factories cannot make, as deserialized or hand-built input could. */
function forged(fields: Partial<GpuSharing>): GpuSharing {
  return Object.assign(Object.create(GpuSharing.prototype) as GpuSharing, { replicas: 1, options: {}, ...fields });
}

describe('GpuSharing', () => {
  it('exclusive: one device per GPU, no MIG', () => {
    const s = GpuSharing.exclusive();
    expect([s.mode, s.migStrategy, s.devicesPerGpu(h100), String(s)]).toEqual(['exclusive', 'none', 1, 'exclusive']);
    expect(sharingProblems(s)).toEqual([]);
  });

  it('time-slicing and MPS: each GPU advertised `replicas` times', () => {
    const ts = GpuSharing.timeSlicing(4, { failRequestsGreaterThanOne: true });
    expect([ts.mode, ts.migStrategy, ts.devicesPerGpu(h100), String(ts)]).toEqual(['time-slicing', 'none', 4, 'time-slicing x4']);
    expect(ts.options.failRequestsGreaterThanOne).toBe(true);
    const mps = GpuSharing.mps(2);
    expect([mps.mode, mps.devicesPerGpu(h100), String(mps)]).toEqual(['mps', 2, 'mps x2']);
    expect(sharingProblems(ts)).toEqual([]);
    expect(sharingProblems(mps)).toEqual([]);
  });

  it('MIG: strategy mixed for every layout, uniform ones too (single would advertise MIG instances as nvidia.com/gpu)', () => {
    const single = GpuSharing.mig(MigLayout.uniform('1g.10gb'));
    expect([single.mode, single.migStrategy, single.devicesPerGpu(h100), String(single)]).toEqual(['mig', 'mixed', 7, 'mig all-1g.10gb']);
    const mixed = GpuSharing.mig(MigLayout.of('balanced', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 }));
    expect([mixed.migStrategy, mixed.devicesPerGpu(h100)]).toEqual(['mixed', 4]);
    expect(sharingProblems(mixed)).toEqual([]);
  });

  it('renames time-slices and MPS clients nvidia.com/gpu.shared unless told not to', () => {
    expect([GpuSharing.timeSlicing(4), GpuSharing.mps(2), GpuSharing.timeSlicing(4, { renameByDefault: false }), GpuSharing.exclusive()].map((s) => s.renamesShared)).toEqual([true, true, false, false]);
  });
});

describe('sharingProblems', () => {
  it.each([
    ['time-slicing', GpuSharing.timeSlicing(1), 1],
    ['time-slicing', GpuSharing.timeSlicing(2.5), 2.5],
    ['mps', GpuSharing.mps(0), 0],
    ['mps', GpuSharing.mps(Number.NaN), 'NaN'],
    ['time-slicing', GpuSharing.timeSlicing(-4), -4],
  ])('rejects %s replicas %p', (mode, sharing, shown) => {
    expect(sharingProblems(sharing)).toEqual([`${mode} replicas must be a whole number >= 2, got ${shown}, expected an integer >= 2`]);
  });

  it('rejects a MIG layout name that is not a label value (it becomes nvidia.com/mig.config)', () => {
    expect(sharingProblems(GpuSharing.mig(MigLayout.of('my layout', { '7g.80gb': 1 })))).toEqual([
      expect.stringMatching(/^MIG layout name is not a valid label value, got "my layout", expected at most 63 characters/),
    ]);
  });

  it('rejects MPS with migStrategy mixed', () => {
    const mps = forged({ mode: 'mps', replicas: 2, migLayout: MigLayout.of('balanced', { '3g.40gb': 1, '1g.10gb': 1 }) });
    expect(mps.migStrategy).toBe('mixed');
    expect(sharingProblems(mps)).toEqual(['MPS cannot be used with migStrategy mixed, got "mixed", expected migStrategy none (MPS does not share MIG devices)']);
  });

  it('rejects a MIG layout outside MIG mode and MIG mode without a layout', () => {
    expect(sharingProblems(forged({ mode: 'time-slicing', replicas: 4, migLayout: MigLayout.uniform('1g.10gb') }))).toEqual([
      'time-slicing sharing cannot have a MIG layout, got "all-1g.10gb", expected no MIG layout outside GpuSharing.mig',
    ]);
    expect(sharingProblems(forged({ mode: 'mig' }))).toEqual(['MIG sharing needs a MIG layout, got nothing, expected a MigLayout']);
  });
});
