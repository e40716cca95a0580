#!/usr/bin/env node
/**
 * Compiles the server (server.ts) and the CLI (lib/cli/main.ts) ahead of time into dist/, so the image runs
 * plain `node dist/server.mjs` with no TypeScript compiler at start (`npm run build:server`).
 *
 * One ES module per entry point with our code bundled and every npm package left external (resolved from
 * node_modules at run time, as with tsx). Modules that locate files next to themselves (the lab's scenarios,
 * deploy/ for `akb plan`, Next's project directory) use import.meta.url / import.meta.dirname: in a bundle those
 * would name dist/, so each module's own import.meta is rewritten to the URL of its source file, taken relative
 * to the bundle's location. The bundle is therefore only valid inside the tree it was built from (dist/ beside
 * lib/, deploy/, .next/), which is how the Dockerfile lays the image out.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'dist');

/** Rewrites import.meta.url and import.meta.dirname of each bundled source to that source's own location. */
const sourceLocation = {
  name: 'akb-source-location',
  setup(b) {
    b.onLoad({ filter: /\.(ts|tsx|mts|js|mjs)$/ }, async (args) => {
      if (args.path.includes(`${join('node_modules', '')}`)) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      const rel = JSON.stringify(relative(OUT, args.path).split('\\').join('/'));
      const url = `new URL(${rel}, import.meta.url).href`;
      const contents = text.replace(/\bimport\.meta\.(url|dirname)\b/g, (_, key) => (key === 'url' ? url : `__akbDirname(${url})`));
      return { contents, loader: args.path.endsWith('x') ? 'tsx' : args.path.match(/\.m?js$/) ? 'js' : 'ts' };
    });
  },
};

const banner = [
  "import { dirname as __akbPathDirname } from 'node:path';",
  "import { fileURLToPath as __akbFileURLToPath } from 'node:url';",
  'const __akbDirname = (url) => __akbPathDirname(__akbFileURLToPath(url));',
].join('\n');

const common = {
  absWorkingDir: ROOT,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  // The oldest Node akb supports (package.json engines); the image runs a newer LTS.
  target: 'node20.19',
  sourcemap: 'linked',
  legalComments: 'none',
  banner: { js: banner },
  plugins: [sourceLocation],
  logLevel: 'warning',
};

const started = Date.now();
await Promise.all([
  build({ ...common, entryPoints: ['server.ts'], outfile: join(OUT, 'server.mjs') }),
  // The `akb` command as bin/akb.mjs runs it, without tsx: `node dist/akb.mjs plan ...` inside the image.
  build({
    ...common,
    stdin: {
      contents: "import { main } from './lib/cli/main';\nprocess.exitCode = await main(process.argv);\n",
      resolveDir: ROOT,
      sourcefile: 'akb-cli.ts',
      loader: 'ts',
    },
    outfile: join(OUT, 'akb.mjs'),
  }),
  // The live service's ECMP analysis thread (lib/live/server/ecmp-worker-client.ts starts it from here).
  build({ ...common, entryPoints: ['lib/live/server/ecmp-worker.ts'], outfile: join(OUT, 'ecmp-worker.mjs') }),
]);
console.log(`built dist/server.mjs, dist/akb.mjs and dist/ecmp-worker.mjs in ${Date.now() - started} ms`);
