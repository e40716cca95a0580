import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WireMo } from '../../../lib/aci/mo';
import { buildGraph } from '../../../lib/topology/build-graph';
import type { Bundle } from '../../../lib/topology/bundle-types';
import { loadFixture } from './fixtures';

/**
 * The graph is a function of the set of objects, not of the order the APIC or the API server listed them in: the
 * live service receives objects in event order, a capture in the servers' order, and both must give one graph.
 * Every list of every fixture (classes, resources, and the children of each MO) is shuffled; the graph, compared as
 * JSON text (key order included), stays the same.
 */
const dir = fileURLToPath(new URL('../../fixtures/bundles/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

/** Deterministic Fisher–Yates from a seed. */
function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function shuffledMo(mo: WireMo, next: () => number): WireMo {
  return Object.fromEntries(
    Object.entries(mo).map(([cls, body]) => [
      cls,
      body.children ? { ...body, children: shuffle(body.children, next).map((c) => shuffledMo(c, next)) } : body,
    ]),
  );
}

function shuffledBundle(b: Bundle, seed: number): Bundle {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    ...b,
    apic: Object.fromEntries(Object.entries(b.apic).map(([cls, mos]) => [cls, shuffle(mos, next).map((mo) => shuffledMo(mo, next))])),
    k8s: Object.fromEntries(Object.entries(b.k8s).map(([key, items]) => [key, shuffle(items, next)])),
  };
}

describe('input order', () => {
  it.each(names)('%s: shuffling every list leaves the graph byte-identical', (name) => {
    const bundle = loadFixture(name);
    const expected = JSON.stringify(buildGraph(bundle));
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        expect(JSON.stringify(buildGraph(shuffledBundle(bundle, seed)))).toBe(expected);
      }),
      { numRuns: 25 },
    );
  });
});
