import { gpuModel, gpuModels, supportsMig } from '../../constructs/catalog/gpu-models';
import { MigLayout, migLayoutProblems } from '../../constructs/mig-layout';

const h100 = gpuModel('H100-80GB');

describe('MigLayout', () => {
  it('fills every GPU with one profile when uniform', () => {
    const layout = MigLayout.uniform('1g.10gb');
    expect(layout.name).toBe('all-1g.10gb');
    expect(layout.isUniform).toBe(true);
    expect(layout.devicesFor(h100)).toEqual({ '1g.10gb': 7 });
    expect(layout.instancesPerGpu(h100)).toBe(7);
    expect(MigLayout.uniform('3g.40gb').instancesPerGpu(h100)).toBe(2);
    expect(migLayoutProblems(layout, h100)).toEqual([]);
  });

  it('keeps explicit counts of a mixed layout', () => {
    const layout = MigLayout.of('balanced', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 });
    expect(layout.isUniform).toBe(false);
    expect(layout.profiles).toEqual(['3g.40gb', '2g.20gb', '1g.10gb']);
    expect(layout.instancesPerGpu(h100)).toBe(4);
    expect(migLayoutProblems(layout, h100)).toEqual([]);
  });

  it.each(gpuModels().filter(supportsMig).flatMap((m) => m.migProfiles.map((p) => [m.name, p.name] as const)))('accepts uniform %s %s', (model, profile) => {
    expect(migLayoutProblems(MigLayout.uniform(profile), gpuModel(model))).toEqual([]);
  });
});

describe('migLayoutProblems', () => {
  it('fails when the model has no MIG', () => {
    const noMig = { ...h100, name: 'NoMig-1', migProfiles: [] };
    expect(migLayoutProblems(MigLayout.uniform('1g.10gb'), noMig)).toEqual(['GPU model NoMig-1 does not support MIG, got "all-1g.10gb", expected a MIG-capable model or no MIG layout']);
  });

  it('fails when a profile does not exist on the model, listing the ones that do', () => {
    expect(migLayoutProblems(MigLayout.uniform('1g.10gb'), gpuModel('H200-141GB'))).toEqual([
      'MIG profile 1g.10gb does not exist on H200-141GB, got "1g.10gb", expected one of 1g.18gb, 1g.35gb, 2g.35gb, 3g.71gb, 4g.71gb, 7g.141gb',
    ]);
  });

  it('fails when a count is above the profile maximum, zero, a fraction or NaN', () => {
    expect(migLayoutProblems(MigLayout.of('x', { '3g.40gb': 3 }), h100)).toEqual(['MIG profile 3g.40gb count is out of range on H100-80GB, got 3, expected an integer from 1 to 2']);
    expect(migLayoutProblems(MigLayout.of('x', { '1g.10gb': 0 }), h100)).toEqual(['MIG profile 1g.10gb count is out of range on H100-80GB, got 0, expected an integer from 1 to 7']);
    expect(migLayoutProblems(MigLayout.of('x', { '1g.10gb': 1.5 }), h100)).toEqual(['MIG profile 1g.10gb count is out of range on H100-80GB, got 1.5, expected an integer from 1 to 7']);
    // NaN is not "fill the GPU": only MigLayout.uniform does that.
    expect(migLayoutProblems(MigLayout.of('x', { '1g.10gb': Number.NaN }), h100)).toEqual(['MIG profile 1g.10gb count is out of range on H100-80GB, got NaN, expected an integer from 1 to 7']);
  });

  it('fails when the profiles together need more memory slices than a GPU has', () => {
    expect(migLayoutProblems(MigLayout.of('too-much-memory', { '3g.40gb': 2, '1g.10gb': 1 }), h100)).toEqual([
      'MIG layout too-much-memory needs more memory slices than one GPU has, got 9, expected at most 8',
    ]);
  });

  it('fails when the profiles together need more compute slices than a GPU has', () => {
    expect(migLayoutProblems(MigLayout.of('too-much', { '4g.40gb': 1, '3g.40gb': 1, '1g.10gb': 1 }), h100)).toEqual([
      'MIG layout too-much needs more compute slices than one GPU has, got 8, expected at most 7',
      'MIG layout too-much needs more memory slices than one GPU has, got 9, expected at most 8',
    ]);
  });

  it('fails when the layout has no profiles or a malformed one', () => {
    expect(migLayoutProblems(MigLayout.of('empty', {}), h100)).toEqual(['MIG layout has no profiles, got "empty", expected at least one profile']);
    expect(migLayoutProblems(MigLayout.of('x', { '8g.80gb': 1 }), h100)[0]).toMatch(/^MIG profile 8g\.80gb does not exist on H100-80GB, got "8g.80gb", expected one of /);
  });
});
