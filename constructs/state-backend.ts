/**
 * Where each site's Terraform state lives: a typed choice, set for the whole fleet
 * (`FleetProps.state`) and overridable per site (`SiteProps.state`).
 *
 * Every site is its own stack, so every site gets its own state location, derived from its id:
 * a key in a bucket, a Secret in the site's own cluster, a schema in PostgreSQL, a local file.
 * Two sites that would share one location are refused (`sharedStateProblems`): they would
 * overwrite each other's state.
 *
 * No credential is ever part of the choice. Terraform reads them where it always does:
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or a shared credentials file for S3, the
 * kubeconfig file for Kubernetes, PG_CONN_STR (and libpq's PGPASSWORD, ~/.pgpass) for PostgreSQL.
 * Only names, paths and URLs without user info are written to the output.
 *
 * Plain data, no cdktf types: `stacks/state-backend.ts` renders it as a backend block.
 * Terraform's settings per backend: hashicorp/terraform internal/backend/remote-state/{s3,kubernetes,pg}/backend.go.
 */
import type { Site } from './site';
import { problem } from './violations';

export type StateBackendKind = 'local' | 's3' | 'kubernetes' | 'pg';

export interface LocalStateOptions {
  /**
   * The state file of this stack, relative to the project root (where cdktf.json is). Set it
   * on a site only: at fleet level every site would share it (and be refused).
   * @default `terraform.<site>.tfstate` in the project root, outside the synth output
   */
  readonly path?: string;
}

export interface S3StateOptions {
  /** The bucket. */
  readonly bucket: string;
  /**
   * Prefix of every site's key; a site's state is `<keyPrefix><site>/terraform.tfstate`.
   * @default `gpu-fleet/<fleet name>/`
   */
  readonly keyPrefix?: string;
  /**
   * The whole key of this stack's state, instead of the derived one (e.g. to keep an existing
   * state where it is). Set it on a site only.
   * @default `<keyPrefix><site>/terraform.tfstate`
   */
  readonly key?: string;
  /** @default none: Terraform reads AWS_REGION / AWS_DEFAULT_REGION */
  readonly region?: string;
  /**
   * The S3 endpoint of an S3-compatible store (MinIO, Ceph RGW, a regional cloud's object
   * storage), as `https://host[:port]`. User info in the URL is refused: credentials come from
   * the environment.
   * @default AWS S3
   */
  readonly endpoint?: string;
  /**
   * Path-style URLs (`https://host/bucket/key`), which MinIO and most on-premises stores need.
   * @default true when `endpoint` is set, false for AWS
   */
  readonly usePathStyle?: boolean;
  /**
   * Skip the checks only AWS can answer (STS credentials validation, region name validation,
   * account id lookup, EC2 metadata API, S3 checksums), which S3-compatible stores fail.
   * @default true when `endpoint` is set, false for AWS
   */
  readonly skipAwsChecks?: boolean;
  /**
   * Lock with a `<key>.tflock` object written by S3 conditional writes (`use_lockfile`,
   * Terraform >= 1.10, OpenTofu >= 1.8), with no DynamoDB table. The store must support
   * conditional writes (If-None-Match), as AWS S3 and MinIO do.
   * @default true
   */
  readonly lockfile?: boolean;
  /** Server-side encryption of the state object. @default true for AWS, false with `endpoint` */
  readonly encrypt?: boolean;
  /** A profile of the AWS shared config. @default none: the environment's credentials */
  readonly profile?: string;
  /** Paths of AWS shared credentials files. @default none: `~/.aws/credentials` */
  readonly sharedCredentialsFiles?: readonly string[];
}

export interface KubernetesStateOptions {
  /** Namespace of the state Secret and lock Lease in the site's cluster; it must exist. @default 'default' */
  readonly namespace?: string;
  /**
   * The Secret is `tfstate-default-<secretSuffix>` and the lock Lease `lock-tfstate-default-<secretSuffix>`.
   * Set it on a site only.
   * @default `gpu-fleet-<site>`
   */
  readonly secretSuffix?: string;
}

