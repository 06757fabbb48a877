// #14: the dispatcher, the system methods, the cross-site policy and Basic auth are portable (no
// `node:` module, no Buffer), and the system methods register on a registry interface (#14.7).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCall, decodeMessage, XmlRpcDispatcher } from 'xmlrpc-ts';
import { registerSystemMethods } from '../../dist/server/system.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The fetch handler and the HTTP rules it shares with the node face are portable too.
const PORTABLE_ENTRIES = ['server/dispatcher.js', 'server/policy.js', 'server/auth.js', 'server/http-rules.js', 'server/fetch.js'];

/** Every dist file reachable from `entry` through relative imports, with what it uses of Node. */
function importGraph(entry) {
  const seen = new Map();
  const visit = (file) => {
    if (seen.has(file)) return;
    // Comments may name Buffer; code may not.
    const source = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const nodeUses = [...source.matchAll(/from ['"](node:[^'"]+)['"]|import\(['"](node:[^'"]+)['"]\)|\bBuffer\b/g)].map((m) => m[1] ?? m[2] ?? 'Buffer');
    seen.set(file, nodeUses);
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) visit(resolve(dirname(file), spec));
    // Package imports (`#native-base64`…) as every runtime but Node resolves them: the `default` target.
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*['"](#[^'"]+)['"]/g)) visit(join(root, PACKAGE.imports[spec].default));
  };
  visit(join(dist, entry));
  return seen;
}

describe('the portable server modules use no node: module and no Buffer', () => {
  const graphs = PORTABLE_ENTRIES.map((entry) => [entry, importGraph(entry)]);
  test('the server and core files they load', () => {
    for (const [entry, graph] of graphs) {
      for (const [file, uses] of graph) {
        const name = relative(dist, file);
        if (name.startsWith('codec/')) continue;
        assert.deepEqual(uses, [], `${name} (loaded by ${entry}) uses ${uses.join(', ')}`);
      }
    }
  });
  const codecUses = graphs.flatMap(([, graph]) => [...graph].filter(([file, uses]) => relative(dist, file).startsWith('codec/') && uses.length > 0));
  test('the codec files they load', () => {
    assert.deepEqual(codecUses.map(([file, uses]) => `${relative(dist, file)}: ${uses.join(', ')}`), []);
  });
});

describe('the system methods register on a registry interface, not on the dispatcher (#14.7)', () => {
  test('they work on a registry that is a plain object', async () => {
    const methods = new Map();
    const registry = {
      maxCalls: 10,
      parallel: false,
      allowNil: true,
      addMethod: (name, handler, options = {}) => methods.set(name, { name, handler, signatures: undefined, help: options.help ?? '' }),
      hasMethod: (name) => methods.has(name),
      listMethods: () => [...methods.keys()].sort(),
      methodInfo: (name) => methods.get(name),
      callSub: async () => 0,
      encodeSlot: () => 'unused',
    };
    registerSystemMethods(registry, { multicall: false });
    assert.deepEqual(registry.listMethods(), ['system.getCapabilities', 'system.listMethods', 'system.methodHelp', 'system.methodSignature']);
    assert.deepEqual(methods.get('system.listMethods').handler(), registry.listMethods());
    assert.match(methods.get('system.methodHelp').handler('system.listMethods'), /names of the methods/);
  });
  test('system.ts does not import the dispatcher', () => {
    const source = readFileSync(join(dist, 'server/system.js'), 'utf8');
    assert.doesNotMatch(source, /dispatcher\.js/);
  });
});

describe('the call context reaches handlers without AsyncLocalStorage', () => {
  test('a function handler gets it as `this`', async () => {
    const d = new XmlRpcDispatcher();
    d.addMethod('who', async function () {
      await null;
      return [this.methodName, this.user, this.path];
    });
    const xml = await d.dispatch(encodeCall('who', []), { user: 'alice', path: '/RPC2' });
    assert.deepEqual(decodeMessage(xml), { kind: 'response', value: ['who', 'alice', '/RPC2'] });
  });
});
