/**
 * The layer rules bite: what `npm run check` (eslint .) reports for a forbidden import, a cycle between two layers
 * and server code in a browser layer, and that the layer table itself is sound (acyclic, every file classified,
 * written down in docs/architecture.md).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerConfig } from '../../lint/layer-rules.mjs';
import { LAYERS, TEST_FILES } from '../../lint/layers.mjs';

const ROOT = join(import.meta.dirname, '../..');
const repoLint = new ESLint({ cwd: ROOT });

/** Lints `code` as if it were the file at `path` in the repository, with the repository's own configuration. */
async function lintAs(path: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await repoLint.lintText(code, { filePath: join(ROOT, path) });
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const rules = (ms: { rule: string | null }[]) => [...new Set(ms.map((m) => m.rule))].sort();

describe('the layer rules in npm run check', () => {
  it('fail on an import a layer may not make, naming both layers', async () => {
    const ms = await lintAs('lib/k8s/probe.ts', "import { startRuntime } from '../live/server/runtime';\nexport const r = startRuntime;\n");
    expect(rules(ms)).toEqual(['import-x/no-restricted-paths']);
    expect(ms[0]!.message).toContain('adapters');
    expect(ms[0]!.message).toContain('may not import live-server');
  });

  it('let the core read the wire models of an adapter but not its client', async () => {
    expect(await lintAs('lib/topology/probe.ts', "import { splitDn } from '../aci/models/dn';\nexport const s = splitDn;\n")).toEqual([]);
    expect(
      rules(await lintAs('lib/topology/probe.ts', "import { ApicClient } from '../aci/client';\nexport const c = ApicClient;\n")),
    ).toEqual(['import-x/no-restricted-paths']);
  });

  it('fail on a lab import that bypasses its public entries, and pass through them', async () => {
    const inner = await lintAs(
      'lib/live/server/probe.ts',
      "import { createWorld } from '../../lab/model/world';\nexport const w = createWorld;\n",
    );
    expect(rules(inner)).toEqual(['import-x/no-restricted-paths']);
    expect(inner[0]!.message).toContain('only through its entries');
    expect(await lintAs('lib/live/server/probe.ts', "import { startLab } from '../../lab';\nexport const s = startLab;\n")).toEqual([]);
    expect(
      rules(
        await lintAs(
          'tests/unit/probe.test.ts',
          "import { createWorld } from '../../lib/lab/model/world';\nexport const w = createWorld;\n",
        ),
      ),
    ).toEqual(['import-x/no-restricted-paths']);
  });

  it('keep Node built-ins, server packages and server modules out of browser layers', async () => {
    expect(rules(await lintAs('app/probe.tsx', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"))).toEqual([
      'import-x/no-nodejs-modules',
    ]);
    expect(rules(await lintAs('lib/view/probe.ts', "import { WebSocketServer } from 'ws';\nexport const w = WebSocketServer;\n"))).toEqual([
      'no-restricted-imports',
    ]);
    expect(rules(await lintAs('app/probe.tsx', "import { LiveHub } from '../lib/live/server/hub';\nexport const h = LiveHub;\n"))).toEqual([
      'import-x/no-restricted-paths',
    ]);
    expect(
      await lintAs('app/probe.tsx', "import { GraphClient } from '../lib/live/client/graph-client';\nexport const g = GraphClient;\n"),
    ).toEqual([]);
  });

  it('fail on an import cycle in the tree itself (lib/aci/models/attributes.ts imports lib/net/ip.ts)', async () => {
    const ms = await lintAs('lib/net/ip.ts', "import { normaliseIp } from '../aci/models/attributes';\nexport const n = normaliseIp;\n");
    expect(rules(ms)).toEqual(['import-x/no-cycle', 'import-x/no-restricted-paths']);
  });

  it('fail on a cycle between two layers (tests/fixtures/layers: lib/k8s and lib/live/server import each other)', async () => {
    const fixture = join(ROOT, 'tests/fixtures/layers');
    const lint = new ESLint({
      cwd: fixture,
      overrideConfigFile: true,
      overrideConfig: [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
        {
          plugins: { 'import-x': importX },
          settings: {
            'import-x/extensions': ['.ts'],
            'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
            'import-x/resolver-next': [createTypeScriptImportResolver()],
          },
        },
        ...layerConfig(fixture),
      ],
    });
    const results = await lint.lintFiles(['lib/**/*.ts']);
    const found = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(fixture.length + 1)} ${m.ruleId}`)).sort();
    expect(found).toEqual([
      'lib/k8s/cluster-source.ts import-x/no-cycle',
      'lib/k8s/cluster-source.ts import-x/no-restricted-paths',
      'lib/live/server/source-status.ts import-x/no-cycle',
    ]);
  });
});

describe('the layer table', () => {
  const byName = new Map(LAYERS.map((l) => [l.name, l]));

  it('names only layers that exist, and its may-import graph has no cycle (so layers cannot import each other round)', () => {
    for (const l of LAYERS) for (const m of l.mayImport) expect(byName.has(m), `${l.name} → ${m}`).toBe(true);
    const state = new Map<string, 'open' | 'done'>();
    const visit = (name: string, path: string[]): void => {
      if (state.get(name) === 'done') return;
      expect(state.get(name), `cycle ${[...path, name].join(' → ')}`).not.toBe('open');
      state.set(name, 'open');
      for (const m of byName.get(name)!.mayImport) visit(m, [...path, name]);
      state.set(name, 'done');
    };
    for (const l of LAYERS) visit(l.name, []);
  });

  it('puts every source file of the repository in a layer (tests and tools apart)', () => {
    const notALayer = /^(tests|bench|lint|scripts)\/|\/test-support\/|\.test\.tsx?$|^[^/]+\.config\.(ts|mjs)$|^next-env\.d\.ts$/;
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((f) => f && !notALayer.test(f));
    // The globs of the table use only `*` (within a folder) and a trailing `/**` (everything below).
    const matches = (glob: string, f: string) =>
      new RegExp(
        `^${glob
          .replace(/\./g, '\\.')
          .replace(/\/\*\*$/, '/<all>')
          .replace(/\*/g, '[^/]*')
          .replace('<all>', '.+')}$`,
      ).test(f);
    const unclassified = files.filter((f) => !LAYERS.some((l) => l.files.some((g) => matches(g, f))));
    expect(unclassified).toEqual([]);
    expect(TEST_FILES).toContain('tests/**');
  });

  it('lets a nested layer import no more than the folder around it', () => {
    const wire = byName.get('wire')!;
    const adapters = byName.get('adapters')!;
    for (const m of wire.mayImport) expect([...adapters.mayImport, 'adapters']).toContain(m);
  });

  it('is written down in docs/architecture.md, layer by layer', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    for (const l of LAYERS) expect(doc, l.name).toContain(`\`${l.name}\``);
  });
});

describe('one of each', () => {
  const sources = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.tsx', '*.mjs'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f && !f.startsWith('tests/fixtures/'));
  const definitions = (name: string) =>
    sources.filter((f) => new RegExp(`(function|const|let|class)\\s+${name}\\b`).test(readFileSync(join(ROOT, f), 'utf8')));

  it.each([
    ['parseCidr', 'lib/net/ip.ts'],
    ['splitDn', 'lib/aci/models/dn.ts'],
    ['detectClusterAsn', 'lib/topology/correlate/asn.ts'],
    ['parseAsn', 'lib/topology/correlate/asn.ts'],
    ['compareStrings', 'lib/shared/compare.ts'],
    ['readBody', 'lib/node/http-body.ts'],
    ['parsePort', 'lib/node/cli-port.ts'],
    ['download', 'app/_components/download.ts'],
    ['waitFor', 'tests/support/wait.ts'],
  ])('%s is defined once, in %s', (name, where) => {
    expect(definitions(name)).toEqual([where]);
  });
});
