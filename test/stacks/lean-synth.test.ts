/**
 * leanSynth's fast resolve path must resolve exactly as cdktf does: on every element of real
 * site stacks (both fleets this repository defines) and on values that hold tokens of every kind.
 */
import { App, DefaultTokenResolver, Fn, Lazy, StringConcat, TerraformElement, TerraformIterator, TerraformStack, TerraformVariable, Token, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { loadFleet } from '../../fleets';
import { addSiteStacks } from '../../stacks/fleet-app';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformOutput } from 'cdktf';
import { synthesizeFleet } from '../../stacks/fleet-app';
import { CrossStackReferenceError, fastResolve, leanSynth } from '../../stacks/lean-synth';

const RESOLVER = new DefaultTokenResolver(new StringConcat());

function cdktfResolve(scope: IConstruct, obj: unknown, preparing = false): unknown {
  return Tokenization.resolve(obj, { scope, preparing, resolver: RESOLVER });
}

function elementsOf(c: IConstruct): TerraformElement[] {
  return c.node.findAll().filter((x): x is TerraformElement => TerraformElement.isTerraformElement(x));
}

/** The same outcome: an equal value, or the same error message. */
function outcome(f: () => unknown): { value?: string; error?: string } {
  try {
    return { value: JSON.stringify(f()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('fastResolve', () => {
  it.each(['example', 'reference'])('resolves every element of the %s fleet as cdktf does, preparing or not', (name) => {
    const app = new App({ outdir: '/nonexistent', stackTraces: false });
    const stacks = addSiteStacks(app, loadFleet(name));
    let elements = 0;
    for (const stack of stacks.slice(0, 6)) {
      for (const e of elementsOf(stack)) {
        for (const preparing of [true, false]) {
          expect(fastResolve(stack, e.toTerraform(), preparing)).toEqual(cdktfResolve(stack, e.toTerraform(), preparing));
        }
        elements++;
      }
      // The merged stack, as TerraformStack.toTerraform resolves it.
      expect(leanSynth(() => stack.toTerraform())).toEqual(stack.toTerraform());
    }
    expect(elements).toBeGreaterThan(30);
  });

  describe('on values with tokens', () => {
    const stack = new TerraformStack(new App({ outdir: '/nonexistent' }), 'edge');
    const variable = new TerraformVariable(stack, 'nodes', { type: 'map(map(string))' });
    const each = TerraformIterator.fromMap(variable.value);
    const lazyString = Lazy.stringValue({ produce: () => 'lazy' });
    const lazyNumber = Lazy.numberValue({ produce: () => 42 });
    const lazyList = Lazy.listValue({ produce: () => ['a', 'b'] });
    const cases: Record<string, unknown> = {
      'plain data': { a: 'x', b: 1, c: true, d: null, e: [1, 'two', { f: [] }], g: {} },
      'undefined members and elements': { a: undefined, b: [1, undefined, 2], c: { d: undefined } },
      'a string token': { a: lazyString, b: `prefix-${lazyString}-suffix` },
      'a number token': { a: lazyNumber, b: `n=${Token.asString(lazyNumber)}`, c: [lazyNumber] },
      'a list token': { a: lazyList, b: [Fn.join(',', lazyList)] },
      'a map token': { a: Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: 'v' }) })) },
      'a token as a key': { [`${lazyString}`]: 'value' },
      'iterator tokens': { for_each: each, key: each.key, value: each.value, nested: { name: each.key } },
      'a variable reference': { a: variable.value, b: [variable.stringValue] },
      'escapes and template markers': { a: '${var.x}', b: '$${x}', c: 'a}b', d: '%{ if x }y%{ endif }', e: '{}' },
      'numbers in strings': { a: '3e4', b: 'x-1.5e+10y', c: 'sha-9e289ab', d: '1.8e+289', e: '-1.88815458970875e+289' },
      'special numbers': { a: NaN, b: Infinity, c: -Infinity, d: -0, e: Number.MAX_VALUE, f: -Number.MAX_VALUE, g: Token.NUMBER_MAP_TOKEN_VALUE },
      'special strings': { a: Token.STRING_MAP_TOKEN_VALUE, b: Token.ANY_MAP_TOKEN_VALUE },
      'a date and a class instance': { a: new Date(0), b: new (class Thing { public x = 1; })() },
      'a function': { a: () => 1 },
      'a construct': { a: stack },
    };
    it.each(Object.keys(cases))('%s', (name) => {
      for (const preparing of [true, false]) {
        expect(outcome(() => fastResolve(stack, cases[name], preparing))).toEqual(outcome(() => cdktfResolve(stack, cases[name], preparing)));
      }
    });

    it('a cycle', () => {
      const cyclic: Record<string, unknown> = { a: 1 };
      cyclic.self = cyclic;
      expect(outcome(() => fastResolve(stack, cyclic))).toEqual(outcome(() => cdktfResolve(stack, cyclic)));
      expect(outcome(() => fastResolve(stack, cyclic)).error).toMatch(/circular/i);
    });
  });
});

