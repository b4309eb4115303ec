/** The fleets this repository defines, by name (`FLEET=<name> npx cdktf synth`). */
import { Fleet } from '../constructs/fleet';
import { unknownNameError } from '../constructs/catalog/lookup';
import { exampleFleet } from './example';
import { inventoryFleet } from './inventory/hm-yw3';
import { referenceFleet } from './reference';
import { myFleet } from './my-fleet';

const FLEETS: Readonly<Record<string, () => Fleet>> = {
  reference: () => referenceFleet(),
  example: () => exampleFleet(),
  'my-fleet': () => myFleet(),
  inventory: () => inventoryFleet(),
};

export const DEFAULT_FLEET = 'reference';

/** Names of the defined fleets. */
export function fleetNames(): string[] {
  return Object.keys(FLEETS).sort();
}

/** Builds the fleet called `name` (the reference fleet when none is given). */
export function loadFleet(name: string = DEFAULT_FLEET): Fleet {
  const build = FLEETS[name];
  if (!build) throw unknownNameError('fleet', name, fleetNames());
  return build();
}
