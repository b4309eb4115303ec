import {
  dns1123LabelProblems,
  FLEET_MANAGED_LABEL_PREFIXES,
  labelKeyProblems,
  labelMapProblems,
  labelValueProblems,
  managedLabelKeyProblems,
} from '../../constructs/kubernetes-names';

const DNS_LIMIT = "at most 63 characters of a-z, 0-9 and '-', starting and ending with a letter or digit";

describe('dns1123LabelProblems', () => {
  it.each(['a', 'lab-01', 'rack-001', '0a', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(dns1123LabelProblems('name', name)).toEqual([]);
  });

  it.each(['', 'Lab-01', '-a', 'a-', 'a.b', 'a_b', 'a b', 'a'.repeat(64)])('rejects %j', (name) => {
    expect(dns1123LabelProblems('site name', name)).toEqual([`site name is not a valid DNS-1123 label, got ${JSON.stringify(name)}, expected ${DNS_LIMIT}`]);
  });
});

describe('labelKeyProblems', () => {
  it.each(['site', 'gpu-fleet.io/site', 'workload.gpu-fleet.io/class', 'Team_Name.x', `${'a'.repeat(253)}/x`, `p.example/${'n'.repeat(63)}`])('accepts %s', (key) => {
    expect(labelKeyProblems('key', key)).toEqual([]);
  });

  it.each(['', '/x', 'x/', 'a/b/c', 'Upper.Example/x', '-x', 'x y', `${'a'.repeat(254)}/x`, `p/${'n'.repeat(64)}`])('rejects %j', (key) => {
    const [m] = labelKeyProblems('label key', key);
    expect(m).toBe(`label key is not a valid label key, got ${JSON.stringify(key)}, expected an optional DNS subdomain prefix and "/", then at most 63 characters of A-Z, a-z, 0-9, "-", "_", "."`);
  });
});

describe('labelValueProblems', () => {
  it.each(['', 'x', 'H100_80GB.v2', 'a'.repeat(63)])('accepts %j', (value) => {
    expect(labelValueProblems('v', value)).toEqual([]);
  });

  it.each(['-x', 'x-', 'a b', 'a/b', 'a'.repeat(64)])('rejects %j', (value) => {
    expect(labelValueProblems('zone', value)[0]).toMatch(new RegExp(`^zone is not a valid label value, got ${JSON.stringify(value)}, expected at most 63 characters`));
  });
});

describe('labelMapProblems', () => {
  it('reports bad keys and bad values of a map, naming the key', () => {
    expect(labelMapProblems('label', { ok: 'fine', 'bad key': 'v', k: 'bad value' })).toEqual([
      expect.stringMatching(/^label key is not a valid label key, got "bad key", expected /),
      expect.stringMatching(/^label k is not a valid label value, got "bad value", expected /),
    ]);
  });
});

describe('managedLabelKeyProblems', () => {
  it.each(FLEET_MANAGED_LABEL_PREFIXES.map((p) => `${p}x`))('rejects %s, a key the fleet sets itself', (key) => {
    const prefix = key.slice(0, key.length - 1);
    expect(managedLabelKeyProblems('label key', key)).toEqual([
      `label key uses the prefix ${prefix}, which the fleet manages itself, got "${key}", expected a key outside gpu-fleet.io/, topology.kubernetes.io/, nvidia.com/, kubernetes.io/`,
    ]);
  });

  it.each(['team', 'workload.gpu-fleet.io/class', 'node-role.kubernetes.io/gpu', 'example.com/nvidia.com'])('accepts %s, which only looks similar', (key) => {
    expect(managedLabelKeyProblems('label key', key)).toEqual([]);
  });
});
