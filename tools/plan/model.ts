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
  readonly before: Json | null;
  readonly after: Json | null;
  /** Only the metrics that changed. */
  readonly changes: CapacityMetric[];
}

export type RiskKind = 'destroy' | 'taint' | 'gpu-config' | 'provider' | 'backend';

export interface Risk {
  readonly kind: RiskKind;
  readonly stack: string;
  /** The resource instance, when the risk is about one. */
  readonly address?: string;
  readonly message: string;
}

export type StackStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface StackPlan {
  readonly name: string;
  readonly status: StackStatus;
  readonly summary: Summary;
  /** Sorted by address; only instances that change. */
  readonly resources: ResourceChange[];
  /** Output changes other than `capacity`, which has its own section. */
  readonly outputs: OutputChange[];
  /** Changes to the stack's `provider` block. */
  readonly providerChanges: AttributeChange[];
  /** Changes to the stack's `terraform` block (required_providers, backend). */
  readonly terraformChanges: AttributeChange[];
  readonly capacity: StackCapacity | null;
  readonly risks: Risk[];
  readonly warnings: string[];
}

export interface SourceInfo {
  readonly kind: 'dir' | 'git';
  /** The synth output directory that was read (a temporary one, since removed, for a git ref). */
  readonly path: string;
  readonly ref?: string;
  readonly commit?: string;
}

export interface Plan {
  readonly base: SourceInfo;
  readonly head: SourceInfo;
  /** The --stack globs, when given. */
  readonly stackFilter: string[];
  /** true when anything differs: resources, outputs, capacity, provider or terraform blocks. */
  readonly changed: boolean;
  readonly summary: Summary;
  /** Every stack (changed or not), sorted by name. */
  readonly stacks: StackPlan[];
  /** Fleet totals (sums over the stacks compared), only the metrics that changed. */
  readonly capacity: CapacityMetric[];
  readonly risks: Risk[];
  readonly warnings: string[];
}
