/**
 * Three scoped shortcuts through cdktf's token machinery for a fleet synth, all neutral for the
 * output: `leanSynth(fn)` runs `fn` (building the stacks, or `app.synth()`) with
 *
 * 1. no token creation stack traces. cdktf records a complete stack trace
 *    (Error.stackTraceLimit = MAX_SAFE_INTEGER, formatted at once) for every token it creates:
 *    every Lazy, Intrinsic and ComplexObject, and a provider resource such as
 *    kubernetes_daemon_set_v1 creates hundreds of the latter eagerly, one per nested block. The
 *    traces are only read to decorate the message of a token that fails to resolve. In a synth
 *    of the reference fleet they cost about 0.5 s (more under ts-node, whose source-map-support
 *    maps every frame). This extends `new App({ stackTraces: false })`, which covers construct
 *    metadata only, to tokens. Set GPU_FLEET_TOKEN_STACK_TRACES=1 to keep them when debugging a
 *    resolution error.
 *
 * 2. a fast path for plain data in token resolution. cdktf resolves a stack's JSON three times
 *    (a "preparing" pass over every element, each element's fragment, then the merged whole),
 *    allocating two contexts and running three regular expressions per string, number and key,
 *    whether or not the value holds a token. `fastResolve` walks plain data itself and hands
 *    every value that is, or may encode, a token (a resolvable object, a string with a token
 *    marker, `${` or an encoded number token, a token number, a list or map token, anything
 *    that is not a plain object, array or primitive) to cdktf's own resolve, unchanged. For
 *    plain data cdktf's resolve is a copy that drops `undefined` members and elements, which is
 *    what the fast path does.
 *
 * 3. no "preparing" pass. Before it synthesizes a stack, cdktf converts and resolves every
 *    element once only to find cross-stack references (a token of one stack used in another,
 *    which makes cdktf add an output to the one and a remote state to the other), then throws
 *    the result away; it was a fifth of a fleet's synth. Site stacks never reference each
 *    other (each site is applied on its own), so the pass finds nothing. Should one ever do,
 *    resolving the reference throws an error naming it, instead of writing a reference to a
 *    resource of another stack.
 *
 * Set GPU_FLEET_CDKTF_RESOLVE=1 to use cdktf's resolve, and its preparing pass, throughout.
 *
 * Each patches a function of a cdktf module or class (0.21.0) that its callers look up at call
 * time, and restores it when `fn` returns or throws. test/stacks/lean-synth.test.ts checks that
 * the fast path resolves exactly as cdktf does, on every element of real stacks and on edge
 * cases, and that a synth writes the same files with and without the shortcuts.
 */
