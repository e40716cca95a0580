import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../../lib/topology/build-graph';
import { BundleError, parseBundleJson } from '../../../lib/topology/bundle';
import { apply, damage } from './bundle-damage';

/**
 * Malformed bundles never crash `akb graph`: random damage to real bundles (a value replaced by something of another
 * type or an absurd one, a field deleted, the text truncated) is either still a valid bundle, whose graph builds,
 * or a BundleError naming a JSON path that exists in the damaged input. Nothing else may be thrown.
 */
const dir = fileURLToPath(new URL('../../fixtures/bundles/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => readFileSync(`${dir}${f}`, 'utf8'));

/** `a.b[3].c` → does that path exist in the document (the error must point at something real)? */
function pathExists(text: string, path: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  const keys = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
  // The last key may be the missing field itself; its parent must exist.
  let v: unknown = doc;
  for (const k of keys.slice(0, -1)) {
    if (v === null || typeof v !== 'object' || !(k in (v as object))) return false;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v !== null && typeof v === 'object';
}

describe('malformed bundles', () => {
  it('are rejected with a BundleError naming a real path, or build a graph; nothing else is thrown', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.nat(fixtures.length - 1), fc.array(damage, { minLength: 1, maxLength: 3 }), (which, damages) => {
        const text = apply(fixtures[which]!, damages);
        let bundle;
        try {
          bundle = parseBundleJson(text);
        } catch (err) {
          expect(err).toBeInstanceOf(BundleError);
          const e = err as BundleError;
          expect(e.detail.length).toBeGreaterThan(0);
          if (e.path) expect(pathExists(text, e.path), `${e.path} should exist in the input`).toBe(true);
          else expect(e.detail).toMatch(/not valid JSON|expected object/);
          rejected++;
          return;
        }
        expect(() => buildGraph(bundle)).not.toThrow();
      }),
      { numRuns: 300, seed: 20261202 },
    );
    // The damage was real: most runs must have been rejected.
    expect(rejected).toBeGreaterThan(100);
  });
});
