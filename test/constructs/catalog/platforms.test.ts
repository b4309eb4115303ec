import { findPlatform, platform, platformNames, platforms, requirePlatform, serversPerNvlinkDomain } from '../../../constructs/catalog/platforms';

describe('platform', () => {
  it('finds an HGX platform: 8 GPUs, one NVLink domain per server', () => {
    expect(platform('hgx-h100')).toMatchObject({ gpusPerServer: 8, heightU: 8, maxPowerKw: 10.2, nvlinkDomainGpus: 8, nvlinkScope: 'server' });
    expect(platform('hgx-h100').gpuModel.name).toBe('H100-80GB');
    expect(serversPerNvlinkDomain(platform('hgx-h200'))).toBe(1);
  });

  it('finds GB200 NVL72: 18 liquid-cooled trays of 4 GPUs make one rack-wide domain of 72', () => {
    const nvl = platform('gb200-nvl72');
    expect(nvl).toMatchObject({ gpusPerServer: 4, heightU: 1, nvlinkDomainGpus: 72, nvlinkScope: 'rack', requiresCooling: 'liquid' });
    expect(serversPerNvlinkDomain(nvl)).toBe(18);
  });

  it('fails when the name is unknown, listing every known platform (requirePlatform)', () => {
    const known = platforms()
      .map((p) => p.name)
      .sort()
      .join(', ');
    expect(() => requirePlatform('hgx-h300')).toThrow(`unknown platform "hgx-h300", expected one of: ${known}`);
    expect(platformNames().join(', ')).toBe(known);
  });

  it('gives a stand-in for an unknown name, one per name, that the site reports', () => {
    const stand = platform('hgx-h300');
    expect(stand).toMatchObject({ name: 'hgx-h300', unknownName: 'hgx-h300', gpusPerServer: 8, heightU: 1, maxPowerKw: 0, nvlinkScope: 'server' });
    expect(platform('hgx-h300')).toBe(stand);
    expect(findPlatform('hgx-h300')).toBeUndefined();
    expect(findPlatform('hgx-h100')).toBe(platform('hgx-h100'));
  });

  it('has whole-number NVLink domains for every platform', () => {
    for (const p of platforms()) expect(Number.isInteger(serversPerNvlinkDomain(p))).toBe(true);
  });
});

describe('host resources of the catalog platforms', () => {
  it('gives every platform the cores and memory of its datasheet (or the documented assumption)', () => {
    const host = Object.fromEntries(platforms().map((p) => [p.name, [p.hostCpuCores, p.hostMemoryGiB]]));
    expect(host).toEqual({
      'hgx-a100-40gb': [128, 1024],
      'hgx-a100-80gb': [128, 2048],
      'hgx-a800': [128, 2048],
      'hgx-h100': [112, 2048],
      'hgx-h800': [112, 2048],
      'hgx-h200': [112, 2048],
      'hgx-h20': [112, 2048],
      'dgx-b200': [112, 2048],
      'gb200-nvl72': [144, 960],
      'atlas-800t-a2': [192, 1024],
      'cloudmatrix-384': [192, 1024],
    });
  });
});
