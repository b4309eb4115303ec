/**
 * An NVLink domain: the GPUs that share NVLink. One per HGX server (8 GPUs, created by the
 * server itself) or one per GB200 NVL72 rack (72 GPUs over 18 compute trays).
 */
import { Construct } from 'constructs';
import { PlatformSpec } from './catalog/platforms';
import type { Rack } from './rack';
import type { Server } from './server';
import { childPath, problem, PropChecker, uniqueIdCheck } from './violations';

export interface NvlinkDomainProps {
  /** The platform whose NVLink fabric this is; it sets the domain's size and scope. */
  readonly platform: PlatformSpec;
}

export class NvlinkDomain extends Construct {
  public readonly platform: PlatformSpec;
  /** Name used in node labels: the construct path below the site, joined with '-'. */
  public readonly name: string;
  private readonly _members: Server[] = [];

  /** @param scope the server (HGX) or rack (NVL72) the domain belongs to */
  constructor(scope: Server | Rack, id: string, props: NvlinkDomainProps) {
    const check = new PropChecker(childPath(scope, id));
    uniqueIdCheck(check, scope, id, 'NVLink domain');
    check.check(!!props.platform && typeof props.platform.nvlinkDomainGpus === 'number', 'platform must come from the catalog', props.platform, 'a PlatformSpec from platform(name)');
    check.throwIfAny();
    super(scope, id);
    this.platform = props.platform;
    this.name = this.node.scopes.slice(2).map((c) => c.node.id).join('-');
    this.node.addValidation({ validate: () => this.problems() });
  }

  public get members(): readonly Server[] {
    return this._members;
  }

  /** GPUs in the domain. */
  public get gpus(): number {
    return this._members.reduce((sum, s) => sum + s.platform.gpusPerServer, 0);
  }

  /** @internal called by Server */
  public addMember(server: Server): void {
    this._members.push(server);
  }

  private problems(): string[] {
    const out: string[] = [];
    const models = [...new Set(this._members.map((s) => s.platform.gpuModel.name))];
    if (models.length > 1) out.push(problem('NVLink domain mixes GPU models', models, 'one GPU model'));
    if (this.gpus !== this.platform.nvlinkDomainGpus) {
      out.push(problem(`NVLink domain size does not match platform ${this.platform.name}`, `${this.gpus} GPUs`, `${this.platform.nvlinkDomainGpus} GPUs`));
    }
    const wrongPlatform = this._members.filter((s) => s.platform !== this.platform);
    if (wrongPlatform.length > 0) {
      out.push(problem('NVLink domain has members of another platform', wrongPlatform.map((s) => `${s.node.id}: ${s.platform.name}`), this.platform.name));
    }
    const homes = new Set(this._members.map((s) => (this.platform.nvlinkScope === 'server' ? s.node.path : s.rack.node.path)));
    if (homes.size > 1) {
      out.push(problem(`NVLink domain spans more than one ${this.platform.nvlinkScope}`, [...homes], `all members in one ${this.platform.nvlinkScope}`));
    }
    return out;
  }
}
