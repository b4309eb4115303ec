/**
 * The MIG layouts of a site as the ConfigMap the GPU Operator's MIG manager reads: in the
 * Operator's namespace (mig-manager mounts it from there), under a name of ours (the Operator
 * owns `default-mig-parted-config`), key `config.yaml` (NVIDIA/gpu-operator
 * controllers/object_controls.go TransformMigManager: a custom ConfigMap is read as
 * /mig-parted-config/config.yaml).
 */
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { Construct } from 'constructs';
import { migLayoutProblems } from '../../constructs/mig-layout';
import { dns1123LabelProblems, labelValueProblems } from '../../constructs/kubernetes-names';
import { DEFAULT_GPU_OPERATOR_NAMESPACE } from '../../constructs/nvidia-software';
import { PropChecker } from '../../constructs/violations';
import { MIG_CONFIG_MAP_NAME } from './gpu-operator-objects';
import { MigLayoutOnModel, migPartedConfig, migPartedConfigProblems, migPartedConfigYaml, migPartedConflictProblems } from './mig-parted-config';

/** Node label whose value names the mig-parted config the MIG manager applies to the node. */
export const MIG_CONFIG_LABEL = 'nvidia.com/mig.config';
/** Node label where the MIG manager reports progress: pending, rebooting, success or failed. */
export const MIG_CONFIG_STATE_LABEL = 'nvidia.com/mig.config.state';
/** The ConfigMap key the MIG manager reads. */
export const MIG_CONFIG_KEY = 'config.yaml';
/** The ConfigMap the GPU Operator creates and owns itself (object_controls.go MigPartedDefaultConfigMapName). */
export const OPERATOR_MIG_CONFIG_MAP_NAME = 'default-mig-parted-config';

export interface NvidiaMigConfigProps {
  /** Every MIG layout the site's pools use, with the GPU model it is applied to. */
  readonly layouts: ReadonlyArray<MigLayoutOnModel>;
  /**
   * ConfigMap name; the GPU Operator's ClusterPolicy `migManager.config.name` names it. Never
   * `default-mig-parted-config`, which the Operator owns.
   * @default 'gpu-fleet-mig-parted-config'
   */
  readonly name?: string;
  /**
   * Namespace of the ConfigMap: the one the MIG manager runs in (the GPU Operator's). It must
   * exist already.
   * @default 'gpu-operator'
   */
  readonly namespace?: string;
}

/**
 * One ConfigMap holding the mig-parted config (key `config.yaml`) for the site's MIG layouts,
 * plus `all-disabled`.
 *
 * The GPU Operator's MIG manager (NVIDIA/mig-parted) repartitions a node's GPUs to the config
 * named by the node label `nvidia.com/mig.config` and reports progress in
 * `nvidia.com/mig.config.state`. It reads this ConfigMap only when the Operator's
 * ClusterPolicy `migManager.config.name` names it (and the MIG manager runs in `namespace`);
 * otherwise it keeps using the Operator's own default-mig-parted-config.
 *
 * @throws FleetValidationError listing every problem: layouts that do not fit their model,
 *   layout names that are not label values or that mean two partitions, and anything
 *   mig-parted would refuse.
 */
export class NvidiaMigConfig extends Construct {
  public readonly configMap: ConfigMapV1;
  public readonly name: string;
  /** Config names in the ConfigMap, i.e. the values `nvidia.com/mig.config` may take. */
  public readonly configNames: readonly string[];

  constructor(scope: Construct, id: string, props: NvidiaMigConfigProps) {
    super(scope, id);
    const name = props.name ?? MIG_CONFIG_MAP_NAME;
    const namespace = props.namespace ?? DEFAULT_GPU_OPERATOR_NAMESPACE;

    const check = new PropChecker(this.node.path);
    dns1123LabelProblems('MIG config namespace', namespace).forEach((m) => check.add(m));
    check.check(name.length > 0 && name.length <= 253 && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name), 'MIG ConfigMap name is not a valid object name', name, 'a DNS-1123 subdomain');
    check.check(name !== OPERATOR_MIG_CONFIG_MAP_NAME, 'MIG ConfigMap name is the one the GPU Operator creates and overwrites', name, `a name of ours, such as ${MIG_CONFIG_MAP_NAME}`);
    for (const { layout, model } of props.layouts) {
      migLayoutProblems(layout, model).forEach((m) => check.add(m));
      labelValueProblems(`MIG layout name (${MIG_CONFIG_LABEL} value)`, layout.name).forEach((m) => check.add(m));
    }
    const conflicts = migPartedConflictProblems(props.layouts);
    conflicts.forEach((m) => check.add(m));
    check.throwIfAny();

    const config = migPartedConfig(props.layouts);
    migPartedConfigProblems(config).forEach((m) => check.add(m));
    check.throwIfAny();

    this.name = name;
    this.configNames = Object.keys(config['mig-configs']);
    this.configMap = new ConfigMapV1(this, 'config-map', {
      metadata: { name, namespace, labels: { 'app.kubernetes.io/name': 'mig-parted-config', 'app.kubernetes.io/managed-by': 'gpu-fleet' } },
      data: { [MIG_CONFIG_KEY]: migPartedConfigYaml(config) },
    });
  }
}