export interface PgStateOptions {
  /**
   * Prefix of every site's schema: a site's state is in the schema `<schemaPrefix><site>` with
   * the site id's `-` written `_`.
   * @default 'gpu_fleet_'
   */
  readonly schemaPrefix?: string;
  /** The whole schema name of this stack, instead of the derived one. Set it on a site only. @default derived */
  readonly schemaName?: string;
}

/** Where the state of every stack is kept; `StateBackend.local()` when nothing is said. */
export class StateBackend {
  /** A local file per site, outside the synth output (the default: fine for one laptop, not for a team). */
  public static local(options: LocalStateOptions = {}): StateBackend {
    return new StateBackend('local', options);
  }

  /** An object per site in an S3 bucket, AWS or S3-compatible (MinIO, Ceph, regional clouds), locked by a lock file. */
  public static s3(options: S3StateOptions): StateBackend {
    return new StateBackend('s3', options);
  }

  /**
   * A Secret in each site's own cluster (Terraform's `kubernetes` backend, locked by a Lease),
   * reached with the same kubeconfig path and context as the site's provider.
   */
  public static kubernetes(options: KubernetesStateOptions = {}): StateBackend {
    return new StateBackend('kubernetes', options);
  }

  /** A schema per site in PostgreSQL (`pg` backend, locked by advisory locks); the connection string comes from PG_CONN_STR. */
  public static pg(options: PgStateOptions = {}): StateBackend {
    return new StateBackend('pg', options);
  }

  private constructor(
    public readonly kind: StateBackendKind,
    public readonly options: LocalStateOptions | S3StateOptions | KubernetesStateOptions | PgStateOptions,
  ) {}
}

/** One stack's state location, resolved: what the backend block says, by kind. */
export type StateLocation =
  | { readonly kind: 'local'; readonly path: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly key: string;
      readonly region?: string;
      readonly endpoint?: string;
      readonly usePathStyle: boolean;
      readonly skipAwsChecks: boolean;
      readonly lockfile: boolean;
      readonly encrypt: boolean;
      readonly profile?: string;
      readonly sharedCredentialsFiles?: readonly string[];
    }
  | { readonly kind: 'kubernetes'; readonly namespace: string; readonly secretSuffix: string; readonly configPath: string; readonly configContext: string }
  | { readonly kind: 'pg'; readonly schemaName: string };

/** The state choice in force for `site`: its own, or the fleet's. */
export function stateBackendOf(site: Site): StateBackend {
  return site.state ?? site.fleet.state;
}

/** Where `site`'s stack keeps its state. */
export function stateLocation(site: Site): StateLocation {
  const backend = stateBackendOf(site);
  const id = site.node.id;
  switch (backend.kind) {
    case 'local': {
      const o = backend.options as LocalStateOptions;
      return { kind: 'local', path: o.path ?? `terraform.${id}.tfstate` };
    }
    case 's3': {
      const o = backend.options as S3StateOptions;
      const custom = o.endpoint !== undefined;
      return {
        kind: 's3',
        bucket: o.bucket,
        key: o.key ?? `${o.keyPrefix ?? `gpu-fleet/${site.fleet.name}/`}${id}/terraform.tfstate`,
        region: o.region,
        endpoint: o.endpoint,
        usePathStyle: o.usePathStyle ?? custom,
        skipAwsChecks: o.skipAwsChecks ?? custom,
        lockfile: o.lockfile ?? true,
        encrypt: o.encrypt ?? !custom,
        profile: o.profile,
        sharedCredentialsFiles: o.sharedCredentialsFiles,
      };
    }
    case 'kubernetes': {
      const o = backend.options as KubernetesStateOptions;
      return {
        kind: 'kubernetes',
        namespace: o.namespace ?? 'default',
        secretSuffix: o.secretSuffix ?? `gpu-fleet-${id}`,
        configPath: site.fleet.kubeconfigPath,
        configContext: site.kubeContext,
      };
    }
    case 'pg': {
      const o = backend.options as PgStateOptions;
      return { kind: 'pg', schemaName: o.schemaName ?? `${o.schemaPrefix ?? 'gpu_fleet_'}${id.replace(/-/g, '_')}` };
    }
  }
}

