import { describe, expect, it } from 'vitest';
import { createWorld, groundTruth, loadShippedScenario } from '../../lib/lab/model';
import { TABLE_NAMES, buildTable, filterRows, indexGraph, problemRows, search, sortRows, toCsv, toJson, type Column } from '../../lib/view';
import type { TopologyGraph } from '../../lib/topology/graph';
import { demoGraph } from './view-fixtures';

const g = demoGraph();
const ix = indexGraph(g);
const truth = groundTruth(createWorld(loadShippedScenario('demo')));

describe('search', () => {
  it('finds every pod by its IP, first', () => {
    for (const pod of g.nodes.filter((n) => n.kind === 'pod' && !n.data.hostNetwork && n.data.ip)) {
      const hits = search(ix, String(pod.data.ip));
      expect(hits[0]?.id).toBe(pod.id);
      expect(hits[0]?.match).toBe(`ip ${String(pod.data.ip)}`);
    }
  });
  it('finds nodes by IP and name prefix, and services by cluster IP', () => {
    const n = truth.nodes[0]!;
    expect(search(ix, n.ip)[0]?.id).toBe(`node:${n.name}`);
    expect(search(ix, n.name.slice(0, 4)).some((h) => h.id === `node:${n.name}`)).toBe(true);
    const svc = truth.services.find((s) => s.clusterIP && s.clusterIP !== 'None')!;
    expect(search(ix, svc.clusterIP!)[0]?.id).toBe(`service:${svc.namespace}/${svc.name}`);
  });
  it('returns nothing for an empty query and at most the limit', () => {
    expect(search(ix, '  ')).toEqual([]);
    expect(search(ix, 'pod', 5)).toHaveLength(5);
  });
});

describe('tables', () => {
  it('BGP peers: one row per session the lab has on the APIC, with its state', () => {
    const t = buildTable(ix, 'bgp');
    const expected = truth.sessions
      .filter((s) => s.leaf !== null)
      .map((s) => `${s.node}|leaf-${s.leaf}|${s.state}`)
      .sort();
    expect(t.rows.map((r) => `${String(r.node)}|${String(r.leaf)}|${String(r.state)}`).sort()).toEqual(expected);
  });
  it('routes: one row per (leaf, prefix) with its ECMP paths', () => {
    const t = buildTable(ix, 'routes');
    expect(t.rows).toHaveLength(truth.routes.length);
    for (const r of truth.routes)
      expect(t.rows.find((x) => x.leaf === `leaf-${r.leaf}` && x.prefix === r.prefix)?.paths).toBe(r.nextHops.length);
  });
  it('inventory: a row per pod with its node and leaves', () => {
    const t = buildTable(ix, 'inventory');
    expect(t.rows).toHaveLength(g.nodes.filter((n) => n.kind === 'pod').length);
    const row = t.rows.find((r) => r.node === truth.nodes[0]!.name)!;
    expect(String(row.leaves).split(', ').sort()).toEqual(truth.nodes[0]!.leafPorts.map((p) => `leaf-${p.leaf}`).sort());
  });
  it('every table has rows and columns naming existing keys', () => {
    for (const name of TABLE_NAMES) {
      const t = buildTable(g, name);
      expect(t.rows.length, name).toBeGreaterThan(0);
      for (const c of t.columns) expect(c.key in t.rows[0]!, `${name}.${c.key}`).toBe(true);
    }
  });
});

describe('export, sort, filter', () => {
  type R = { a: string; n: number | null };
  const cols: Column<R>[] = [
    { key: 'a', header: 'A', value: (r) => r.a },
    { key: 'n', header: 'N', value: (r) => r.n },
  ];
  const rows: R[] = [
    { a: 'eth1/10', n: 2 },
    { a: 'eth1/2', n: null },
    { a: 'say "hi", ok', n: 10 },
    { a: '=cmd()', n: 1 },
  ];
  it('CSV quotes commas and quotes, and neutralises formulas', () => {
    const csv = toCsv(rows, cols);
    expect(csv.split('\r\n')[0]).toBe('A,N');
    expect(csv).toContain('"say ""hi"", ok",10');
    expect(csv).toContain("'=cmd(),1");
  });
  it('JSON has exactly the columns shown', () => {
    expect(JSON.parse(toJson(rows.slice(0, 1), cols))).toEqual([{ a: 'eth1/10', n: 2 }]);
  });
  it('sorts naturally, numbers numerically, nulls last; filters by any column', () => {
    expect(
      sortRows(rows, cols[0]!, 'asc')
        .map((r) => r.a)
        .slice(0, 2),
    ).toEqual(['=cmd()', 'eth1/2']);
    expect(sortRows(rows, cols[1]!, 'desc').map((r) => r.n)).toEqual([10, 2, 1, null]);
    expect(filterRows(rows, cols, 'ETH1').map((r) => r.a)).toEqual(['eth1/10', 'eth1/2']);
  });
});

describe('problems', () => {
  it('lists errors before warnings, each linking to a view that selects its subject', () => {
    const graph: TopologyGraph = {
      ...g,
      problems: [
        { severity: 'warning', code: 'w', subject: 'node:worker-1', message: 'w' },
        { severity: 'error', code: 'e', subject: g.edges.find((e) => e.kind === 'bgp')!.id, message: 'e' },
        { severity: 'info', code: 'asn-not-detected', subject: 'cluster', message: 'i' },
      ],
    };
    const rows = problemRows(graph);
    expect(rows.map((r) => r.severity)).toEqual(['error', 'warning', 'info']);
    expect(rows[0]!.href).toContain('focus=node%3A');
    expect(rows[1]!.href).toBe('/?focus=node%3Aworker-1&sel=node%3Aworker-1');
    expect(rows[2]!.href).toBe('/');
  });
});
