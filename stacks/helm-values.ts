/**
 * Helm values the cluster's charts need from the fleet, written beside the stack's Terraform
 * JSON (`cdktf.out/stacks/<site>/<name>`), the way NodeInventory writes its tfvars: charts the
 * stack cannot install itself (the GPU Operator, whose ClusterPolicy CRD must exist before
 * `kubernetes_manifest` can plan one; the DRA driver, whose ComputeDomain CRD likewise) still
 * get the tolerations, node selection and mirror the fleet knows. README "Bring up a site"
 * gives the `helm` commands that read them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack } from 'cdktf';
import { addCustomSynthesis } from 'cdktf/lib/synthesize/synthesizer';
import { Construct } from 'constructs';
import { stringify } from 'yaml';

/** File names of the values the stacks write. */
export const HELM_VALUES_FILES = {
  gpuOperator: 'gpu-operator-values.yaml',
  draDriver: 'dra-driver-values.yaml',
} as const;

export interface HelmValuesProps {
  /** File name in the stack's output directory. */
  readonly fileName: string;
  /** A comment on top of the file: what chart and command it is for. */
  readonly header: string;
  readonly values: Record<string, unknown>;
}

export class HelmValues extends Construct {
  public readonly fileName: string;
  public readonly values: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: HelmValuesProps) {
    super(scope, id);
    this.fileName = props.fileName;
    this.values = props.values;
    addCustomSynthesis(this, {
      onSynthesize: (session) => {
        const stack = session.manifest.forStack(TerraformStack.of(this));
        fs.writeFileSync(path.join(session.outdir, stack.workingDirectory, props.fileName), this.toYaml(props.header));
      },
    });
  }

  /** The file's exact contents. */
  public toYaml(header: string): string {
    const comment = header
      .split('\n')
      .map((l) => `# ${l}`.trimEnd())
      .join('\n');
    // Sites mostly share their values; YAML rendering costs about a millisecond a file, JSON a microsecond.
    const key = JSON.stringify(this.values);
    let body = rendered.get(key);
    if (body === undefined) {
      body = stringify(this.values, { lineWidth: 0 });
      rendered.set(key, body);
    }
    return `${comment}\n${body}`;
  }
}

const rendered = new Map<string, string>();
