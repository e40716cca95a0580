import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseBundleJson } from '../../../lib/topology/bundle';
import { correlate } from '../../../lib/topology/correlate';
import type { GraphEdge, GraphNode, TopologyGraph } from '../../../lib/topology/graph';
import type { Bundle } from '../../../lib/topology/bundle-types';

export const fixturePath = (name: string) => fileURLToPath(new URL(`../../fixtures/bundles/${name}.json`, import.meta.url));

export function loadFixture(name: string): Bundle {
  return parseBundleJson(readFileSync(fixturePath(name), 'utf8'));
}

export function graphOf(name: string): TopologyGraph {
  return correlate(loadFixture(name));
}

export function nodeById(g: TopologyGraph, id: string): GraphNode {
  const n = g.nodes.find((x) => x.id === id);
  if (!n) throw new Error(`no node ${id}; have ${g.nodes.map((x) => x.id).join(', ')}`);
  return n;
}

export const edgesOf = (g: TopologyGraph, kind: GraphEdge['kind']) => g.edges.filter((e) => e.kind === kind);
export const problemCodes = (g: TopologyGraph) => g.problems.map((p) => `${p.code} ${p.subject}`);
