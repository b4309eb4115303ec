import { parse } from 'yaml';
import { gpuModel } from '../../../constructs/catalog/gpu-models';
import { MigLayout } from '../../../constructs/mig-layout';
import { migPartedConfig, migPartedConfigProblems, migPartedConfigYaml, migPartedConflictProblems } from '../../../stacks/nvidia/mig-parted-config';

const H100 = gpuModel('H100-80GB');
const H800 = gpuModel('H800-80GB');
const A100_40 = gpuModel('A100-40GB');
const H200 = gpuModel('H200-141GB');

/** A valid document as plain data, for the validator cases to break. */
function doc(): Record<string, any> {
  return {
    version: 'v1',
    'mig-configs': {
      'all-disabled': [{ devices: 'all', 'mig-enabled': false }],
      'all-1g.10gb': [{ devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 7 } }],
    },
  };
}

describe('migPartedConfig', () => {
  test('a uniform layout fills every GPU with as many instances as the model allows, next to all-disabled', () => {
    expect(migPartedConfig([{ layout: MigLayout.uniform('1g.10gb'), model: H100 }])).toEqual({
      version: 'v1',
      'mig-configs': {
        'all-1g.10gb': [{ devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 7 } }],
        'all-disabled': [{ devices: 'all', 'mig-enabled': false }],
      },
    });
  });

  test('a mixed layout keeps its counts per profile', () => {
    const layout = MigLayout.of('h200-3-2-1', { '3g.71gb': 1, '2g.35gb': 1, '1g.18gb': 2 });
    const config = migPartedConfig([{ layout, model: H200 }]);
    expect(config['mig-configs']['h200-3-2-1']).toEqual([{ devices: 'all', 'mig-enabled': true, 'mig-devices': { '3g.71gb': 1, '2g.35gb': 1, '1g.18gb': 2 } }]);
  });

  test('configs are sorted by name', () => {
    const config = migPartedConfig([
      { layout: MigLayout.uniform('3g.40gb'), model: H100 },
      { layout: MigLayout.of('zz-last', { '7g.80gb': 1 }), model: H100 },
      { layout: MigLayout.uniform('1g.10gb'), model: H100 },
      { layout: MigLayout.of('a-first', { '4g.40gb': 1 }), model: H100 },
    ]);
    expect(Object.keys(config['mig-configs'])).toEqual(['a-first', 'all-1g.10gb', 'all-3g.40gb', 'all-disabled', 'zz-last']);
  });

  test('the same layout on two models with the same partition appears once', () => {
    const layout = MigLayout.uniform('1g.10gb');
    const config = migPartedConfig([
      { layout, model: H100 },
      { layout, model: H800 },
    ]);
    expect(Object.keys(config['mig-configs'])).toEqual(['all-1g.10gb', 'all-disabled']);
  });

  test('gives one layout name that partitions two models differently one entry per model, with a device-filter of its PCI ids', () => {
    const layout = MigLayout.uniform('1g.10gb');
    const config = migPartedConfig([
      { layout, model: H100 },
      { layout, model: H800 },
      { layout, model: A100_40 },
    ]);
    // As mig-parted's own config-default.yaml writes all-1g.10gb: 7 on the 80GB parts, 4 on the 40GB ones.
    expect(config['mig-configs']['all-1g.10gb']).toEqual([
      { 'device-filter': ['0x232210DE', '0x232410DE', '0x233010DE', '0x233110DE'], devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 7 } },
      { 'device-filter': ['0x20B010DE', '0x20B110DE', '0x20F110DE'], devices: 'all', 'mig-enabled': true, 'mig-devices': { '1g.10gb': 4 } },
    ]);
    expect(migPartedConfigProblems(config)).toEqual([]);
    expect(migPartedConfigYaml(config)).toContain('    - device-filter:\n        - "0x20B010DE"');
  });

  test('fails when one layout name means two partitions on the same model, naming both pools', () => {
    const entries = [
      { layout: MigLayout.of('mine', { '3g.40gb': 2 }), model: H100, pool: 'lab-01/a' },
      { layout: MigLayout.of('mine', { '1g.10gb': 7 }), model: H100, pool: 'lab-01/b' },
    ];
    expect(() => migPartedConfig(entries)).toThrow(/mine.*lab-01\/a.*lab-01\/b/);
    expect(migPartedConflictProblems(entries)).toEqual([
      'MIG layout mine means {"3g.40gb":2} on H100-80GB (pool lab-01/a) but a different partition on H100-80GB (pool lab-01/b), got {"1g.10gb":7}, expected the same devices for one GPU model, or one layout name per partition',
    ]);
  });

  test('fails when a device-filter is not a PCI device id', () => {
    const config = { version: 'v1', 'mig-configs': { x: [{ 'device-filter': ['H100'], devices: 'all', 'mig-enabled': false }] } };
    expect(migPartedConfigProblems(config)).toEqual([
      'mig-configs.x[0].device-filter is not a PCI device id filter mig-parted accepts, got ["H100"], expected a PCI device id such as "0x233010DE", or a list of them',
    ]);
  });

  test('fails when a layout is named all-disabled', () => {
    expect(() => migPartedConfig([{ layout: MigLayout.of('all-disabled', { '7g.80gb': 1 }), model: H100 }])).toThrow(/all-disabled is reserved/);
  });

  test('the built config passes the validator', () => {
    const config = migPartedConfig([
      { layout: MigLayout.uniform('2g.20gb'), model: H100 },
      { layout: MigLayout.of('h200-mixed', { '4g.71gb': 1, '3g.71gb': 1 }), model: H200 },
    ]);
    expect(migPartedConfigProblems(config)).toEqual([]);
  });
});

