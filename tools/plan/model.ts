/**
 * The data model of `tools/plan.ts`: what is read from a `cdktf synth` output, and the plan
 * computed from two of them. Everything here is plain data, so the JSON format is this model.
 */

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

/** One segment of an attribute path: an attribute or map key, or a list index. */
export type PathSegment = string | number;

/** A stack as read from disk: its cdk.tf.json and the variable values terraform would load. */
export interface RawStack {
  readonly name: string;
  /** Absolute path of the stack's working directory (where terraform would run). */
  readonly workingDirectory: string;
  /** The parsed cdk.tf.json. */
  readonly doc: JsonObject;
  /** Variable values from terraform.tfvars.json and *.auto.tfvars.json, later files winning. */
  readonly tfvars: Record<string, Json>;
  readonly warnings: string[];
}

/** A `cdktf synth` output directory, read. */
export interface SynthOutput {
  readonly dir: string;
  /** Stacks by name. */
  readonly stacks: Map<string, RawStack>;
}

/** One resource instance: a resource without for_each/count, or one key of it. */
export interface Instance {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  /** The for_each key or count index; undefined for a single-instance resource. */
  readonly key?: string | number;
  /** The resource's arguments with each.*, count.index, var.* and local.* substituted; meta-arguments removed. */
  readonly body: JsonObject;
  readonly createBeforeDestroy: boolean;
  /** lifecycle.ignore_changes: 'all', or attribute paths. */
  readonly ignoreChanges: 'all' | PathSegment[][];
}

export interface MovedBlock {
  readonly from: string;
  readonly to: string;
}

/** A stack with its configuration evaluated as far as it can be without terraform. */
export interface EvaluatedStack {
  readonly name: string;
  /** Instances by address. */
  readonly instances: Map<string, Instance>;
  readonly moved: MovedBlock[];
  /** Output values (evaluated), by name. */
  readonly outputs: Record<string, Json>;
  readonly provider: Json | undefined;
  /** The `terraform` block less `//` comments: required_providers, backend, ... */
  readonly terraform: JsonObject;
  readonly warnings: string[];
}

export type AttributeChangeKind = 'add' | 'remove' | 'change';

export interface AttributeChange {
  /** Terraform-style path: `metadata[0].name`, `labels["nvidia.com/mig.config"]`. */
  readonly path: string;
  readonly segments: PathSegment[];
  readonly kind: AttributeChangeKind;
  /** Absent on `add`. */
  readonly before?: Json;
  /** Absent on `remove`. */
  readonly after?: Json;
  readonly forcesReplacement: boolean;
}

export type ResourceAction = 'create' | 'update' | 'destroy' | 'replace' | 'move';

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly name: string;
  readonly key?: string | number;
  readonly action: ResourceAction;
  /** The base address when a `moved` block moved this instance. */
  readonly movedFrom?: string;
  /** For replace: true when the replacement is created before the old object is destroyed. */
  readonly createBeforeDestroy?: boolean;
  /** Every attribute that differs (for create: every attribute set; for destroy: every attribute that was set). */
  readonly changes: AttributeChange[];
}

export interface OutputChange {
  readonly name: string;
  readonly action: 'create' | 'update' | 'destroy';
  readonly changes: AttributeChange[];
}

export interface Summary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** Instances moved by a `moved` block (not counted in add/change/destroy, as terraform does). */
  readonly move: number;
}

export interface CapacityMetric {
  /** Stable id: `servers`, `gpus`, `gpusByModel.H100-80GB`, `itPowerKw`, `feeds.row-01-a.utilizationPercent`, ... */
  readonly metric: string;
  readonly label: string;
  readonly unit: '' | 'kW' | '%';
  readonly before: number | null;
  readonly after: number | null;
  /** after - before; null when either side is missing. */
  readonly delta: number | null;
}

export interface StackCapacity {
  /** Only the metrics that changed (the full before and after values stay out, so a no-op plan stays small). */
  readonly changes: CapacityMetric[];
}

/**
 * How much a risk matters. Blockers are listed in full in every format; warnings may be
 * abridged in a pull-request comment; informational items are summarised.
 */
export type Severity = 'blocker' | 'warning' | 'info';

