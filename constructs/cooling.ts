/** How a rack is cooled, and the most heat (kW) that cooling removes. */
export type CoolingKind = 'air' | 'liquid';

export class Cooling {
  /** Air cooling; air-cooled racks usually stay under 20-40 kW (domain.md s3). */
  public static air(maxKw: number): Cooling {
    return new Cooling('air', maxKw);
  }

  /** Liquid cooling (direct-to-chip or rear-door); liquid-cooled racks go past 100 kW (domain.md s3). */
  public static liquid(maxKw: number): Cooling {
    return new Cooling('liquid', maxKw);
  }

  private constructor(
    public readonly kind: CoolingKind,
    /** Most heat, in kW, the rack's cooling removes: the rack's power limit. */
    public readonly maxKw: number,
  ) {}

  public toString(): string {
    return `${this.kind} ${this.maxKw} kW`;
  }
}
