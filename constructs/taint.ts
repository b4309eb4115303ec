/** A Kubernetes node taint, made with the static factories for its effect. */
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
