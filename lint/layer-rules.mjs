/**
 * ESLint flat-config blocks generated from the layer table (lint/layers.mjs):
 * - import-x/no-restricted-paths: one zone per (layer, layer it may not import), so a forbidden import names both;
 * - import-x/no-cycle: no import cycle between any two modules, so none between layers either;
 * - in every layer that runs in the browser: no Node built-ins and no server-only package (the equivalent of
 *   `import 'server-only'`, checked at lint time instead of at bundle time, and for the plain-Node server too).
 */
import path from 'node:path';
import { CONFIG_FILES, LAYERS, SERVER_ONLY_PACKAGES, TEST_FILES } from './layers.mjs';

/** A glob for a plain path too (`lib/logging.ts` → `lib/logging.@(ts)`): the rule wants all-glob zones. */
const isGlob = (p) => /[*?{[]|@\(/.test(p);
const glob = (p) => (isGlob(p) ? p : p.replace(/\.(\w+)$/, '.@($1)'));
const staticPrefix = (g) => g.slice(0, g.search(/[*?{[@]/) === -1 ? g.length : g.search(/[*?{[@]/));

/** Layers whose files sit inside `outer`'s folders and are listed before it (the more specific ones). */
function nestedIn(outer) {
  const at = LAYERS.indexOf(outer);
  return LAYERS.filter((l, i) => i < at && l.files.some((f) => outer.files.some((o) => o.endsWith('**') && f.startsWith(staticPrefix(o)))));
}

function zonesFor(layer, root) {
  const abs = (g) => path.join(root, glob(g));
  const zones = [];
  const target = layer.files.map(abs);
  for (const other of LAYERS) {
    if (other === layer) continue;
    const allowed = layer.mayImport.includes(other.name);
    if (allowed && !other.entries) continue;
    // What of `other` this layer may still reach: its public entries, and layers nested inside it that it may import.
    const except = [
      ...(allowed ? other.entries : []),
      ...nestedIn(other)
        .filter((n) => n === layer || layer.mayImport.includes(n.name))
        .flatMap((n) => n.files),
    ].map(abs);
    const message = allowed
      ? ` ${layer.name} may use ${other.name} only through its entries (${other.entries.join(', ')}): see docs/architecture.md`
      : ` ${layer.name} (${layer.files.join(', ')}) may not import ${other.name}: see docs/architecture.md`;
    for (const from of other.files) zones.push({ target, from: abs(from), ...(except.length ? { except } : {}), message });
  }
  return zones;
}

/** Zones for tests, benchmarks and tools: the lab only through its entries (component tests may render app/). */
function testZones(root) {
  const abs = (g) => path.join(root, glob(g));
  const lab = LAYERS.find((l) => l.name === 'lab');
  const target = [...TEST_FILES, ...CONFIG_FILES].map(abs);
  return [{ target, from: abs('lib/lab/**'), except: lab.entries.map(abs), message: ' tests use the lab only through its entries' }];
}

export function layerConfig(root) {
  const browserFiles = LAYERS.filter((l) => l.runs !== 'server').flatMap((l) => l.files);
  return [
    {
      files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
      ignores: [...TEST_FILES, ...CONFIG_FILES, 'lib/lab/**/*.test.ts'],
      rules: { 'import-x/no-restricted-paths': ['error', { zones: LAYERS.flatMap((l) => zonesFor(l, root)) }] },
    },
    {
      files: [...TEST_FILES, ...CONFIG_FILES],
      ignores: ['lib/lab/**'],
      rules: { 'import-x/no-restricted-paths': ['error', { zones: testZones(root) }] },
    },
    {
      files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
      rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
    },
    {
      files: browserFiles,
      ignores: TEST_FILES,
      rules: {
        'import-x/no-nodejs-modules': 'error',
        'no-restricted-imports': [
          'error',
          {
            paths: SERVER_ONLY_PACKAGES.map((name) => ({ name, message: 'server-only package in a layer that runs in the browser' })),
          },
        ],
      },
    },
  ];
}
