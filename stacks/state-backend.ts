/**
 * A site stack's `terraform { backend ... }` block, from the site's state choice
 * (`constructs/state-backend.ts`): cdktf's LocalBackend, S3Backend and PgBackend, and
 * `KubernetesBackend` below, since cdktf 0.21 ships no class for Terraform's `kubernetes` backend.
 *
 * Only locations and names are written. Terraform reads credentials itself: AWS_* variables or
 * shared credentials files for S3, the kubeconfig for Kubernetes, PG_CONN_STR for PostgreSQL.
 */
import * as path from 'path';
import { LocalBackend, PgBackend, S3Backend, TerraformBackend, TerraformRemoteState, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import type { Site } from '../constructs/site';
import { stateLocation, StateLocation } from '../constructs/state-backend';

/** Settings of Terraform's `kubernetes` backend (hashicorp/terraform internal/backend/remote-state/kubernetes/backend.go). */
export interface KubernetesBackendConfig {
  /** The state Secret is `tfstate-<workspace>-<secretSuffix>`. */
  readonly secretSuffix: string;
  /** @default 'default' */
  readonly namespace?: string;
  /** Path of the kubeconfig file. @default KUBE_CONFIG_PATH */
  readonly configPath?: string;
  /** Context of the kubeconfig. @default the current context */
  readonly configContext?: string;
}

/** Terraform's `kubernetes` backend: state in a Secret, locked by a Lease. */
export class KubernetesBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly config: KubernetesBackendConfig,
  ) {
    super(scope, 'backend', 'kubernetes');
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {
      secret_suffix: this.config.secretSuffix,
      namespace: this.config.namespace,
      config_path: this.config.configPath,
      config_context: this.config.configContext,
    };
  }

  protected override synthesizeHclAttributes(): Record<string, unknown> {
    return this.synthesizeAttributes();
  }

  public getRemoteStateDataSource(scope: Construct, name: string, _fromStack: string): TerraformRemoteState {
    return new DataTerraformRemoteStateKubernetes(scope, name, this.config);
  }
}

/** `data "terraform_remote_state"` over a `kubernetes` backend, for stacks that read another's outputs. */
export class DataTerraformRemoteStateKubernetes extends TerraformRemoteState {
  constructor(scope: Construct, id: string, config: KubernetesBackendConfig) {
    super(scope, id, 'kubernetes', {
      secret_suffix: config.secretSuffix,
      namespace: config.namespace,
      config_path: config.configPath,
      config_context: config.configContext,
    } as never);
  }
}

/**
 * The backend block for `location`. Terraform runs in `<outdir>/stacks/<site>`, so a relative
 * local path is written relative to that directory (three levels below the project root); an
 * absolute one as it is.
 */
export function renderStateBackend(stack: TerraformStack, location: StateLocation): TerraformBackend {
  switch (location.kind) {
    case 'local':
      return new LocalBackend(stack, { path: path.isAbsolute(location.path) ? location.path : `../../../${location.path}` });
    case 's3': {
      const skip = location.skipAwsChecks;
      const backend = new S3Backend(stack, {
        bucket: location.bucket,
        key: location.key,
        region: location.region,
        endpoints: location.endpoint ? { s3: location.endpoint } : undefined,
        usePathStyle: location.usePathStyle || undefined,
        encrypt: location.encrypt || undefined,
        profile: location.profile,
        sharedCredentialsFiles: location.sharedCredentialsFiles ? [...location.sharedCredentialsFiles] : undefined,
        skipCredentialsValidation: skip || undefined,
        skipRegionValidation: skip || undefined,
        skipRequestingAccountId: skip || undefined,
        skipMetadataApiCheck: skip || undefined,
        skipS3Checksum: skip || undefined,
      });
      // S3 native locking (Terraform >= 1.10): cdktf 0.21's S3BackendConfig predates `use_lockfile`.
      if (location.lockfile) backend.addOverride('use_lockfile', true);
      return backend;
    }
    case 'kubernetes':
      return new KubernetesBackend(stack, {
        secretSuffix: location.secretSuffix,
        namespace: location.namespace,
        configPath: location.configPath,
        configContext: location.configContext,
      });
    case 'pg':
      // conn_str is left out on purpose: Terraform then reads PG_CONN_STR, so no password is written.
      return new PgBackend(stack, { schemaName: location.schemaName } as { connStr: string; schemaName: string });
  }
}

/** The backend of `site`'s stack, as its state choice says. */
export function addStateBackend(stack: TerraformStack, site: Site): TerraformBackend {
  return renderStateBackend(stack, stateLocation(site));
}
