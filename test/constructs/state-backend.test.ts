import { Fleet } from '../../constructs/fleet';
import { stateAddress, StateBackend, stateLocation } from '../../constructs/state-backend';
import { buildFleet, LIQUID_HGX_RACKS, SiteDesign } from '../../fleets/site-design';
import { Site } from '../../constructs/site';
import { formatViolation } from '../../constructs/violations';

function design(id: string, extra: Partial<SiteDesign> = {}): SiteDesign {
  return { id, region: 'xinjiang', zone: 'hami-yiwu', platform: 'hgx-h100', servers: 8, racks: LIQUID_HGX_RACKS, pue: 1.2, utilityCapacityMw: 1, ...extra };
}

function fleetOf(state: StateBackend | undefined, ...designs: SiteDesign[]): Fleet {
  return buildFleet('lab', designs.length > 0 ? designs : [design('lab-01'), design('lab-02')], { state, kubeconfigPath: '/etc/kube/config' });
}

function sitesOf(fleet: Fleet): Site[] {
  return fleet.node.children.filter((c): c is Site => c instanceof Site);
}

function lines(fleet: Fleet): string[] {
  return fleet.validate().map(formatViolation);
}

describe('StateBackend', () => {
  it('keeps state in a local file per site by default, outside the synth output', () => {
    const [a, b] = sitesOf(fleetOf(undefined));
    expect(stateLocation(a)).toEqual({ kind: 'local', path: 'terraform.lab-01.tfstate' });
    expect(stateLocation(b)).toEqual({ kind: 'local', path: 'terraform.lab-02.tfstate' });
  });

  it('gives every site its own S3 key under the fleet prefix, with lock file and AWS checks on AWS', () => {
    const [a] = sitesOf(fleetOf(StateBackend.s3({ bucket: 'tf-state', region: 'cn-northwest-1' })));
    expect(stateLocation(a)).toEqual({
      kind: 's3', bucket: 'tf-state', key: 'gpu-fleet/lab/lab-01/terraform.tfstate', region: 'cn-northwest-1', endpoint: undefined,
      usePathStyle: false, skipAwsChecks: false, lockfile: true, encrypt: true, profile: undefined, sharedCredentialsFiles: undefined,
    });
  });

  it('uses path-style URLs and skips AWS-only checks for an S3-compatible endpoint (MinIO)', () => {
    const [a] = sitesOf(fleetOf(StateBackend.s3({ bucket: 'tf', keyPrefix: 'fleets/lab/', endpoint: 'https://minio.example.com:9000' })));
    expect(stateLocation(a)).toMatchObject({ key: 'fleets/lab/lab-01/terraform.tfstate', usePathStyle: true, skipAwsChecks: true, lockfile: true, encrypt: false });
    expect(stateAddress(stateLocation(a))).toBe('s3://https://minio.example.com:9000/tf/fleets/lab/lab-01/terraform.tfstate');
  });

  it('puts Kubernetes state in the site own cluster, through the provider kubeconfig and context', () => {
    const fleet = fleetOf(StateBackend.kubernetes({ namespace: 'gpu-fleet-state' }), design('lab-01', { kubeContext: 'lab-admin' }));
    expect(stateLocation(sitesOf(fleet)[0])).toEqual({ kind: 'kubernetes', namespace: 'gpu-fleet-state', secretSuffix: 'gpu-fleet-lab-01', configPath: '/etc/kube/config', configContext: 'lab-admin' });
  });

  it('gives every site its own PostgreSQL schema', () => {
    const [a, b] = sitesOf(fleetOf(StateBackend.pg()));
    expect(stateLocation(a)).toEqual({ kind: 'pg', schemaName: 'gpu_fleet_lab_01' });
    expect(stateLocation(b)).toEqual({ kind: 'pg', schemaName: 'gpu_fleet_lab_02' });
  });

  it('lets a site choose its own backend over the fleet one', () => {
    const fleet = fleetOf(StateBackend.pg(), design('lab-01'), design('lab-02', { state: StateBackend.s3({ bucket: 'b', key: 'legacy/lab-02.tfstate' }) }));
    expect(sitesOf(fleet).map((s) => stateLocation(s).kind)).toEqual(['pg', 's3']);
    expect(lines(fleet)).toEqual([]);
  });
});

describe('state location rules', () => {
  it('rejects two sites sharing one state location', () => {
    const shared = StateBackend.s3({ bucket: 'b', key: 'one/terraform.tfstate' });
    const fleet = fleetOf(undefined, design('lab-01', { state: shared }), design('lab-02', { state: shared }), design('lab-03'));
    expect(lines(fleet)).toEqual([
      'lab-01: state location is shared with lab-02, got "s3://b/one/terraform.tfstate", expected a state location of its own for every site',
      'lab-02: state location is shared with lab-01, got "s3://b/one/terraform.tfstate", expected a state location of its own for every site',
    ]);
  });

  it('rejects a fleet-wide local path, PostgreSQL schema or Secret suffix, which every site would share', () => {
    for (const state of [StateBackend.local({ path: 'state.tfstate' }), StateBackend.pg({ schemaName: 'tf' }), StateBackend.kubernetes({ secretSuffix: 'x' })]) {
      // One context for both, so that the Kubernetes backend's Secrets share a cluster too (which
      // is refused on its own: a site is one cluster); only the state lines matter here.
      const found = lines(fleetOf(state, design('lab-01', { kubeContext: 'one' }), design('lab-02', { kubeContext: 'one' }))).filter((l) => l.includes('state location'));
      expect(found).toHaveLength(2);
      expect(found[0]).toMatch(/^lab-01: state location is shared with lab-02, got /);
    }
  });

  it('accepts the same Secret suffix in two different clusters', () => {
    expect(lines(fleetOf(StateBackend.kubernetes({ secretSuffix: 'state' })))).toEqual([]);
  });

  it('rejects an endpoint with credentials in it, without printing them', () => {
    const found = lines(fleetOf(StateBackend.s3({ bucket: 'b', endpoint: 'https://AKIAEXAMPLE:s3cr3t-Value@minio.example.com' }), design('lab-01')));
    expect(found).toEqual([
      'lab-01: S3 endpoint carries credentials, got "https://***@minio.example.com", expected a URL without user info; pass credentials as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it.each([
    ['an empty bucket', StateBackend.s3({ bucket: '' }), 'lab-01: S3 state bucket must not be empty, got "", expected a bucket name'],
    ['a key with //', StateBackend.s3({ bucket: 'b', keyPrefix: 'a//' }), 'lab-01: S3 state key is not a valid key, got "a//lab-01/terraform.tfstate", expected a key that neither starts nor ends with "/" and has no "//"'],
    ['an endpoint without a scheme', StateBackend.s3({ bucket: 'b', endpoint: 'minio.example.com' }), 'lab-01: S3 endpoint is not a URL, got "minio.example.com", expected a URL like https://minio.example.com:9000'],
    ['a namespace with capitals', StateBackend.kubernetes({ namespace: 'State' }), 'lab-01: state namespace is not a Kubernetes namespace name, got "State", expected a DNS-1123 label of at most 63 characters'],
    ['a schema with a hyphen', StateBackend.pg({ schemaPrefix: 'gpu-' }), 'lab-01: state schema is not a plain PostgreSQL identifier, got "gpu-lab_01", expected lowercase letters, digits and "_", not starting with a digit, at most 63 characters'],
  ])('rejects %s', (_what, state, line) => {
    expect(lines(fleetOf(state, design('lab-01')))).toEqual([line]);
  });
});
