/**
 * The root of a fleet's construct tree: every site of the fleet is a child.
 * The domain model lives in its own tree (plain constructs, no cdktf types); stacks read it.
 */
import { Construct } from 'constructs';
import type { Site } from './site';
import { imageRegistryProblems, NvidiaSoftware, nvidiaSoftwareProblems } from './nvidia-software';
import { StateBackend } from './state-backend';
import { collectViolations, enclosing, FleetValidationError, PropChecker, Violation } from './violations';

export interface FleetProps {
  /**
   * Path of the kubeconfig file the Kubernetes provider reads when it plans or applies.
   * Only the path is written to the synthesized output, never a credential.
   * @default '~/.kube/config'
   */
  readonly kubeconfigPath?: string;
  /**
   * How sites run their NVIDIA software, unless a site says otherwise.
   * @default NvidiaSoftware.gpuOperator()
   */
  readonly nvidiaSoftware?: NvidiaSoftware;
  /**
   * Registry mirror every image the stacks deploy is pulled through, unless a site names its
   * own: `<imageRegistry>/<the image's full reference>`, e.g.
   * `registry.example.cn/mirror/nvcr.io/nvidia/k8s-device-plugin:v0.20.0`.
   * @default none: images are pulled from their upstream registries
   */
  readonly imageRegistry?: string;
  /**
   * Where every site's stack keeps its Terraform state, each in a location of its own
   * (a site may choose otherwise with `SiteProps.state`).
   * @default StateBackend.local(): a file per site in the project root
   */
  readonly state?: StateBackend;
}

export class Fleet extends Construct {
  /** Walks up from any construct of a fleet to the fleet. */
  public static of(c: Construct): Fleet {
    return enclosing(c, Fleet);
  }

  public readonly name: string;
  public readonly kubeconfigPath: string;
  public readonly nvidiaSoftware: NvidiaSoftware;
  public readonly imageRegistry?: string;
  private readonly _sites: Site[] = [];
  public readonly state: StateBackend;

  /** @param name the fleet's name (used in reports); the tree's root has an empty id. */
  constructor(name: string, props: FleetProps = {}) {
    const check = new PropChecker(`fleet ${name}`);
    const software = props.nvidiaSoftware ?? NvidiaSoftware.gpuOperator();
    if (check.check(software instanceof NvidiaSoftware, 'nvidiaSoftware must be an NvidiaSoftware', software, 'NvidiaSoftware.gpuOperator() or NvidiaSoftware.standalone({...})')) {
      nvidiaSoftwareProblems(software).forEach((m) => check.add(m));
    }
    if (props.imageRegistry !== undefined) imageRegistryProblems(props.imageRegistry).forEach((m) => check.add(m));
    check.throwIfAny();
    super(undefined as unknown as Construct, '');
    this.name = name;
    this.kubeconfigPath = props.kubeconfigPath ?? '~/.kube/config';
    this.nvidiaSoftware = software;
    this.imageRegistry = props.imageRegistry;
    this.state = props.state ?? StateBackend.local();
  }

  /** The fleet's sites, in the order they were added. */
  public get sites(): readonly Site[] {
    return this._sites;
  }

  /** @internal called by Site */
  public registerSite(site: Site): void {
    this._sites.push(site);
  }

  /**
   * Every problem of the whole fleet: first those its constructors and builders recorded
   * (`PropChecker.defer`, in the order they were found), then every rule's, in tree order.
   */
  public validate(): Violation[] {
    return collectViolations(this);
  }

  /** Throws a FleetValidationError listing every problem `validate()` finds, if there is any. */
  public assertValid(): void {
    const violations = this.validate();
    if (violations.length > 0) throw new FleetValidationError(violations);
  }
}