/** A string naming the place the state is in: equal for two stacks exactly when they share it. */
export function stateAddress(l: StateLocation): string {
  switch (l.kind) {
    case 'local':
      return `local file ${l.path.replace(/^\.\//, '')}`;
    case 's3':
      return `s3://${l.endpoint ? `${l.endpoint.replace(/\/+$/, '')}/` : ''}${l.bucket}/${l.key}`;
    case 'kubernetes':
      return `kubernetes ${l.configPath} context ${l.configContext}, Secret ${l.namespace}/tfstate-default-${l.secretSuffix}`;
    case 'pg':
      // The database comes from PG_CONN_STR, the same for every stack of a run.
      return `pg schema ${l.schemaName}`;
  }
}

/** DNS-1123 label, as Kubernetes checks namespace names (apimachinery validation.IsDNS1123Label). */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An unquoted PostgreSQL identifier, at most NAMEDATALEN-1 = 63 bytes (PostgreSQL docs, "Identifiers and Key Words"). */
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** Problems of one stack's state settings, in the user's terms. */
export function stateLocationProblems(l: StateLocation): string[] {
  const out: string[] = [];
  switch (l.kind) {
    case 'local':
      if (l.path.length === 0) out.push(problem('local state path must not be empty', l.path, 'a file path relative to the project root'));
      break;
    case 's3':
      if (l.bucket.length === 0) out.push(problem('S3 state bucket must not be empty', l.bucket, 'a bucket name'));
      // Terraform's s3 backend refuses keys that are empty, start or end with "/" or contain "//" (backend.go, validateKey).
      if (l.key.length === 0 || l.key.startsWith('/') || l.key.endsWith('/') || l.key.includes('//')) {
        out.push(problem('S3 state key is not a valid key', l.key, 'a key that neither starts nor ends with "/" and has no "//"'));
      }
      if (l.endpoint !== undefined) {
        let url: URL | undefined;
        try {
          url = new URL(l.endpoint);
        } catch {
          out.push(problem('S3 endpoint is not a URL', l.endpoint, 'a URL like https://minio.example.com:9000'));
        }
        if (url && (url.username || url.password)) {
          out.push(problem('S3 endpoint carries credentials', `${url.protocol}//***@${url.host}`, 'a URL without user info; pass credentials as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY'));
        } else if (url && !['http:', 'https:'].includes(url.protocol)) {
          out.push(problem('S3 endpoint must be http or https', l.endpoint, 'a URL like https://minio.example.com:9000'));
        }
      }
      break;
    case 'kubernetes':
      if (!DNS1123_LABEL.test(l.namespace) || l.namespace.length > 63) out.push(problem('state namespace is not a Kubernetes namespace name', l.namespace, 'a DNS-1123 label of at most 63 characters'));
      // The lock Lease is `lock-tfstate-default-<suffix>`, a DNS-1123 subdomain of at most 253 characters.
      if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(l.secretSuffix) || l.secretSuffix.length > 253 - 'lock-tfstate-default-'.length) {
        out.push(problem('state secret suffix is not usable in a Secret name', l.secretSuffix, 'lowercase letters, digits, "-" and "." of at most 232 characters'));
      }
      break;
    case 'pg':
      if (!PG_IDENTIFIER.test(l.schemaName)) out.push(problem('state schema is not a plain PostgreSQL identifier', l.schemaName, 'lowercase letters, digits and "_", not starting with a digit, at most 63 characters'));
      break;
  }
  return out;
}

/**
 * Site rule: its state settings are valid and no other site of the fleet keeps its state in
 * the same place (two stacks on one state would overwrite each other's resources).
 */
export function sharedStateProblems(site: Site, sites: readonly Site[]): string[] {
  const mine = stateLocation(site);
  const address = stateAddress(mine);
  const out = stateLocationProblems(mine);
  const others = sites.filter((s) => s !== site && stateAddress(stateLocation(s)) === address).map((s) => s.node.id);
  if (others.length > 0) out.push(problem(`state location is shared with ${others.join(', ')}`, address, 'a state location of its own for every site'));
  return out;
}
