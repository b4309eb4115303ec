/**
 * Capacity deltas from each stack's `capacity` output: servers, GPUs (in total and by model),
 * racks, NVLink domains, IT power, feed capacity and per-feed utilisation.
 */
import { compareStrings, isObject, roundNoise } from './json';
import { CapacityMetric, Json } from './model';

interface MetricValue {
  readonly label: string;
  readonly unit: CapacityMetric['unit'];
  readonly value: number;
  /** Summed into the fleet totals. */
  readonly additive: boolean;
}

const TOP_LEVEL: ReadonlyArray<readonly [string, string, CapacityMetric['unit']]> = [
  ['servers', 'servers', ''],
  ['gpus', 'GPUs', ''],
  ['racks', 'racks', ''],
  ['nvlinkDomains', 'NVLink domains', ''],
  ['itPowerKw', 'IT power', 'kW'],
  ['feedCapacityKw', 'feed capacity', 'kW'],
];

/** The metrics of one capacity value, in display order. Non-numeric or opaque fields are skipped. */
export function capacityMetrics(capacity: Json | undefined): Map<string, MetricValue> {
  const out = new Map<string, MetricValue>();
  if (!isObject(capacity)) return out;
  const num = (v: Json | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  for (const [key, label, unit] of TOP_LEVEL) {
    const v = num(capacity[key]);
    if (v !== undefined) out.set(key, { label, unit, value: v, additive: true });
    if (key === 'gpus' && isObject(capacity.gpusByModel)) {
      const byModel = capacity.gpusByModel;
      for (const model of Object.keys(byModel).sort(compareStrings)) {
        const n = num(byModel[model]);
        if (n !== undefined) out.set(`gpusByModel.${model}`, { label: `GPUs ${model}`, unit: '', value: n, additive: true });
      }
    }
  }
  if (isObject(capacity.feeds)) {
    const feeds = capacity.feeds;
    for (const id of Object.keys(feeds).sort(compareStrings)) {
      const feed = feeds[id];
      const u = isObject(feed) ? num(feed.utilizationPercent) : undefined;
      if (u !== undefined) out.set(`feeds.${id}.utilizationPercent`, { label: `feed ${id} utilisation`, unit: '%', value: u, additive: false });
    }
  }
  return out;
}

function metricDeltas(before: Map<string, MetricValue>, after: Map<string, MetricValue>): CapacityMetric[] {
  const ids = [...before.keys()];
  for (const id of after.keys()) if (!before.has(id)) ids.push(id);
  // Display order: the order of `after` where it has the metric, then what only `before` has.
  const order = new Map<string, number>();
  [...after.keys(), ...before.keys()].forEach((id) => order.has(id) || order.set(id, order.size));
  ids.sort((a, b) => order.get(a)! - order.get(b)!);
  const out: CapacityMetric[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    if (b && a && b.value === a.value) continue;
    const meta = (a ?? b)!;
    out.push({
      metric: id,
      label: meta.label,
      unit: meta.unit,
      before: b ? b.value : null,
      after: a ? a.value : null,
      delta: a && b ? roundNoise(a.value - b.value) : null,
    });
  }
  return out;
}

/** The metrics that differ between two capacity values. */
export function diffCapacity(before: Json | undefined, after: Json | undefined): CapacityMetric[] {
  return metricDeltas(capacityMetrics(before), capacityMetrics(after));
}

function sumMetrics(values: ReadonlyArray<Json | undefined>): Map<string, MetricValue> {
  const sums = new Map<string, MetricValue>();
  for (const v of values) {
    for (const [id, m] of capacityMetrics(v)) {
      if (!m.additive) continue;
      const prev = sums.get(id);
      sums.set(id, { ...m, value: roundNoise((prev?.value ?? 0) + m.value) });
    }
  }
  return sums;
}

/** Fleet totals: the additive metrics summed over every stack, before and after; only those that differ. */
export function fleetCapacity(stacks: ReadonlyArray<{ readonly before: Json | undefined; readonly after: Json | undefined }>): CapacityMetric[] {
  const before = sumMetrics(stacks.map((s) => s.before));
  const after = sumMetrics(stacks.map((s) => s.after));
  // A metric that some stacks lack counts 0 there; one missing on a whole side is 0 when the other side has it.
  for (const [id, m] of after) if (!before.has(id) && stacks.some((s) => s.before !== undefined)) before.set(id, { ...m, value: 0 });
  for (const [id, m] of before) if (!after.has(id) && stacks.some((s) => s.after !== undefined)) after.set(id, { ...m, value: 0 });
  return metricDeltas(before, after);
}