export type RiskKind =
  | 'stack'
  | 'provider'
  | 'backend'
  | 'destroy'
  | 'replace'
  | 'taint'
  | 'mig'
  | 'rollout'
  | 'quota'
  | 'node-race'
  | 'gpu-config'
  | 'nodes';

export interface Risk {
  readonly severity: Severity;
  readonly kind: RiskKind;
  readonly stack: string;
  /** The resource instance, when the risk is about one. */
  readonly address?: string;
  readonly message: string;
}

/** Where a stack is applied: its provider's kubeconfig and context, and where its state lives. */
export interface StackTarget {
  readonly context: string | null;
  readonly configPath: string | null;
  /** `local: terraform.yiwu-dc01.tfstate`, `s3: bucket/key`, ...; null without a backend block. */
  readonly backend: string | null;
}

/**
 * The net change of a set of nodes of one site that change the same way: nodes joining or
 * leaving a pool, moving between pools, or changing labels or taints in place.
 */
export interface NodeGroup {
  readonly kind: 'join' | 'leave' | 'move' | 'change';
  /** Pool before (null for nodes new to the stack). */
  readonly fromPool: string | null;
  /** Pool after (null for nodes no longer in the stack). */
  readonly toPool: string | null;
  /** Node names, sorted. */
  readonly nodes: string[];
  /** `yiwu-dc01-rack-001-u01..rack-005-u25`, or the names themselves when there are at most three. */
  readonly range: string;
  /** What changes on each of them: `taint gpu-fleet.io/workload=training -> inference`, `device-plugin config training -> inference-shared`, ... */
  readonly details: string[];
  /** Per-node objects destroyed under one resource and created under another, with no order between them. */
  readonly race: boolean;
  /** Every node of `fromPool` moved to `toPool`, which is new: a pool rename. */
  readonly poolRenamed: boolean;
}

export type StackStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface StackPlan {
  readonly name: string;
  readonly status: StackStatus;
  readonly summary: Summary;
  /** Sorted by address; only instances that change. A removed stack has none: `cdktf deploy` leaves its objects alone. */
  readonly resources: ResourceChange[];
  /** A removed stack: the resource instances its base state holds, left unmanaged (0 destroyed). */
  readonly unmanaged: number;
  /** For an added stack that looks like a removed one under a new name (or the other way round): the other name. */
  readonly renamedFrom?: string;
  readonly renamedTo?: string;
  /** Where the head (or, for a removed stack, the base) applies. */
  readonly target: StackTarget | null;
  /** Per-node changes by pool, one entry per way a set of nodes changes. */
  readonly nodeGroups: NodeGroup[];
  /** Output changes other than `capacity`, which has its own section. */
  readonly outputs: OutputChange[];
  /** Changes to the stack's `provider` block. */
  readonly providerChanges: AttributeChange[];
  /** Changes to the stack's `terraform` block (required_providers, backend). */
  readonly terraformChanges: AttributeChange[];
  readonly capacity: StackCapacity | null;
  /** Ranked: blockers first. */
  readonly risks: Risk[];
  readonly warnings: string[];
}

export interface SourceInfo {
  /** `working-tree`: the checkout, synthesized fresh for this plan. */
  readonly kind: 'dir' | 'git' | 'working-tree';
  /** The synth output directory as given (absent for a git ref and the working tree, whose output is temporary). */
  readonly path?: string;
  readonly ref?: string;
  readonly commit?: string;
}

export interface Plan {
  readonly base: SourceInfo;
  readonly head: SourceInfo;
  /** The --stack globs, when given. */
  readonly stackFilter: string[];
  /**
   * true when terraform would change something (a resource or an output) or a stack is added or
   * removed; a change of provider or backend blocks alone is no change, as for
   * `terraform plan -detailed-exitcode`, but still raises its risks.
   */
  readonly changed: boolean;
  readonly summary: Summary;
  /** Every stack (changed or not), sorted by name. */
  readonly stacks: StackPlan[];
  /** Fleet totals over every stack of base and head, whatever --stack selects; only the metrics that changed. */
  readonly capacity: CapacityMetric[];
  /** Ranked by severity (blockers first), then stack and address. */
  readonly risks: Risk[];
  readonly warnings: string[];
}
