/**
 * Test helper: synthesizes constructs inside a real TerraformStack with a Kubernetes
 * provider (validations on) and returns the parsed Terraform JSON.
 */
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';

/** Synthesized Terraform JSON: untyped by nature. */
export type Json = Record<string, any>;

/** A fresh stack with a Kubernetes provider. */
export function kubernetesStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'site');
  new KubernetesProvider(stack, 'kubernetes', { configPath: '~/.kube/config' });
  return stack;
}

/** Builds `add(stack)` in a fresh stack and returns the synthesized Terraform JSON. */
export function synthesize(add: (scope: Construct) => void): Json {
  const stack = kubernetesStack();
  add(stack);
  return JSON.parse(Testing.synth(stack, true)) as Json;
}

/** Every resource of `type` in the synthesized JSON, by logical id. */
export function resourcesOf(out: Json, type: string): Json[] {
  return Object.values((out.resource?.[type] ?? {}) as Record<string, Json>);
}

/** The only resource of `type`; fails the test when there is not exactly one. */
export function onlyResource(out: Json, type: string): Json {
  const found = resourcesOf(out, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** An env list as a name -> value map (valueFrom entries map to their field path). */
export function envMap(env: Json[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) out[e.name] = e.value ?? `fieldRef:${e.value_from?.field_ref?.field_path}`;
  return out;
}

/** The container (or init container) of a pod spec by name. */
export function container(podSpec: Json, name: string): Json {
  const all = [...(podSpec.init_container ?? []), ...(podSpec.container ?? [])] as Json[];
  const found = all.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${all.map((c) => c.name).join(', ')}`);
  return found;
}

/** A container's volume mounts as name -> mount path. */
export function mounts(c: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (c.volume_mount ?? []) as Json[]) out[m.name] = m.mount_path;
  return out;
}
