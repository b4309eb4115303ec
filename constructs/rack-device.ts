/**
 * A device in a rack that is not a GPU server: a top-of-rack or management switch, a storage
 * shelf, a console server, a PDU. It is no Kubernetes node, but it takes rack units and power,
 * so the rack's U, overlap, cooling and feed rules count it (a real rack is never only GPUs).
 * Imports from a DCIM (fleets/netbox) keep such devices instead of dropping them.
 */
import { Construct } from 'constructs';
import { dns1123LabelProblems } from './kubernetes-names';
import { Rack } from './rack';
import { PropChecker, uniqueIdCheck } from './violations';

/** What a non-GPU device does; reports group by it. */
export type RackDeviceRole = 'switch' | 'storage' | 'management' | 'console' | 'pdu' | 'other';

export const RACK_DEVICE_ROLES: readonly RackDeviceRole[] = ['switch', 'storage', 'management', 'console', 'pdu', 'other'];

export interface RackDeviceProps {
  readonly role: RackDeviceRole;
  /**
   * Rack units the device takes: a multiple of 0.5 (NetBox's DeviceType.u_height, 0.5U steps,
   * netbox/dcim/models/devices.py), 0 for zero-U devices such as vertical PDUs. A half-U device
   * still takes the whole unit it sits in here: the model counts whole units.
   */
  readonly heightU: number;
  /**
   * Lowest rack unit the device occupies, counted from 1 at the bottom.
   * @default none: only for zero-U devices, which sit beside the rails
   */
  readonly positionU?: number;
  /** Most power the device draws, in kW (its power ports' maximum draw). */
  readonly maxPowerKw: number;
  /** Its name in the DCIM, e.g. `hm-yw3-a07-tor1`. @default the construct id */
  readonly name?: string;
  /** Serial number. @default none */
  readonly serial?: string;
  /** Device type (model) in the DCIM, e.g. `sn4600c`. @default the role */
  readonly model?: string;
  /** Manufacturer of the device type. @default 'Generic' */
  readonly manufacturer?: string;
}

export class RackDevice extends Construct {
  public readonly rack: Rack;
  public readonly role: RackDeviceRole;
  public readonly heightU: number;
  /** Lowest unit, or undefined for a zero-U device. */
  public readonly positionU?: number;
  public readonly maxPowerKw: number;
  public readonly name: string;
  public readonly serial?: string;
  public readonly model: string;
  public readonly manufacturer: string;

  constructor(scope: Rack, id: string, props: RackDeviceProps) {
    const check = PropChecker.forChild(scope, id);
    uniqueIdCheck(check, scope, id, 'rack device');
    for (const m of dns1123LabelProblems('rack device id', id)) check.add(m);
    check.check(RACK_DEVICE_ROLES.includes(props.role), 'role is unknown', props.role, `one of ${RACK_DEVICE_ROLES.join(', ')}`);
    const heightOk = check.check(
      Number.isFinite(props.heightU) && props.heightU >= 0 && props.heightU <= 100 && Number.isInteger(props.heightU * 2),
      'heightU must be a multiple of 0.5 from 0 to 100',
      props.heightU,
      'e.g. 0, 0.5, 1, 2 (NetBox u_height)',
    );
    if (props.positionU === undefined) {
      if (heightOk && props.heightU > 0) check.fail(`a device of ${props.heightU}U needs a position`, props.positionU, 'positionU, an integer >= 1 (only zero-U devices have none)');
    } else if (check.integer('positionU', props.positionU) && heightOk) {
      const top = props.positionU + unitsTaken(props.heightU) - 1;
      if (top > scope.heightU) check.fail(`device of ${props.heightU}U at U${props.positionU} does not fit in the rack`, `top at U${top}`, `top at or below U${scope.heightU}`);
    }
    check.check(Number.isFinite(props.maxPowerKw) && props.maxPowerKw >= 0, 'maxPowerKw must be a number >= 0', props.maxPowerKw, 'a finite number >= 0');
    if (props.name !== undefined) check.check(props.name.trim().length > 0, 'name must not be empty', props.name, 'the device name, or none for the id');
    check.throwIfAny();
    super(scope, id);
    this.rack = scope;
    this.role = props.role;
    this.heightU = props.heightU;
    this.positionU = props.positionU;
    this.maxPowerKw = props.maxPowerKw;
    this.name = props.name ?? id;
    this.serial = props.serial;
    this.model = props.model ?? props.role;
    this.manufacturer = props.manufacturer ?? 'Generic';
    scope.registerDevice(this);
  }

  /** Whole rack units the device takes (a half-U device takes its unit). */
  public get unitsU(): number {
    return unitsTaken(this.heightU);
  }
}

/** Whole units a device of `heightU` takes: 0.5U takes 1. */
export function unitsTaken(heightU: number): number {
  return Math.ceil(heightU);
}