import type { IConstruct } from 'constructs';
import { DefaultTokenResolver, IResolveContext, ITokenResolver, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';

type Resolve = (scope: IConstruct, obj: unknown, preparing?: boolean) => unknown;
interface ResolveOptions {
  readonly scope: IConstruct;
  readonly prefix?: string[];
  readonly resolver: ITokenResolver;
  readonly preparing: boolean;
}

/* eslint-disable @typescript-eslint/no-require-imports */
/** The module every cdktf token calls `captureStackTrace` through. */
const stackTraceModule: { captureStackTrace: (below?: unknown) => string[] } = require('cdktf/lib/tokens/private/stack-trace');
/** The module TerraformStack (prepareStack, toTerraform) calls `resolve` through. */
const tokensModule: { resolve: Resolve } = require('cdktf/lib/_tokens');
/** cdktf's resolver itself, which takes the key path of a value inside a bigger one. */
const resolveModule: { resolve: (obj: unknown, options: ResolveOptions) => unknown } = require('cdktf/lib/tokens/private/resolve');
/** Where cdktf's Reference class (a `${resource.attribute}` token) lives; it is not exported. */
const expressionModule: { ref: (identifier: string, stack: TerraformStack) => unknown } = require('cdktf/lib/tfExpression');
/* eslint-enable @typescript-eslint/no-require-imports */

interface ReferenceInstance {
  readonly identifier: string;
  readonly originStack?: TerraformStack;
  readonly crossStackIdentifier: Record<string, string>;
}
type ReferenceResolve = (this: ReferenceInstance, context: IResolveContext) => unknown;
const referencePrototype = Object.getPrototypeOf(expressionModule.ref('x', undefined as unknown as TerraformStack)) as { resolve: ReferenceResolve };
const cdktfReferenceResolve = referencePrototype.resolve;
const cdktfPrepareStack = TerraformStack.prototype.prepareStack;

/** Thrown when a stack uses a token of another stack, which site stacks never do. */
export class CrossStackReferenceError extends Error {
  constructor(identifier: string, from: TerraformStack, to: TerraformStack) {
    super(`${to.node.path}: references ${identifier} of stack ${from.node.path}, got a cross-stack reference, expected site stacks that are independent of each other`);
    this.name = 'CrossStackReferenceError';
  }
}

/** prepareStack without the preparing resolve pass: the backend check only. */
function prepareWithoutResolve(this: TerraformStack): void {
  (this as unknown as { ensureBackendExists(): unknown }).ensureBackendExists();
}

/** cdktf's Reference.resolve, refusing a cross-stack reference (which only the preparing pass would wire up). */
function resolveSameStackReference(this: ReferenceInstance, context: IResolveContext): unknown {
  const origin = this.originStack;
  if (origin && !context.preparing) {
    const here = TerraformStack.of(context.scope);
    if (origin !== here && !this.crossStackIdentifier[here.toString()]) throw new CrossStackReferenceError(this.identifier, origin, here);
  }
  return cdktfReferenceResolve.call(this, context);
}

/** What _tokens.resolve resolves with (a DefaultTokenResolver holds nothing but its concat). */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

const cdktfResolve: Resolve = tokensModule.resolve;
const noTrace = (): string[] => [];

/** Runs `fn` with token stack traces off and the fast resolve path on (see the file comment). */
export function leanSynth<T>(fn: () => T): T {
  const traces = !process.env.GPU_FLEET_TOKEN_STACK_TRACES && stackTraceModule.captureStackTrace !== noTrace;
  const resolve = !process.env.GPU_FLEET_CDKTF_RESOLVE && tokensModule.resolve !== fastResolve;
  const savedTrace = stackTraceModule.captureStackTrace;
  const savedResolve = tokensModule.resolve;
  if (traces) stackTraceModule.captureStackTrace = noTrace;
  if (resolve) {
    tokensModule.resolve = fastResolve;
    TerraformStack.prototype.prepareStack = prepareWithoutResolve;
    referencePrototype.resolve = resolveSameStackReference;
  }
  try {
    return fn();
  } finally {
    if (traces) stackTraceModule.captureStackTrace = savedTrace;
    if (resolve) {
      tokensModule.resolve = savedResolve;
      TerraformStack.prototype.prepareStack = cdktfPrepareStack;
      referencePrototype.resolve = cdktfReferenceResolve;
    }
  }
}

/** Returned by `plain` for a value it leaves to cdktf. */
const DEFER = Symbol('defer to cdktf');

/** What cdktf's resolve(scope, obj, preparing) returns, computed without it for plain data. */
export function fastResolve(scope: IConstruct, obj: unknown, preparing = false): unknown {
  const out = plain(obj, { scope, preparing, keys: [] });
  return out === DEFER ? cdktfResolve(scope, obj, preparing) : out;
}

/** Where `plain` is: `keys` is the key path from the value resolved, pushed and popped on the way. */
interface At {
  readonly scope: IConstruct;
  readonly preparing: boolean;
  readonly keys: Array<string | number>;
}

/** Number tokens, as cdktf finds them in strings (encoding.ts NUMBER_TOKEN_REGEX). */
const NUMBER_IN_STRING = /[-|\d|.+]+(e[-|\d|.|e|E|+]+)/g;
const HAS_NUMBER_IN_STRING = /[-|\d|.+]e[-|\d|.|e|E|+]/;

const STRING_MAP_TOKEN = Token.STRING_MAP_TOKEN_VALUE;
const ANY_MAP_TOKEN = Token.ANY_MAP_TOKEN_VALUE;
const NUMBER_MAP_TOKEN = Token.NUMBER_MAP_TOKEN_VALUE;

/** True when cdktf's resolve could return anything but `s` itself, or throw. */
function stringNeedsCdktf(s: string): boolean {
  return s.includes('${') || stringHoldsToken(s);
}

/** True when `s` holds a token (or is a map token): what cdktf resolves it to depends on more than `s`. */
function stringHoldsToken(s: string): boolean {
  if (s.includes('TfToken[')) return true;
  if (s === STRING_MAP_TOKEN || s === ANY_MAP_TOKEN) return true;
  if (HAS_NUMBER_IN_STRING.test(s)) {
    for (const m of s.matchAll(NUMBER_IN_STRING)) if (numberNeedsCdktf(parseFloat(m[0]))) return true;
  }
  return false;
}

/**
 * What cdktf resolves strings with `${` but no token to (Terraform expressions such as
 * `${each.key}` of a for_each resource, and escapes): it parses them for escapes, which costs,
 * and a fleet has a few of them in every stack. Without a token the result depends on the string
 * alone (and `preparing`, which is part of the key).
 */
const expressionStrings = new Map<string, unknown>();

/** `s`, a string with `${`, resolved: through the memo when it holds no token. */
function resolveExpressionString(s: string, at: At): unknown {
  const memo = !stringHoldsToken(s);
  const key = `${at.preparing ? 'p' : 'r'}${s}`;
  if (memo && expressionStrings.has(key)) return expressionStrings.get(key);
  const r = resolveModule.resolve(s, { scope: at.scope, prefix: at.keys.map(String), resolver: RESOLVER, preparing: at.preparing });
  if (memo) expressionStrings.set(key, r);
  return r;
}

/**
 * Token numbers (and list token numbers) are NaN-boxed doubles whose top 16 bits are 0xfdff
 * (0xfbff): negative, at most -1.9 * 2^960 (about -1.8e289). Anything above that is a number.
 */
const SMALLEST_PLAIN_NUMBER = -1e289;

function numberNeedsCdktf(n: number): boolean {
  if (n > SMALLEST_PLAIN_NUMBER && n !== NUMBER_MAP_TOKEN) return false;
  return n === NUMBER_MAP_TOKEN || Token.isUnresolved(n) || Token.isUnresolved([n]) || Number.isNaN(n);
}

/**
 * A copy of `value` as cdktf's resolve would return it. Values cdktf would treat specially are
 * resolved by cdktf itself, with their key path (so that its errors name the same place), as a
 * whole (a list or map token is its enclosing array or object); DEFER when that is `value`.
 */
function plain(value: unknown, at: At): unknown {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return value;
    case 'string':
      return stringNeedsCdktf(value) ? DEFER : value;
    case 'number':
      return numberNeedsCdktf(value) ? DEFER : value;
    case 'object':
      break;
    default:
      return DEFER; // functions (cdktf throws), bigints, symbols
  }
  if (value === null) return null;
  // cdktf stops a cycle (or too deep a structure) past 200 levels: let it.
  if (at.keys.length >= 200) return DEFER;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return DEFER;
    // A list token is an array holding an encoded element: cdktf resolves the array as a whole.
    for (const x of value) if ((typeof x === 'string' && x.includes('TfToken[')) || (typeof x === 'number' && numberNeedsCdktf(x))) return DEFER;
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const r = member(value[i], i, at);
      if (r !== undefined) out.push(r);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return DEFER; // tokens, constructs, dates, class instances
  const record = value as Record<string, unknown>;
  if (Tokenization.isResolvable(record) || (record._children !== undefined && record._metadata !== undefined)) return DEFER;
  // Keys are resolved too, and a map token is a key: cdktf resolves such an object as a whole.
  const keys = Object.keys(record);
  for (const k of keys) if (stringNeedsCdktf(k)) return DEFER;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const r = member(record[k], k, at);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

/** `plain` of a member at `key`, or cdktf's resolve of it, with its key path, when it defers. */
function member(value: unknown, key: string | number, at: At): unknown {
  // Plain strings first, without touching the key path: most members are.
  if (typeof value === 'string' && !stringNeedsCdktf(value)) return value;
  // No try/finally: when cdktf's resolve throws, the whole resolve fails, and `at` with it.
  at.keys.push(key);
  let r = plain(value, at);
  if (r === DEFER) {
    r =
      typeof value === 'string' && value.includes('${')
        ? resolveExpressionString(value, at)
        : resolveModule.resolve(value, { scope: at.scope, prefix: at.keys.map(String), resolver: RESOLVER, preparing: at.preparing });
  }
  at.keys.pop();
  return r;
}
