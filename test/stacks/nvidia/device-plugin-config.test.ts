import { parse } from 'yaml';
import { GpuSharing } from '../../../constructs/gpu-sharing';
import { MigLayout } from '../../../constructs/mig-layout';
import { devicePluginConfig, devicePluginConfigProblems, devicePluginConfigYaml } from '../../../stacks/nvidia/device-plugin-config';

const FLAGS_NONE = {
  migStrategy: 'none',
  failOnInitError: true,
  plugin: { passDeviceSpecs: false, deviceListStrategy: 'envvar', deviceIDStrategy: 'uuid' },
};

/** A valid time-slicing config as plain data, for the validator cases to break. */
function timeSlicingDoc(): Record<string, any> {
  return {
    version: 'v1',
    flags: { ...FLAGS_NONE, plugin: { ...FLAGS_NONE.plugin } },
    sharing: { timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: false, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
  };
}

describe('devicePluginConfig', () => {
  test('an exclusive pool gets migStrategy none and no sharing block', () => {
    expect(devicePluginConfig(GpuSharing.exclusive())).toEqual({ version: 'v1', flags: FLAGS_NONE });
  });

  test('a time-slicing pool replicates nvidia.com/gpu under sharing.timeSlicing', () => {
    expect(devicePluginConfig(GpuSharing.timeSlicing(4))).toEqual({
      version: 'v1',
      flags: FLAGS_NONE,
      sharing: { timeSlicing: { renameByDefault: true, failRequestsGreaterThanOne: false, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
    });
  });

  test('time-slicing options are carried into the config', () => {
    const config = devicePluginConfig(GpuSharing.timeSlicing(8, { renameByDefault: true, failRequestsGreaterThanOne: true }));
    expect(config.sharing).toEqual({
      timeSlicing: { renameByDefault: true, failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 8 }] },
    });
  });

  test('an MPS pool replicates nvidia.com/gpu under sharing.mps and fails requests for more than one by default', () => {
    expect(devicePluginConfig(GpuSharing.mps(2))).toEqual({
      version: 'v1',
      flags: FLAGS_NONE,
      sharing: { mps: { renameByDefault: true, failRequestsGreaterThanOne: true, resources: [{ name: 'nvidia.com/gpu', replicas: 2 }] } },
    });
  });

  test('an MPS pool keeps failRequestsGreaterThanOne false when asked to', () => {
    const config = devicePluginConfig(GpuSharing.mps(3, { failRequestsGreaterThanOne: false }));
    expect(config.sharing).toEqual({ mps: { renameByDefault: true, failRequestsGreaterThanOne: false, resources: [{ name: 'nvidia.com/gpu', replicas: 3 }] } });
  });

  test('a uniform MIG layout gets migStrategy mixed too (single would advertise MIG instances as nvidia.com/gpu) and no sharing block', () => {
    expect(devicePluginConfig(GpuSharing.mig(MigLayout.uniform('1g.10gb')))).toEqual({ version: 'v1', flags: { ...FLAGS_NONE, migStrategy: 'mixed' } });
  });

  test('shared GPUs are renamed nvidia.com/gpu.shared unless a pool turns it off', () => {
    expect(devicePluginConfig(GpuSharing.timeSlicing(4, { renameByDefault: false })).sharing).toEqual({
      timeSlicing: { renameByDefault: false, failRequestsGreaterThanOne: false, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] },
    });
  });

  test('a mixed MIG layout gets migStrategy mixed and no sharing block', () => {
    const layout = MigLayout.of('mixed-3-2-1', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 });
    expect(devicePluginConfig(GpuSharing.mig(layout))).toEqual({ version: 'v1', flags: { ...FLAGS_NONE, migStrategy: 'mixed' } });
  });

  test.each([
    ['exclusive', GpuSharing.exclusive()],
    ['time-slicing', GpuSharing.timeSlicing(4)],
    ['MPS', GpuSharing.mps(2)],
    ['MIG single', GpuSharing.mig(MigLayout.uniform('3g.40gb'))],
    ['MIG mixed', GpuSharing.mig(MigLayout.of('mixed', { '4g.40gb': 1, '3g.40gb': 1 }))],
  ])('the %s config passes the validator', (_mode, sharing) => {
    expect(devicePluginConfigProblems(devicePluginConfig(sharing))).toEqual([]);
  });
});

