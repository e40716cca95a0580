/**
 * The incremental graph against the batch correlator on edits no lab event makes: objects of real bundles (every
 * fixture, and what lab scenarios serve) deleted, restored, copied under a new name, stripped of a field, or with a
 * value replaced by another value of the bundle (so references get rewired: a pod takes another pod's IP, a slice
 * loses its targetRef and falls back to addresses, a service takes a route's address, an endpoint moves to another
 * node's IP). After every edit the two graphs are equal.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { moEntry, type WireMo } from '../../lib/aci/mo';
import { startLab } from '../../lib/lab';
import { objectKey } from '../../lib/k8s/snapshot';
import { correlate } from '../../lib/topology/correlate';
import { IncrementalGraph, type InputChange } from '../../lib/topology/incremental';
import { CORRELATED_APIC } from '../../lib/topology/incremental/input-state';
import { parseBundleJson } from '../../lib/topology/bundle';
import type { Bundle } from '../../lib/topology/bundle-types';
import type { KubeObject } from '../../lib/k8s/models/object';
import type { TopologyGraph } from '../../lib/topology/graph';
import { readFileSync } from 'node:fs';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Item {
  source: 'apic' | 'k8s';
  /** APIC class or bundle k8s key. */
  group: string;
  key: string;
  value: Json;
}

const itemId = (i: Pick<Item, 'source' | 'group' | 'key'>) => `${i.source}\u0000${i.group}\u0000${i.key}`;

function itemsOf(b: Bundle): Item[] {
  const out: Item[] = [];
  for (const [cls, mos] of Object.entries(b.apic))
    for (const mo of mos) out.push({ source: 'apic', group: cls, key: moEntry(mo)[1].attributes.dn ?? '', value: mo as unknown as Json });
  for (const [key, objs] of Object.entries(b.k8s))
    for (const o of objs) out.push({ source: 'k8s', group: key, key: objectKey(o), value: o as unknown as Json });
  return out;
}

function bundleOf(base: Bundle, items: Iterable<Item>): Bundle {
  const apic: Record<string, WireMo[]> = {};
  const k8s: Record<string, KubeObject[]> = {};
  for (const i of items) {
    if (i.source === 'apic') (apic[i.group] ??= []).push(i.value as unknown as WireMo);
    else (k8s[i.group] ??= []).push(i.value as unknown as KubeObject);
  }
  return { ...base, apic, k8s };
}

const change = (i: Item, present: boolean): InputChange =>
  i.source === 'apic'
    ? { source: 'apic', cls: i.group, dn: i.key, mo: present ? (structuredClone(i.value) as unknown as WireMo) : null }
    : { source: 'k8s', resource: i.group, key: i.key, object: present ? (structuredClone(i.value) as unknown as KubeObject) : null };

/** Paths to every string value below `v`, skipping identity fields (DNs and names are the items' keys). */
function stringPaths(v: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (typeof v === 'string') out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => stringPaths(x, [...path, i], out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if ((k === 'dn' && path.length <= 2) || (path.length === 1 && path[0] === 'metadata' && (k === 'name' || k === 'namespace')))
        continue;
      stringPaths(x, [...path, k], out);
    }
  return out;
}

/** Paths to fields that can be dropped (object members at depth ≥ 1, identity kept). */
function memberPaths(v: Json, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(v)) v.forEach((x, i) => memberPaths(x, [...path, i], out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      const identity = k === 'dn' || k === 'metadata' || (path.at(-1) === 'metadata' && (k === 'name' || k === 'namespace'));
      if (!identity && path.length >= 1) out.push([...path, k]);
      memberPaths(x, [...path, k], out);
    }
  return out;
}

function setAt(v: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(v);
  let at: Json = copy;
  for (const k of path.slice(0, -1)) at = (at as Record<string | number, Json>)[k]!;
  const last = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete (at as Record<string, Json>)[last];
  } else (at as Record<string | number, Json>)[last] = value;
  return copy;
}

const shape = (s: string) =>
  /^[\d.]+$|:/.test(s) && !s.includes('/') ? 'ip' : s.includes('/') ? 'path' : /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/i.test(s) ? 'mac' : 'text';

type Edit = { op: 'delete' | 'restore' | 'copy' | 'drop' | 'set'; a: number; b: number; c: number; sameShape: boolean; settle: boolean };
const edit: fc.Arbitrary<Edit> = fc.record({
  op: fc.constantFrom('delete', 'restore', 'copy', 'drop', 'set', 'set', 'set'),
  a: fc.nat(),
  b: fc.nat(),
  c: fc.nat(),
  sameShape: fc.boolean(),
  settle: fc.boolean(),
});

const text = (g: TopologyGraph) => {
  const { revision: _r, generatedAt: _g, ...rest } = g;
  return JSON.stringify(rest);
};

const bases: { name: string; bundle: Bundle }[] = [];

