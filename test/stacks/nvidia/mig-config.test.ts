import { parse } from 'yaml';
import { gpuModel } from '../../../constructs/catalog/gpu-models';
import { MigLayout } from '../../../constructs/mig-layout';
import { NvidiaMigConfig, NvidiaMigConfigProps } from '../../../stacks/nvidia/mig-config';
import { migPartedConfig } from '../../../stacks/nvidia/mig-parted-config';
import { kubernetesStack, onlyResource, synthesize } from './synth';
import { thrownValidationError } from '../../support/tiny-fleet';

const H100 = gpuModel('H100-80GB');
const LAYOUTS: NvidiaMigConfigProps['layouts'] = [
  { layout: MigLayout.uniform('1g.10gb'), model: H100 },
  { layout: MigLayout.of('h100-3-2-1', { '3g.40gb': 1, '2g.20gb': 1, '1g.10gb': 2 }), model: H100 },
];

describe('NvidiaMigConfig', () => {
  test('renders one ConfigMap whose config.yaml parses back to the mig-parted config', () => {
    let mig: NvidiaMigConfig | undefined;
    const out = synthesize((scope) => {
      mig = new NvidiaMigConfig(scope, 'mig', { layouts: LAYOUTS });
    });
    const configMap = onlyResource(out, 'kubernetes_config_map_v1');
    expect(configMap.metadata).toMatchObject({ name: 'gpu-fleet-mig-parted-config', namespace: 'gpu-operator' });
    expect(Object.keys(configMap.data)).toEqual(['config.yaml']);
    expect(parse(configMap.data['config.yaml'])).toEqual(migPartedConfig(LAYOUTS));
    expect(mig?.configNames).toEqual(['all-1g.10gb', 'all-disabled', 'h100-3-2-1']);
  });

  test('takes the ConfigMap name and namespace from its props', () => {
    const out = synthesize((scope) => new NvidiaMigConfig(scope, 'mig', { layouts: LAYOUTS, name: 'fleet-mig-layouts', namespace: 'gpu-operator' }));
    expect(onlyResource(out, 'kubernetes_config_map_v1').metadata).toMatchObject({ name: 'fleet-mig-layouts', namespace: 'gpu-operator' });
  });

  test("fails when named default-mig-parted-config, the GPU Operator's own ConfigMap", () => {
    const error = thrownValidationError(() => new NvidiaMigConfig(kubernetesStack(), 'mig', { layouts: LAYOUTS, name: 'default-mig-parted-config' }));
    expect(error.violations.map((v) => v.message)).toEqual([
      'MIG ConfigMap name is the one the GPU Operator creates and overwrites, got "default-mig-parted-config", expected a name of ours, such as gpu-fleet-mig-parted-config',
    ]);
  });

  test('fails when a layout does not fit its GPU model', () => {
    const error = thrownValidationError(() => new NvidiaMigConfig(kubernetesStack(), 'mig', { layouts: [{ layout: MigLayout.of('too-big', { '7g.80gb': 1, '1g.10gb': 1 }), model: H100 }] }));
    expect(error.violations.map((v) => v.message)).toEqual([
      'MIG layout too-big needs more compute slices than one GPU has, got 8, expected at most 7',
      'MIG layout too-big needs more memory slices than one GPU has, got 9, expected at most 8',
    ]);
    expect(error.violations[0].path).toBe('site/mig');
  });

  test('fails when one layout name means different partitions on one model', () => {
    const error = thrownValidationError(
      () =>
        new NvidiaMigConfig(kubernetesStack(), 'mig', {
          layouts: [
            { layout: MigLayout.of('mine', { '3g.40gb': 2 }), model: H100 },
            { layout: MigLayout.of('mine', { '1g.10gb': 7 }), model: H100 },
          ],
        }),
    );
    expect(error.violations.map((v) => v.message)).toEqual([expect.stringMatching(/^MIG layout mine means .* on H100-80GB but a different partition on H100-80GB/)]);
  });

  test('fails when a layout name is not a valid label value', () => {
    const error = thrownValidationError(() => new NvidiaMigConfig(kubernetesStack(), 'mig', { layouts: [{ layout: MigLayout.of('three and one', { '3g.40gb': 1, '1g.10gb': 1 }), model: H100 }] }));
    expect(error.violations.map((v) => v.message)).toEqual([expect.stringContaining('MIG layout name (nvidia.com/mig.config value) is not a valid label value, got "three and one"')]);
  });

  test('fails listing every problem at once', () => {
    const error = thrownValidationError(
      () =>
        new NvidiaMigConfig(kubernetesStack(), 'mig', {
          namespace: 'Bad_NS',
          layouts: [
            { layout: MigLayout.of('all-disabled', { '7g.80gb': 1 }), model: H100 },
            { layout: MigLayout.of('nope', { '9g.99gb': 1 }), model: H100 },
          ],
        }),
    );
    expect(error.violations).toHaveLength(3);
  });
});
