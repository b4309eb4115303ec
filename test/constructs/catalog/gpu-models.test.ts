import { gpuModel, gpuModels, MIG_COMPUTE_SLICES, MIG_MEMORY_SLICES, supportsMig } from '../../../constructs/catalog/gpu-models';

describe('gpuModel', () => {
  it('finds a model by its catalog name with its figures', () => {
    const h100 = gpuModel('H100-80GB');
    expect(h100).toMatchObject({ name: 'H100-80GB', vendor: 'nvidia', memoryGb: 80, tdpW: 700 });
    expect(h100.migProfiles.map((p) => `${p.name}x${p.maxCount}`)).toEqual(['1g.10gbx7', '1g.20gbx4', '2g.20gbx3', '3g.40gbx2', '4g.40gbx1', '7g.80gbx1']);
    expect(gpuModel('H200-141GB').migProfiles.map((p) => p.name)).toEqual(['1g.18gb', '1g.35gb', '2g.35gb', '3g.71gb', '4g.71gb', '7g.141gb']);
  });

  it('fails when the name is unknown, listing every known name in order', () => {
    const known = gpuModels()
      .map((m) => m.name)
      .sort()
      .join(', ');
    expect(() => gpuModel('H300')).toThrow(`unknown GPU model "H300", expected one of: ${known}`);
    expect(known).toContain('H100-80GB, H20-96GB, H200-141GB');
  });

  it('has unique names', () => {
    const names = gpuModels().map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('MIG profiles of the catalog', () => {
  it.each(gpuModels().filter(supportsMig).map((m) => [m.name, m] as const))('%s: every profile alone at its maximum count fits in one GPU', (_name, model) => {
    for (const p of model.migProfiles) {
      expect(p.name).toMatch(/^[1-7]g\.[0-9]+gb$/);
      expect(p.maxCount * p.computeSlices).toBeLessThanOrEqual(MIG_COMPUTE_SLICES);
      expect(p.maxCount * p.memorySlices).toBeLessThanOrEqual(MIG_MEMORY_SLICES);
    }
  });

  it('supportsMig is false for a model without profiles', () => {
    expect(supportsMig({ ...gpuModel('H100-80GB'), migProfiles: [] })).toBe(false);
    expect(supportsMig(gpuModel('H100-80GB'))).toBe(true);
  });
});
