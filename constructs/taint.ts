/** A Kubernetes node taint, made with the static factories for its effect. */
import { labelKeyProblems, labelValueProblems } from './kubernetes-names';
import { problem } from './violations';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export class Taint {
  /** New pods without a matching toleration are not scheduled on the node. */
  public static noSchedule(key: string, value?: string): Taint {
    return new Taint(key, value, 'NoSchedule');
  }

  /** The scheduler avoids the node for pods without a matching toleration. */
  public static preferNoSchedule(key: string, value?: string): Taint {
    return new Taint(key, value, 'PreferNoSchedule');
  }

  /** Running pods without a matching toleration are evicted. */
  public static noExecute(key: string, value?: string): Taint {
    return new Taint(key, value, 'NoExecute');
  }

  private constructor(
    public readonly key: string,
    public readonly value: string | undefined,
    public readonly effect: TaintEffect,
  ) {}

  public toString(): string {
    return `${this.key}${this.value === undefined ? '' : `=${this.value}`}:${this.effect}`;
  }
}

const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Every reason Kubernetes would refuse `taint`: key as a label key, value as a label value, a known effect. */
export function taintProblems(taint: Taint): string[] {
  const out = [...labelKeyProblems('taint key', taint.key)];
  if (taint.value !== undefined) out.push(...labelValueProblems(`taint ${taint.key} value`, taint.value));
  if (!EFFECTS.includes(taint.effect)) out.push(problem(`taint ${taint.key} effect is unknown`, taint.effect, EFFECTS.join(', ')));
  return out;
}

/** Taints Kubernetes would refuse as a set: two with the same key and effect. */
export function duplicateTaintProblems(taints: readonly Taint[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of taints) {
    const k = `${t.key}:${t.effect}`;
    if (seen.has(k)) out.push(problem('taints must be unique by key and effect', k, 'one taint per key and effect'));
    seen.add(k);
  }
  return out;
}
