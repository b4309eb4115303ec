import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { StateBackend } from '../../constructs/state-backend';
import { buildFleet, LIQUID_HGX_RACKS, SiteDesign } from '../../fleets/site-design';
import { runSynth } from '../../stacks/fleet-app';
import { KubernetesBackend } from '../../stacks/state-backend';
import { removeDir, synthFleetToTemp, tempDir } from '../support/synth';

function design(id: string, extra: Partial<SiteDesign> = {}): SiteDesign {
  return { id, region: 'xinjiang', zone: 'hami-yiwu', platform: 'hgx-h100', servers: 8, racks: LIQUID_HGX_RACKS, pue: 1.2, utilityCapacityMw: 1, ...extra };
}

const SITES = [design('lab-01'), design('lab-02', { kubeContext: 'lab-two' })];

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath ?? e.path, e.name);
      return [file, fs.readFileSync(file, 'utf8')];
    });
}

describe('state backends synthesized', () => {
  it.each([
    ['local', undefined, (site: string) => ({ local: { path: `../../../terraform.${site}.tfstate` } })],
    [
      's3 (MinIO)',
      StateBackend.s3({ bucket: 'tf-state', endpoint: 'https://minio.example.com:9000', region: 'us-east-1' }),
      (site: string) => ({
        s3: {
          bucket: 'tf-state',
          key: `gpu-fleet/lab/${site}/terraform.tfstate`,
          region: 'us-east-1',
          endpoints: { s3: 'https://minio.example.com:9000' },
          use_path_style: true,
          use_lockfile: true,
          skip_credentials_validation: true,
          skip_region_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_s3_checksum: true,
        },
      }),
    ],
    [
      's3 (AWS)',
      StateBackend.s3({ bucket: 'tf-state', keyPrefix: 'gpu/', profile: 'fleet', sharedCredentialsFiles: ['/run/secrets/aws-credentials'] }),
      (site: string) => ({ s3: { bucket: 'tf-state', key: `gpu/${site}/terraform.tfstate`, encrypt: true, use_lockfile: true, profile: 'fleet', shared_credentials_files: ['/run/secrets/aws-credentials'] } }),
    ],
    [
      'kubernetes',
      StateBackend.kubernetes({ namespace: 'kube-system' }),
      (site: string) => ({ kubernetes: { secret_suffix: `gpu-fleet-${site}`, namespace: 'kube-system', config_path: '/etc/kube/config', config_context: site === 'lab-02' ? 'lab-two' : site } }),
    ],
    ['pg', StateBackend.pg(), (site: string) => ({ pg: { schema_name: `gpu_fleet_${site.replace('-', '_')}` } })],
  ])('writes the %s backend block into every stack', (_kind, state, expected) => {
    const out = synthFleetToTemp(buildFleet('lab', SITES, { state, kubeconfigPath: '/etc/kube/config' }));
    try {
      expect(out.stacks).toEqual(['lab-01', 'lab-02']);
      for (const site of out.stacks) expect(out.readStack(site).terraform.backend).toEqual(expected(site));
    } finally {
      removeDir(path.dirname(out.outdir));
    }
  });

  it('writes no credential passed the documented way (environment variables) into the output', () => {
    const secrets = {
      AWS_ACCESS_KEY_ID: 'AKIAZZZEXAMPLE7Q3XJ5',
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz',
      PG_CONN_STR: 'postgres://fleet:pg-Pa55word-zz@db.example.com/terraform?sslmode=require',
      KUBE_TOKEN: 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNlY3JldCJ9.zz',
    };
    const saved = { ...process.env };
    Object.assign(process.env, secrets);
    const outs = [];
    try {
      for (const state of [StateBackend.s3({ bucket: 'b', endpoint: 'https://minio.example.com' }), StateBackend.pg(), StateBackend.kubernetes()]) {
        outs.push(synthFleetToTemp(buildFleet('lab', SITES, { state })));
      }
      for (const out of outs) {
        const files = filesUnder(out.outdir);
        expect(files.length).toBeGreaterThan(4);
        for (const [file, text] of files) {
          for (const [name, value] of Object.entries(secrets)) expect({ file, name, found: text.includes(value) }).toEqual({ file, name, found: false });
          expect({ file, keys: text.match(/"(access_key|secret_key|token|conn_str|password|client_key)"/g) }).toEqual({ file, keys: null });
        }
      }
    } finally {
      process.env = saved;
      for (const out of outs) removeDir(path.dirname(out.outdir));
    }
  });

  it('refuses a fleet whose sites share a state key and writes nothing', () => {
    const shared = StateBackend.s3({ bucket: 'b', key: 'all/terraform.tfstate' });
    const dir = tempDir();
    let stderr = ''; // stdout and stderr together: the report goes to either, by how synth runs
    try {
      const code = runSynth(() => buildFleet('lab', SITES, { state: shared }), { CDKTF_OUTDIR: path.join(dir, 'cdktf.out') }, { stdout: { write: (t: string) => (stderr += t) }, stderr: { write: (t: string) => (stderr += t) } });
      expect(code).toBe(1);
      expect(stderr).toContain('lab-01: state location is shared with lab-02, got "s3://b/all/terraform.tfstate", expected a state location of its own for every site');
      expect(fs.existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
    } finally {
      removeDir(dir);
    }
  });
});

describe('KubernetesBackend', () => {
  it('writes Terraform kubernetes backend settings and reads remote state through the same backend', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'one');
    const backend = new KubernetesBackend(stack, { secretSuffix: 'one', configPath: '~/.kube/config', configContext: 'ctx' });
    const reader = new TerraformStack(app, 'two');
    backend.getRemoteStateDataSource(reader, 'from-one', 'one');
    expect(JSON.parse(Testing.synth(stack)).terraform.backend).toEqual({ kubernetes: { secret_suffix: 'one', config_path: '~/.kube/config', config_context: 'ctx' } });
    expect(JSON.parse(Testing.synth(reader)).data.terraform_remote_state['from-one']).toMatchObject({ backend: 'kubernetes', config: { secret_suffix: 'one', config_context: 'ctx' } });
  });
});