describe('migPartedConfigYaml', () => {
  test('the YAML parses back to the config it was rendered from', () => {
    const config = migPartedConfig([{ layout: MigLayout.uniform('3g.40gb'), model: H100 }]);
    expect(parse(migPartedConfigYaml(config))).toEqual(config);
  });

  test('the YAML is the mig-parted file layout', () => {
    const yaml = migPartedConfigYaml(migPartedConfig([{ layout: MigLayout.uniform('1g.10gb'), model: H100 }]));
    expect(yaml.split('\n')).toEqual([
      'version: v1',
      'mig-configs:',
      '  all-1g.10gb:',
      '    - devices: all',
      '      mig-enabled: true',
      '      mig-devices:',
      '        1g.10gb: 7',
      '  all-disabled:',
      '    - devices: all',
      '      mig-enabled: false',
      '',
    ]);
  });
});

describe('migPartedConfigProblems', () => {
  test('a document with device lists and a device filter has no problems', () => {
    const d = doc();
    d['mig-configs'].custom = [{ 'device-filter': ['0x233010DE'], devices: [0, 1], 'mig-enabled': true, 'mig-devices': { '1g.10gb': 2, '1c.3g.40gb': 1 } }];
    expect(migPartedConfigProblems(d)).toEqual([]);
  });

  test('fails when the version is not v1', () => {
    const d = doc();
    d.version = 'v2';
    expect(migPartedConfigProblems(d)).toEqual(['mig-parted config version is not supported, got "v2", expected "v1"']);
  });

  test('fails when an entry has no devices or no mig-enabled', () => {
    const d = doc();
    delete d['mig-configs']['all-1g.10gb'][0].devices;
    delete d['mig-configs']['all-disabled'][0]['mig-enabled'];
    expect(migPartedConfigProblems(d)).toEqual([
      expect.stringContaining('mig-configs.all-disabled[0].mig-enabled must be a boolean'),
      expect.stringContaining('mig-configs.all-1g.10gb[0].devices is missing'),
    ]);
  });

  test.each([
    ['0', 0],
    ['1.5', 1.5],
    ['negative', -1],
    ['a string', '7'],
  ])('fails when a mig-devices count is %s', (_label, count) => {
    const d = doc();
    d['mig-configs']['all-1g.10gb'][0]['mig-devices']['1g.10gb'] = count;
    expect(migPartedConfigProblems(d)).toEqual([expect.stringContaining('mig-configs.all-1g.10gb[0].mig-devices.1g.10gb must be a whole number >= 1')]);
  });

  test('fails when mig-devices is missing while MIG is enabled', () => {
    const d = doc();
    delete d['mig-configs']['all-1g.10gb'][0]['mig-devices'];
    expect(migPartedConfigProblems(d)).toEqual([expect.stringContaining('mig-devices is required when mig-enabled is true')]);
  });

  test('fails when mig-devices is set while MIG is disabled', () => {
    const d = doc();
    d['mig-configs']['all-disabled'][0]['mig-devices'] = { '1g.10gb': 7 };
    expect(migPartedConfigProblems(d)).toEqual([expect.stringContaining('mig-devices is set while mig-enabled is false')]);
  });

  test('fails when a field is unknown, as mig-parted refuses unexpected fields', () => {
    const d = doc();
    d['mig-configs']['all-1g.10gb'][0]['mig-enable'] = true;
    d.extra = 1;
    expect(migPartedConfigProblems(d)).toEqual([
      expect.stringContaining('extra is not a field mig-parted accepts'),
      expect.stringContaining('mig-configs.all-1g.10gb[0].mig-enable is not a field mig-parted accepts'),
    ]);
  });

  test('fails when devices is neither all nor a list of indices', () => {
    const d = doc();
    d['mig-configs']['all-1g.10gb'][0].devices = 'some';
    expect(migPartedConfigProblems(d)).toEqual([expect.stringContaining('devices is not a device selection mig-parted accepts, got "some"')]);
  });

  test('fails when there are no configs or a config has no entries', () => {
    expect(migPartedConfigProblems({ version: 'v1', 'mig-configs': {} })).toEqual([expect.stringContaining('mig-configs must name at least one config')]);
    expect(migPartedConfigProblems({ version: 'v1', 'mig-configs': { empty: [] } })).toEqual([expect.stringContaining('mig-configs.empty must have at least one entry')]);
  });

  test('fails when a profile name is malformed', () => {
    const d = doc();
    d['mig-configs']['all-1g.10gb'][0]['mig-devices'] = { '1g10gb': 7 };
    expect(migPartedConfigProblems(d)).toEqual([expect.stringContaining('mig-devices has a malformed MIG profile, got "1g10gb"')]);
  });
});