describe('devicePluginConfigYaml', () => {
  test('the YAML parses back to the config it was rendered from', () => {
    const config = devicePluginConfig(GpuSharing.mps(4, { renameByDefault: true }));
    expect(parse(devicePluginConfigYaml(config))).toEqual(config);
  });

  test('the YAML keeps the key order of NVIDIA config files and is stable across calls', () => {
    const yaml = devicePluginConfigYaml(devicePluginConfig(GpuSharing.timeSlicing(4)));
    expect(yaml).toBe(devicePluginConfigYaml(devicePluginConfig(GpuSharing.timeSlicing(4))));
    expect(yaml.split('\n')).toEqual([
      'version: v1',
      'flags:',
      '  migStrategy: none',
      '  failOnInitError: true',
      '  plugin:',
      '    passDeviceSpecs: false',
      '    deviceListStrategy: envvar',
      '    deviceIDStrategy: uuid',
      'sharing:',
      '  timeSlicing:',
      '    renameByDefault: true',
      '    failRequestsGreaterThanOne: false',
      '    resources:',
      '      - name: nvidia.com/gpu',
      '        replicas: 4',
      '',
    ]);
  });
});

describe('devicePluginConfigProblems', () => {
  test('a well-formed YAML document read back from text has no problems', () => {
    const text = [
      'version: v1',
      'flags:',
      '  migStrategy: single',
      '  plugin:',
      '    deviceListStrategy: [envvar, cdi-annotations]',
      '    deviceIDStrategy: index',
      'imex:',
      '  channelIDs: [0]',
    ].join('\n');
    expect(devicePluginConfigProblems(parse(text))).toEqual([]);
  });

  test.each([
    ['1', 1],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['missing', undefined],
    ['a string', '4'],
  ])('fails when replicas is %s', (_label, replicas) => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].replicas = replicas;
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('sharing.timeSlicing.resources[0].replicas must be a whole number >= 2, got')]);
  });

  test('fails when replicas is 1, with the value and the limit in the message', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].replicas = 1;
    expect(devicePluginConfigProblems(doc)).toEqual(['sharing.timeSlicing.resources[0].replicas must be a whole number >= 2, got 1, expected an integer >= 2']);
  });

  test('fails when the resource name is not prefixed nvidia.com/', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].name = 'amd.com/gpu';
    expect(devicePluginConfigProblems(doc)).toEqual([
      'sharing.timeSlicing.resources[0].name must be prefixed nvidia.com/, got "amd.com/gpu", expected nvidia.com/<name>, e.g. nvidia.com/gpu',
    ]);
  });

  test('fails when the resource name is longer than 63 characters', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].name = `nvidia.com/${'g'.repeat(53)}`;
    expect(devicePluginConfigProblems(doc)).toEqual(['sharing.timeSlicing.resources[0].name is too long, got 64, expected at most 63 characters']);
  });

  test('fails when the resource name is not a DNS subdomain after the prefix', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].name = 'nvidia.com/GPU_shared';
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('resources[0].name must be nvidia.com/ and a DNS subdomain')]);
  });

  test('fails when a resource has no name', () => {
    const doc = timeSlicingDoc();
    delete doc.sharing.timeSlicing.resources[0].name;
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('resources[0].name is missing')]);
  });

  test('fails when resources is empty', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources = [];
    expect(devicePluginConfigProblems(doc)).toEqual(['sharing.timeSlicing.resources must list at least one resource, got [], expected a non-empty list']);
  });

  test('fails when both timeSlicing and MPS are set', () => {
    const doc = timeSlicingDoc();
    doc.sharing.mps = doc.sharing.timeSlicing;
    expect(devicePluginConfigProblems(doc)).toEqual(['sharing sets both timeSlicing and mps, got ["timeSlicing", "mps"], expected one of timeSlicing or mps']);
  });

  test('fails when MPS is used with migStrategy mixed', () => {
    const doc = timeSlicingDoc();
    doc.sharing = { mps: doc.sharing.timeSlicing };
    doc.flags.migStrategy = 'mixed';
    expect(devicePluginConfigProblems(doc)).toEqual(['sharing.mps cannot be used with flags.migStrategy mixed, got "mixed", expected none or single']);
  });

  test('fails when a key is misspelt, because the plugin would ignore it silently', () => {
    const doc = timeSlicingDoc();
    doc.sharing = { timeslicing: doc.sharing.timeSlicing };
    expect(devicePluginConfigProblems(doc)).toEqual([
      'sharing.timeslicing is not a key the device plugin knows (it would be ignored silently), got "timeslicing", expected one of timeSlicing, mps',
    ]);
  });

  test('fails when unknown keys appear at any depth', () => {
    const doc = timeSlicingDoc();
    doc.flags.plugin.deviceIdStrategy = 'uuid';
    doc.sharing.timeSlicing.resources[0].replica = 4;
    doc.extra = true;
    const problems = devicePluginConfigProblems(doc);
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('extra is not a key the device plugin knows'),
        expect.stringContaining('flags.plugin.deviceIdStrategy is not a key the device plugin knows'),
        expect.stringContaining('sharing.timeSlicing.resources[0].replica is not a key the device plugin knows'),
      ]),
    );
  });

  test.each([
    ['v2', 'v2'],
    ['missing', undefined],
  ])('fails when the version is %s', (_label, version) => {
    const doc = timeSlicingDoc();
    doc.version = version;
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('device plugin config version is not supported, got')]);
  });

  test('fails when migStrategy is not none, single or mixed', () => {
    const doc = timeSlicingDoc();
    doc.flags.migStrategy = 'auto';
    expect(devicePluginConfigProblems(doc)).toEqual(['flags.migStrategy is not a value the device plugin accepts, got "auto", expected one of none, single, mixed']);
  });

  test('fails when deviceListStrategy or deviceIDStrategy is not a known value', () => {
    const doc = timeSlicingDoc();
    doc.flags.plugin.deviceListStrategy = ['envvar', 'cdi'];
    doc.flags.plugin.deviceIDStrategy = 'serial';
    expect(devicePluginConfigProblems(doc)).toEqual([
      expect.stringContaining('flags.plugin.deviceListStrategy is not a value the device plugin accepts'),
      expect.stringContaining('flags.plugin.deviceIDStrategy is not a value the device plugin accepts'),
    ]);
  });

  test('accepts devices all', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].devices = 'all';
    expect(devicePluginConfigProblems(doc)).toEqual([]);
  });

  test.each([
    ['a string other than all', 'some'],
    ['zero', 0],
    ['a fraction', 1.5],
    ['a list with a bad entry', [0, 'gpu-1']],
  ])('fails when devices is %s', (_label, devices) => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].devices = devices;
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('sharing.timeSlicing.resources[0].devices is not a device selection the device plugin accepts')]);
  });

  test.each([
    ['a positive count', 2],
    ['a list of indices and UUIDs', [0, '1:0', 'GPU-b1028956-cfa2-0990-bf4a-5da9abb51763']],
  ])('fails when devices is %s, which the plugin parses then ignores', (_label, devices) => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].devices = devices;
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('sharing.timeSlicing.resources[0].devices is ignored by the device plugin')]);
  });

  test('fails when the top-level resources key is used, because the plugin drops it', () => {
    const doc = timeSlicingDoc();
    doc.resources = { gpus: [{ pattern: '*', name: 'gpu' }] };
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('resources is ignored by the device plugin')]);
  });

  test('fails when a resource sets rename, because the plugin drops it', () => {
    const doc = timeSlicingDoc();
    doc.sharing.timeSlicing.resources[0].rename = 'nvidia.com/gpu-shared';
    expect(devicePluginConfigProblems(doc)).toEqual([expect.stringContaining('resources[0].rename is ignored by the device plugin')]);
  });

  test('fails when imex.channelIDs is neither [] nor [0]', () => {
    const doc = timeSlicingDoc();
    doc.imex = { channelIDs: [1] };
    expect(devicePluginConfigProblems(doc)).toEqual(['imex.channelIDs is not accepted by the device plugin, got [1], expected [] or [0]']);
  });

  test('fails when booleans are given as strings', () => {
    const doc = timeSlicingDoc();
    doc.flags.failOnInitError = 'true';
    doc.sharing.timeSlicing.renameByDefault = 'yes';
    expect(devicePluginConfigProblems(doc)).toEqual([
      'flags.failOnInitError must be a boolean, got "true", expected true or false',
      'sharing.timeSlicing.renameByDefault must be a boolean, got "yes", expected true or false',
    ]);
  });

  test('fails when the document is not a mapping', () => {
    expect(devicePluginConfigProblems('version: v1')).toEqual(['device plugin config must be a mapping, got "version: v1", expected a mapping with version v1']);
    expect(devicePluginConfigProblems([])).toHaveLength(1);
  });

  test('reports every problem of a config at once', () => {
    const doc = timeSlicingDoc();
    doc.version = 'v0';
    doc.flags.migStrategy = 'mixed';
    doc.sharing = { mps: { resources: [{ name: 'gpu', replicas: 1 }] } };
    expect(devicePluginConfigProblems(doc)).toHaveLength(4);
  });
});