describe('leanSynth', () => {
  it('restores cdktf after the call, also when it throws', () => {
    const stackTrace = require('cdktf/lib/tokens/private/stack-trace');
    const tokens = require('cdktf/lib/_tokens');
    const patched = () => [stackTrace.captureStackTrace, tokens.resolve, TerraformStack.prototype.prepareStack];
    const before = patched();
    let inside: unknown[] = [];
    expect(() =>
      leanSynth(() => {
        inside = patched();
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(inside[0]).not.toBe(before[0]);
    expect(inside[1]).toBe(fastResolve);
    expect(inside[2]).not.toBe(before[2]);
    expect(patched()).toEqual(before);
  });

  it('writes the same files as cdktf with its own resolve and preparing pass', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lean-synth-'));
    const filesOf = (dir: string): Record<string, string> => {
      const out: Record<string, string> = {};
      const walk = (rel: string): void => {
        for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
          const p = path.join(rel, e.name);
          if (e.isDirectory()) walk(p);
          else out[p] = fs.readFileSync(path.join(dir, p), 'utf8');
        }
      };
      walk('');
      return out;
    };
    const saved = process.env.GPU_FLEET_CDKTF_RESOLVE;
    try {
      synthesizeFleet(loadFleet('example'), { outdir: path.join(work, 'lean') });
      process.env.GPU_FLEET_CDKTF_RESOLVE = '1';
      synthesizeFleet(loadFleet('example'), { outdir: path.join(work, 'cdktf') });
      const lean = filesOf(path.join(work, 'lean'));
      expect(Object.keys(lean).filter((f) => f.endsWith('cdk.tf.json'))).toHaveLength(3);
      expect(lean).toEqual(filesOf(path.join(work, 'cdktf')));
    } finally {
      if (saved === undefined) delete process.env.GPU_FLEET_CDKTF_RESOLVE;
      else process.env.GPU_FLEET_CDKTF_RESOLVE = saved;
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('fails when a stack references a resource of another stack, naming both', () => {
    const build = () => {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'lean-synth-')), stackTraces: false, skipValidation: true });
      const one = new TerraformStack(app, 'site-one');
      const two = new TerraformStack(app, 'site-two');
      const variable = new TerraformVariable(one, 'nodes', { type: 'string' });
      new TerraformOutput(two, 'borrowed', { value: variable.stringValue });
      return app;
    };
    const app = build();
    try {
      expect(() => leanSynth(() => app.synth())).toThrow(CrossStackReferenceError);
      expect(() => leanSynth(() => build().synth())).toThrow('site-two: references var.nodes of stack site-one, got a cross-stack reference');
      // cdktf itself wires such a reference up in its preparing pass: the patch is gone afterwards.
      const plain = build();
      expect(() => plain.synth()).not.toThrow();
      expect(plain.manifest.stacks['site-two'].dependencies).toEqual(['site-one']);
    } finally {
      fs.rmSync(app.outdir, { recursive: true, force: true });
    }
  });

  it('leaves token creation stack traces off inside only', () => {
    expect(Lazy.stringValue({ produce: () => 'x' }) && (Tokenization.reverseString(Lazy.stringValue({ produce: () => 'x' })).tokens[0] as any).creationStack.length).toBeGreaterThan(0);
    const inside = leanSynth(() => Tokenization.reverseString(Lazy.stringValue({ produce: () => 'x' })).tokens[0] as any);
    expect(inside.creationStack).toEqual([]);
  });
});
