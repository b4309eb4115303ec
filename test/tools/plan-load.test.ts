import * as fs from 'fs';
import * as path from 'path';
import { PlanError } from '../../tools/plan/errors';
import { loadSynthOutput } from '../../tools/plan/load';
import { cleanTempDirs, siteStack, tempDir, writeSynth } from './plan-fixtures';

afterAll(cleanTempDirs);

function failure(fn: () => unknown): PlanError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanError) return e;
    throw e;
  }
  throw new Error('expected a PlanError');
}

describe('loading a synth output', () => {
  it('reads every stack of manifest.json with the variables of its tfvars files', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack(), 'yiwu-dc02': siteStack({ site: 'yiwu-dc02' }) });
    const out = loadSynthOutput(dir, '--base');
    expect([...out.stacks.keys()]).toEqual(['yiwu-dc01', 'yiwu-dc02']);
    const s = out.stacks.get('yiwu-dc01')!;
    expect(Object.keys(s.tfvars.nodes_h100_train as object)).toEqual(['gpu-001', 'gpu-002', 'gpu-003']);
    expect(s.doc.provider).toEqual({ kubernetes: [{ config_path: '~/.kube/config', config_context: 'yiwu-dc01' }] });
  });

  it('loads tfvars files in terraform order, later files winning', () => {
    const dir = writeSynth({
      s: {
        doc: { variable: { a: {}, b: {}, c: {} } },
        files: {
          'terraform.tfvars.json': { a: 'tfvars', b: 'tfvars', c: 'tfvars' },
          'a.auto.tfvars.json': { b: 'a.auto', c: 'a.auto' },
          'b.auto.tfvars.json': { c: 'b.auto' },
          'ignored.json': { a: 'not a tfvars file' },
        },
      },
    });
    expect(loadSynthOutput(dir, '--head').stacks.get('s')!.tfvars).toEqual({ a: 'tfvars', b: 'a.auto', c: 'b.auto' });
  });

  it('warns about HCL tfvars files, which it cannot read', () => {
    const dir = writeSynth({ s: { doc: {} } });
    fs.writeFileSync(path.join(dir, 'stacks', 's', 'terraform.tfvars'), 'a = 1\n');
    expect(loadSynthOutput(dir, '--head').stacks.get('s')!.warnings).toEqual([expect.stringContaining('terraform.tfvars is HCL and is not read')]);
  });

  it('finds stacks under stacks/ when there is no manifest.json', () => {
    const dir = writeSynth({ b: { doc: {} }, a: { doc: {} } });
    fs.rmSync(path.join(dir, 'manifest.json'));
    expect([...loadSynthOutput(dir, '--base').stacks.keys()].sort()).toEqual(['a', 'b']);
  });

  it('fails when the directory does not exist', () => {
    const e = failure(() => loadSynthOutput('/nonexistent/cdktf.out', '--base'));
    expect(e.message).toBe('--base: /nonexistent/cdktf.out does not exist');
  });

  it('fails when the directory is not a synth output', () => {
    const dir = tempDir();
    expect(failure(() => loadSynthOutput(dir, '--base')).message).toMatch(/is not a cdktf synth output \(it has neither manifest.json nor stacks\/\)/);
  });

  it('fails when a cdk.tf.json is not valid JSON', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack() });
    fs.writeFileSync(path.join(dir, 'stacks', 'yiwu-dc01', 'cdk.tf.json'), '{"resource": {');
    const e = failure(() => loadSynthOutput(dir, '--head'));
    expect(e.message).toMatch(/^--head: stack "yiwu-dc01": .*cdk\.tf\.json is not valid JSON \(/);
  });

  it('fails when a cdk.tf.json cannot be read', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack() });
    const file = path.join(dir, 'stacks', 'yiwu-dc01', 'cdk.tf.json');
    fs.rmSync(file);
    fs.mkdirSync(file);
    expect(failure(() => loadSynthOutput(dir, '--head')).message).toBe(`--head: stack "yiwu-dc01": cannot read ${file}: it is a directory, not a file`);
  });

  it('fails when a cdk.tf.json listed in the manifest is missing', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack() });
    const file = path.join(dir, 'stacks', 'yiwu-dc01', 'cdk.tf.json');
    fs.rmSync(file);
    expect(failure(() => loadSynthOutput(dir, '--head')).message).toBe(`--head: stack "yiwu-dc01": ${file} does not exist`);
  });

  it('fails when a cdk.tf.json does not hold an object', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack() });
    fs.writeFileSync(path.join(dir, 'stacks', 'yiwu-dc01', 'cdk.tf.json'), '[1, 2]');
    expect(failure(() => loadSynthOutput(dir, '--head')).message).toMatch(/does not hold a JSON object$/);
  });

  it('fails when the manifest is malformed', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack() });
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"version": "0.21.0"}');
    expect(failure(() => loadSynthOutput(dir, '--base')).message).toMatch(/manifest\.json has no "stacks" object/);
  });

  it('fails when a tfvars file is malformed', () => {
    const dir = writeSynth({ 'yiwu-dc01': siteStack() });
    fs.writeFileSync(path.join(dir, 'stacks', 'yiwu-dc01', 'nodes.auto.tfvars.json'), '{"nodes_h100_train": ');
    expect(failure(() => loadSynthOutput(dir, '--base')).message).toMatch(/nodes\.auto\.tfvars\.json is not valid JSON/);
  });
});
