/**
 * The root of a fleet's construct tree: every site of the fleet is a child.
 * The domain model lives in its own tree (plain constructs, no cdktf types); stacks read it.
 */
import { Construct } from 'constructs';
import { StateBackend } from './state-backend';
import { collectViolations, enclosing, FleetValidationError, Violation } from './violations';

export interface FleetProps {
  /**
   * Path of the kubeconfig file the Kubernetes provider reads when it plans or applies.
   * Only the path is written to the synthesized output, never a credential.
   * @default '~/.kube/config'
   */
  readonly kubeconfigPath?: string;
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
  public readonly state: StateBackend;

  /** @param name the fleet's name (used in reports); the tree's root has an empty id. */
  constructor(name: string, props: FleetProps = {}) {
    super(undefined as unknown as Construct, '');
    this.name = name;
    this.kubeconfigPath = props.kubeconfigPath ?? '~/.kube/config';
    this.state = props.state ?? StateBackend.local();
  }

  /** Every rule violation in the whole fleet, in tree order. */
  public validate(): Violation[] {
    return collectViolations(this);
  }

  /** Throws a FleetValidationError listing every violation, if there is any. */
  public assertValid(): void {
    const violations = this.validate();
    if (violations.length > 0) throw new FleetValidationError(violations);
  }
}
