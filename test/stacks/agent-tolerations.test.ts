import { Taint } from '../../constructs/taint';
import { agentReachProblems, agentTolerations, CRITICAL_ADDONS_ONLY, PodToleration, toleratesTaint, untoleratedTaints } from '../../stacks/agent-tolerations';

const WORKLOAD = { key: 'gpu-fleet.io/workload', value: 'inference', effect: 'NoSchedule' };

describe('toleratesTaint', () => {
  // Cases of k8s.io/api core/v1 toleration_test.go TestTolerationToleratesTaint, in our words.
  it.each<[string, PodToleration, boolean]>([
    ['Equal with the same key, value and effect', { key: WORKLOAD.key, operator: 'Equal', value: 'inference', effect: 'NoSchedule' }, true],
    ['an empty operator, which means Equal', { key: WORKLOAD.key, value: 'inference', effect: 'NoSchedule' }, true],
    ['Equal with another value', { key: WORKLOAD.key, operator: 'Equal', value: 'training', effect: 'NoSchedule' }, false],
    ['Exists on the key, whatever the value', { key: WORKLOAD.key, operator: 'Exists', effect: 'NoSchedule' }, true],
    ['an empty effect, which matches every effect', { key: WORKLOAD.key, operator: 'Exists' }, true],
    ['another effect', { key: WORKLOAD.key, operator: 'Exists', effect: 'NoExecute' }, false],
    ['an empty key with Exists, which tolerates everything', { operator: 'Exists' }, true],
    ['another key', { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }, false],
    ['an unknown operator', { key: WORKLOAD.key, operator: 'Contains', value: 'inference' }, false],
  ])('%s: %p', (_case, toleration, expected) => {
    expect(toleratesTaint(toleration, WORKLOAD)).toBe(expected);
  });

  it('counts only NoSchedule and NoExecute taints as keeping a pod off a node', () => {
    const taints = [WORKLOAD, { key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'NoExecute' }];
    expect(untoleratedTaints([], taints)).toEqual([WORKLOAD, { key: 'b', effect: 'NoExecute' }]);
  });
});

describe('agentTolerations', () => {
  it('tolerates CriticalAddonsOnly, the extra tolerations and every distinct taint once, exactly', () => {
    const taints = [Taint.noSchedule('gpu-fleet.io/workload', 'inference'), Taint.noExecute('gpu-fleet.io/reserved'), Taint.noSchedule('gpu-fleet.io/workload', 'inference')];
    expect(agentTolerations(taints, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])).toEqual([
      CRITICAL_ADDONS_ONLY,
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'gpu-fleet.io/workload', operator: 'Equal', value: 'inference', effect: 'NoSchedule' },
      { key: 'gpu-fleet.io/reserved', operator: 'Exists', effect: 'NoExecute' },
    ]);
  });
});

describe('agentReachProblems', () => {
  const pools = [{ id: 'inference', taints: [Taint.noSchedule('gpu-fleet.io/workload', 'inference')] }];

  it('finds nothing when the agent tolerates every taint of its pools', () => {
    expect(agentReachProblems('NVIDIA device plugin', agentTolerations(pools[0].taints), pools)).toEqual([]);
  });

  it("fails when an agent has upstream's tolerations only, one line per pool and taint", () => {
    expect(agentReachProblems('NVIDIA device plugin', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }], pools)).toEqual([
      'NVIDIA device plugin does not tolerate taint gpu-fleet.io/workload=inference:NoSchedule of pool inference, so it never runs there, got ["nvidia.com/gpu Exists:NoSchedule"], expected a toleration of every taint of the pools it serves',
    ]);
  });
});
