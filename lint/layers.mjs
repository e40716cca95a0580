/**
 * akb's layers and which may import which: the one table docs/architecture.md explains and eslint.config.mjs
 * enforces (import-x/no-restricted-paths zones generated from it, import-x/no-cycle, and a ban on Node and
 * server-only packages in every layer that runs in the browser). Paths are relative to the repository root.
 *
 * A file belongs to the first layer (in this order) one of whose globs matches it, so nested folders (the wire
 * models inside lib/aci and lib/k8s) are listed before their parents. A nested layer
 * never may import more than its parent: the parent's restrictions apply to it too.
 */

/** @typedef {'browser' | 'server' | 'both'} Runs */
/**
 * @typedef {object} Layer
 * @property {string} name
 * @property {string[]} files globs of the files in the layer
 * @property {string[]} [entries] when set, other layers may import only these files of it (its public entries)
 * @property {Runs} runs where its code runs: browser and both layers may not import Node built-ins or server packages
 * @property {string[]} mayImport the layers its files may import (besides their own)
 * @property {string} why
 */

/** @type {Layer[]} */
export const LAYERS = [
  {
    name: 'shared',
    files: ['lib/shared/**', 'lib/net/**'],
    runs: 'both',
    mayImport: [],
    why: 'types and pure helpers every layer uses (IP math, source status, comparators); depends on nothing of ours',
  },
  {
    name: 'node-kit',
    files: ['lib/logging.ts', 'lib/node/**'],
    runs: 'server',
    mayImport: ['shared'],
    why: 'small Node-only helpers (logging, HTTP body reading, ports) shared by servers, the lab and the CLI',
  },
  {
    name: 'pki',
    files: ['lib/pki/**'],
    runs: 'server',
    mayImport: ['shared'],
    why: 'X.509 and key material (node:crypto, node-forge) for the provisioner and the lab twins alike',
  },
  {
    name: 'wire',
    files: [
      'lib/aci/mo.ts',
      'lib/aci/models/**',
      'lib/k8s/models/**',
      'lib/vsphere/**',
      'lib/topology/bundle-types.ts',
      'lib/topology/reduce/**',
    ],
    runs: 'both',
    mayImport: ['shared'],
    why: 'the wire formats of the systems akb talks to and of its own bundle, and the ingest allow-list over them; the clients, the lab twins and the provisioner share them so they cannot drift',
  },
  {
    name: 'adapters',
    files: ['lib/aci/**', 'lib/k8s/**'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'wire'],
    why: 'clients of the APIC and the Kubernetes API: I/O only, no interpretation, so every caller gets the same client',
  },
  {
    name: 'topology',
    files: ['lib/topology/**'],
    runs: 'both',
    mayImport: ['shared', 'wire'],
    why: 'the pure core: bundle in, graph and analyses out; no I/O, so the CLI, the service and tests compute the same graph',
  },
  {
    name: 'view',
    files: ['lib/view/**'],
    runs: 'both',
    mayImport: ['shared', 'wire', 'topology'],
    why: 'pure view pipeline over the graph (filter, aggregate, layout, tables) used by the browser and its worker',
  },
  {
    name: 'live-shared',
    files: ['lib/live/shared/**'],
    runs: 'both',
    mayImport: ['shared', 'wire', 'topology'],
    why: 'the websocket protocol and the HTTP response types: the one contract between the live service and the browser',
  },
  {
    name: 'live-client',
    files: ['lib/live/client/**'],
    runs: 'browser',
    mayImport: ['shared', 'wire', 'topology', 'view', 'live-shared'],
    why: "the browser's side of the protocol (graph client)",
  },
  {
    name: 'lab',
    files: ['lib/lab/**'],
    entries: ['lib/lab/index.ts', 'lib/lab/cli.ts', 'lib/lab/*/index.ts', 'lib/lab/*/cli.ts', 'lib/lab/*/test-support.ts'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'pki', 'wire'],
    why: 'the twins of the APIC, Kubernetes and vCenter: they share only the wire formats with our clients, so a client bug is not mirrored by the twin',
  },
  {
    name: 'live-server',
    files: ['lib/live/server/**'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'wire', 'adapters', 'topology', 'live-shared', 'lab'],
    why: 'the live service: sources (adapters) feed the core, the hub pushes diffs; starts the embedded lab through its entry',
  },
  {
    name: 'prov-core',
    files: ['provisioner/spec/**', 'provisioner/plan/**', 'provisioner/bootstrap/**', 'provisioner/providers/*.ts', 'provisioner/net.ts'],
    runs: 'server',
    mayImport: ['shared', 'wire', 'pki'],
    why: "the provisioner's core: spec in, validated, plan and bootstrap material out, and the ports (providers/*.ts) the engine drives providers through; no I/O",
  },
  {
    name: 'prov-engine',
    files: ['provisioner/apply/**', 'provisioner/output/**'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'wire', 'pki', 'prov-core'],
    why: 'the apply engine (state, journal, lock, jobs) and plan output: knows providers only by their ports',
  },
  {
    name: 'prov-adapters',
    files: ['provisioner/providers/*/**'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'wire', 'pki', 'adapters', 'prov-core'],
    why: 'one provider per target system (ACI, Kubernetes, vSphere, SSH), each on our one client of that system',
  },
  {
    name: 'prov-entry',
    files: ['provisioner/index.ts'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'wire', 'pki', 'prov-core', 'prov-engine', 'prov-adapters'],
    why: "the provisioner's public API",
  },
  {
    name: 'cli',
    files: ['lib/cli/**'],
    runs: 'server',
    mayImport: [
      'shared',
      'node-kit',
      'wire',
      'adapters',
      'topology',
      'view',
      'live-shared',
      'live-server',
      'lab',
      'pki',
      'prov-core',
      'prov-engine',
      'prov-adapters',
      'prov-entry',
    ],
    why: 'the composition root: wires adapters, providers and the service together; nothing imports it but the entry points',
  },
  {
    name: 'app',
    files: ['app/**'],
    runs: 'browser',
    mayImport: ['shared', 'wire', 'topology', 'view', 'live-shared', 'live-client'],
    why: 'the Next.js pages: browser code that reaches the service only over HTTP and the websocket',
  },
  {
    name: 'entry',
    files: ['server.ts', 'bin/**'],
    runs: 'server',
    mayImport: ['shared', 'node-kit', 'live-server', 'cli'],
    why: 'the process entry points (the HTTP server, the akb command)',
  },
];

/** Test code, benchmarks, build scripts and tool configuration: may import any layer, the lab only through its entries. */
export const TEST_FILES = ['tests/**', 'bench/**', '**/*.test.ts', '**/*.test.tsx', '**/test-support/**'];
export const CONFIG_FILES = ['*.config.ts', '*.config.mjs', 'lint/**', 'scripts/**'];

/** Packages that must never reach a browser bundle (Node built-ins are banned separately). */
export const SERVER_ONLY_PACKAGES = [
  'ws',
  'pino',
  'prom-client',
  '@kubernetes/client-node',
  'commander',
  'node-forge',
  'tsx',
  'ssh2',
  'better-sqlite3',
];
