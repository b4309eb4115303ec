/**
 * The node inventory of a stack: for each pool, a Terraform variable `nodes_<pool>` of type
 * map(map(string)) (node name -> labels), whose value is written to
 * `<stack dir>/nodes.auto.tfvars.json`, which Terraform loads by itself.
 *
 * Node data is the bulk of a fleet's output; written as plain JSON it skips cdktf's token
 * resolution entirely, and the stack's resources stay a handful of `for_each` blocks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { MapTerraformIterator, TerraformIterator, TerraformStack, TerraformVariable } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import type { NodePool } from '../constructs/node-pool';

export const INVENTORY_FILE = 'nodes.auto.tfvars.json';

export class NodeInventory extends Construct {
  private readonly values: Record<string, Record<string, Record<string, string>>> = {};

  constructor(scope: Construct, id: string) {
    super(scope, id);
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stack = session.manifest.forStack(TerraformStack.of(this));
        const file = path.join(session.outdir, stack.workingDirectory, INVENTORY_FILE);
        fs.writeFileSync(file, this.toJson());
      },
    });
  }

  /**
   * Declares the variable `name` holding `nodes` (node name -> labels) and returns it.
   * Entries are written sorted by node name.
   */
  public addNodes(name: string, description: string, nodes: Record<string, Record<string, string>>): TerraformVariable {
    if (this.values[name]) throw new Error(`${this.node.path}: inventory variable ${name} is declared twice`);
    this.values[name] = sortedByKey(nodes);
    const variable = new TerraformVariable(this, name, { type: 'map(map(string))', description, nullable: false });
    variable.overrideLogicalId(name);
    return variable;
  }

  /**
   * Declares the variable `<prefix>_<pool id with '-' as '_'>` holding `nodes` of `pool`, and
   * returns its name with a `for_each` iterator over it.
   */
  public forEachPoolNode(prefix: string, pool: NodePool, description: string, nodes: Record<string, Record<string, string>>): { variableName: string; each: MapTerraformIterator } {
    const variableName = `${prefix}_${pool.node.id.replace(/-/g, '_')}`;
    const variable = this.addNodes(variableName, description, nodes);
    return { variableName, each: TerraformIterator.fromMap(variable.value) };
  }

  /** Variable values as written to the tfvars file (keys sorted). */
  public get variables(): Readonly<Record<string, Record<string, Record<string, string>>>> {
    return this.values;
  }

  /** The tfvars file's exact contents. */
  public toJson(): string {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(this.values).sort()) out[k] = this.values[k];
    return `${JSON.stringify(out, null, 2)}\n`;
  }
}

/** `o` with its keys in sorted order: `o` itself when they already are (a pool's node names usually are). */
function sortedByKey<T>(o: Record<string, T>): Record<string, T> {
  const keys = Object.keys(o);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  if (sorted) return o;
  const out: Record<string, T> = {};
  for (const k of keys.sort()) out[k] = o[k];
  return out;
}
