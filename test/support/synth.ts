/** Test helpers: synthesize stacks for real and read what they wrote. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdktf';
import { Fleet } from '../../constructs/fleet';
import { synthesizeFleet } from '../../stacks/fleet-app';
import { SiteStack } from '../../stacks/site-stack';

/** A Terraform JSON document as cdktf writes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TfJson = Record<string, any>;

/** A stack's node inventory as its snapshot records it: per variable, the node count and the first node's labels. */
export function inventorySummary(stack: SiteStack): Record<string, { nodes: number; first: Record<string, string> | undefined }> {
  return Object.fromEntries(Object.entries(stack.inventory.variables).map(([k, nodes]) => [k, { nodes: Object.keys(nodes).length, first: Object.values(nodes)[0] }]));
}

/** `Testing.synth` with validations on, parsed. */
export function synthStack(stack: SiteStack): TfJson {
  return JSON.parse(Testing.synth(stack, true));
}

/** Every resource of `type` in a synthesized stack, by logical id. */
export function resourcesOf(tf: TfJson, type: string): Record<string, TfJson> {
  return (tf.resource?.[type] ?? {}) as Record<string, TfJson>;
}

/** A fresh temporary directory, removed by the caller with `removeDir`. */
export function tempDir(prefix = 'gpu-fleet-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface SynthOutput {
  readonly outdir: string;
  readonly stacks: readonly string[];
  readStack(name: string): TfJson;
  readInventory(name: string): Record<string, Record<string, Record<string, string>>>;
}

/** Synthesizes `fleet` the way main.ts does, into a new temporary directory. */
export function synthFleetToTemp(fleet: Fleet): SynthOutput {
  const outdir = path.join(tempDir(), 'cdktf.out');
  const { stacks } = synthesizeFleet(fleet, { outdir });
  const read = (name: string, file: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', name, file), 'utf8'));
  return {
    outdir,
    stacks,
    readStack: (name) => read(name, 'cdk.tf.json'),
    readInventory: (name) => read(name, 'nodes.auto.tfvars.json'),
  };
}