beforeAll(async () => {
  const dir = fileURLToPath(new URL('../fixtures/bundles/', import.meta.url));
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')))
    bases.push({ name: f, bundle: parseBundleJson(readFileSync(`${dir}${f}`, 'utf8')) });
  // What lab scenarios hold, read straight from their stores (routes, slices and services the fixtures lack).
  for (const scenario of ['demo', 'secondary', 'kube-router']) {
    const lab = await startLab({ scenario, k8s: { tls: false }, apic: { http: true } });
    const tree = lab.apic[0]!.tree;
    const apic: Record<string, WireMo[]> = {};
    for (const cls of CORRELATED_APIC) {
      apic[cls] = tree.byClass(cls).map((mo) => {
        const kids = tree.children(mo.dn).map((c) => ({ [c.className]: { attributes: { ...c.attrs, rn: c.dn.slice(mo.dn.length + 1) } } }));
        return kids.length
          ? { [cls]: { attributes: { ...mo.attrs, dn: mo.dn }, children: kids } }
          : { [cls]: { attributes: { ...mo.attrs, dn: mo.dn } } };
      });
    }
    const k8s: Record<string, KubeObject[]> = {};
    for (const key of ['nodes', 'pods', 'services', 'endpointslices', 'daemonsets', 'bgpconfigurations', 'nodefabricnetworkattachments']) {
      try {
        k8s[key] = lab.k8s.store.list(key).items;
      } catch {
        // Not installed in this scenario.
      }
    }
    bases.push({
      name: `lab ${scenario}`,
      bundle: { format: 'akb-bundle/v1', capturedAt: '2026-12-01T00:00:00Z', fabric: lab.fabric, apic, k8s },
    });
    await lab.stop();
  }
}, 60_000);

describe('incremental graph under arbitrary edits', () => {
  it('equals correlate of the same objects after every edit', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(edit, { minLength: 1, maxLength: 25 }), (which, edits) => {
        const base = bases[which % bases.length]!;
        const current = new Map(itemsOf(base.bundle).map((i) => [itemId(i), i]));
        const removed: Item[] = [];
        const pool = [
          ...new Set(
            [...current.values()].flatMap((i) =>
              stringPaths(i.value).map((p) => p.reduce<Json>((v, k) => (v as never)[k], i.value) as string),
            ),
          ),
        ];
        const g = new IncrementalGraph(base.bundle.fabric);
        for (const i of current.values()) g.apply(change(i, true));
        const check = (when: string) => {
          g.settle();
          const live = text(g.graph(0, base.bundle.capturedAt));
          const batch = text(correlate(bundleOf(base.bundle, current.values())));
          expect(live, `${base.name}, ${when}`).toBe(batch);
        };
        check('initial load');
        edits.forEach((e, n) => {
          const items = [...current.values()];
          const target = items[e.a % Math.max(1, items.length)];
          let next: Item | null = null;
          if (e.op === 'restore' && removed.length) {
            const back = removed.splice(e.a % removed.length, 1)[0]!;
            if (!current.has(itemId(back))) next = back;
          } else if (target && e.op === 'delete') {
            current.delete(itemId(target));
            removed.push(target);
            g.apply(change(target, false));
          } else if (target && e.op === 'copy') {
            const suffix = `-copy${n}`;
            const value = structuredClone(target.value) as Record<string, Json>;
            if (target.source === 'apic') {
              const [cls, body] = moEntry(value as unknown as WireMo);
              // A copy needs a DN to be told apart (an edit may have dropped the attributes).
              if (body?.attributes) {
                body.attributes.dn = `${target.key}${suffix}`;
                next = { ...target, key: body.attributes.dn, value: { [cls]: body } as unknown as Json };
              }
            } else {
              const meta = value.metadata as Record<string, Json>;
              meta.name = `${String(meta.name)}${suffix}`;
              next = { ...target, key: objectKey(value as unknown as KubeObject), value };
            }
          } else if (target && e.op === 'drop') {
            const paths = memberPaths(target.value);
            if (paths.length) next = { ...target, value: setAt(target.value, paths[e.b % paths.length]!, undefined) };
          } else if (target && e.op === 'set') {
            const paths = stringPaths(target.value);
            if (paths.length) {
              const path = paths[e.b % paths.length]!;
              const old = path.reduce<Json>((v, k) => (v as never)[k], target.value) as string;
              const candidates = e.sameShape ? pool.filter((s) => shape(s) === shape(old)) : pool;
              next = { ...target, value: setAt(target.value, path, candidates[e.c % candidates.length] ?? old) };
            }
          }
          if (next) {
            current.set(itemId(next), next);
            g.apply(change(next, true));
          }
          if (e.settle || n === edits.length - 1) check(`after edit ${n} (${e.op})`);
        });
      }),
      {
        numRuns: Number(process.env.AKB_PROPERTY_RUNS ?? 150),
        ...(process.env.AKB_PROPERTY_SEED ? { seed: Number(process.env.AKB_PROPERTY_SEED), path: process.env.AKB_PROPERTY_PATH } : {}),
      },
    );
  }, 240_000);
});
