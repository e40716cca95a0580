import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWorld, loadShippedScenario, shippedScenarioNames } from '../../../lib/lab/model';
import { buildGraph } from '../../../lib/topology/build-graph';
import type { Bundle } from '../../../lib/topology/bundle-types';
import { analyseBgp } from '../../../lib/topology/ecmp/bgp-health';
import { analyseEcmp } from '../../../lib/topology/ecmp/analyse';
import { reduceBundle, reduceKubeObject } from '../../../lib/topology/reduce';
import { corpusApicObjects, corpusKubeObjects, survivors } from '../../fixtures/secret-corpus';
import { bundleOf } from '../view-fixtures';
import { absurd, paths, type Json } from './bundle-damage';
import { loadFixture } from './fixtures';

/**
 * The ingest reduction keeps everything the correlator and the analyses read: the graph, the ECMP analysis and
 * the BGP health of a reduced bundle equal those of the full one, for every shipped lab scenario and every bundle
 * fixture; and it keeps none of a corpus of secret-bearing fields.
 */
const fixtureNames = readdirSync(fileURLToPath(new URL('../../fixtures/bundles/', import.meta.url)))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

const inputs: [string, () => Bundle][] = [
  ...shippedScenarioNames().map((name): [string, () => Bundle] => [
    `scenario ${name}`,
    () => bundleOf(createWorld(loadShippedScenario(name))),
  ]),
  ...fixtureNames.map((name): [string, () => Bundle] => [`fixture ${name}`, () => loadFixture(name)]),
];

/** Everything akb derives from a bundle: the graph (with its ECMP problems), the ECMP analysis and the BGP health. */
function derived(bundle: Bundle) {
  const graph = buildGraph(bundle);
  return { graph, ecmp: analyseEcmp(bundle, graph), bgp: analyseBgp(bundle, graph) };
}

/** The graph, or that building it threw (unvalidated damage can make the correlator throw; then both must). */
function outcome(bundle: Bundle): { graph: unknown } | { threw: true } {
  try {
    return { graph: buildGraph(bundle) };
  } catch {
    return { threw: true };
  }
}

describe('correlating reduced and full inputs', () => {
  it.each(inputs)('gives the same graph and analyses for %s', (_name, load) => {
    const full = load();
    const reduced = reduceBundle(full);
    expect(derived(reduced)).toEqual(derived(full));
    // The reduction did something: the scenarios and fixtures carry fields nothing reads.
    expect(JSON.stringify(reduced).length).toBeLessThan(JSON.stringify(full).length);
  });

  it('covers every shipped scenario and fixture, and the scenarios exercise every CNI and secondary networks', () => {
    expect(shippedScenarioNames().length).toBeGreaterThanOrEqual(8);
    expect(fixtureNames.length).toBeGreaterThanOrEqual(9);
    const sources = new Set(inputs.map(([, load]) => buildGraph(load()).cluster.asnSource));
    expect([...sources].sort()).toEqual(expect.arrayContaining(['calico', 'cilium', 'kube-router']));
  });

  it('is idempotent and leaves its input untouched', () => {
    const full = bundleOf(createWorld(loadShippedScenario('kube-router')));
    const before = JSON.stringify(full);
    const once = reduceBundle(full);
    expect(JSON.stringify(full)).toBe(before);
    expect(reduceBundle(once)).toEqual(once);
  });

  it('keeps malformed objects malformed: random damage inside objects gives the same graph reduced or full', () => {
    const bundles = inputs.filter(([name]) => name.startsWith('fixture')).map(([, load]) => load());
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.nat(), fc.oneof(absurd, fc.constant<'delete'>('delete')), (b, o, p, value) => {
        const bundle = structuredClone(bundles[b % bundles.length]!);
        const objects = [...Object.values(bundle.k8s), ...Object.values(bundle.apic)].flat() as unknown as Json[];
        const target = objects[o % objects.length]!;
        const inside = paths(target);
        if (inside.length === 0) return;
        const at = inside[p % inside.length]!;
        let parent = target as Record<string | number, Json>;
        for (const k of at.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
        const last = at[at.length - 1]!;
        if (value === 'delete') delete parent[last];
        else parent[last] = value;
        // The reduction itself never throws, whatever the damage: it runs on every object akb ingests.
        expect(outcome(reduceBundle(bundle))).toEqual(outcome(bundle));
      }),
      { numRuns: 400, seed: 20261203 },
    );
  });
});

describe('the secret corpus', () => {
  const bundle = (): Bundle => ({
    format: 'akb-bundle/v1',
    capturedAt: '2026-12-02T00:00:00.000Z',
    fabric: { tenant: 'k8s', vrf: 'vrf1' },
    apic: corpusApicObjects(),
    k8s: corpusKubeObjects(),
  });

  it('is real: every planted secret is in the full bundle', () => {
    expect(survivors(JSON.stringify(bundle())).length).toBe(25);
  });

  it('leaves no secret-bearing field after the reduction', () => {
    expect(survivors(JSON.stringify(reduceBundle(bundle())))).toEqual([]);
  });

  it('keeps exactly the flags, annotations and fields the correlator reads', () => {
    const reduced = reduceBundle(bundle());
    const ds = reduced.k8s.daemonsets![0]!;
    expect(ds).toEqual({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'corpus-router', namespace: 'corpus' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'kube-router',
                args: [
                  '--cluster-asn=64512',
                  '--peer-router-ips=192.168.100.1,192.168.100.2',
                  '--advertise-cluster-ip',
                  // The flag after a bare one keeps its name only, so the bare flag still reads as true.
                  '--peer-router-passwords',
                ],
              },
            ],
          },
        },
      },
    });
    expect(reduced.k8s.nodes![0]!.metadata.annotations).toEqual({ 'kube-router.io/peer.ips': '192.168.100.1,192.168.100.2' });
    expect(reduced.k8s.pods![0]).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'corpus-app', namespace: 'corpus', labels: { app: 'corpus' }, annotations: {} },
      spec: { nodeName: 'corpus-node-1' },
      status: { phase: 'Running', podIP: '10.244.9.10', podIPs: [{ ip: '10.244.9.10' }], hostIP: '192.168.100.31' },
    });
    expect(reduced.k8s.secrets![0]).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'corpus-db', namespace: 'corpus' } });
    expect(reduced.apic.bgpPeerP![0]).toEqual({
      bgpPeerP: { attributes: { dn: corpusApicObjects().bgpPeerP![0]!.bgpPeerP!.attributes.dn!, addr: '192.168.100.0/24' } },
    });
    expect(reduced.apic.aaaUser![0]).toEqual({ aaaUser: { attributes: { dn: 'uni/userext/user-corpus' } } });
  });
});

describe('command lines', () => {
  const ds = (command: unknown[], args: unknown[]) =>
    reduceKubeObject('daemonsets', {
      metadata: { name: 'r' },
      spec: { template: { spec: { containers: [{ name: 'c', command, args }] } } },
    }).spec as { template: { spec: { containers: { command: unknown; args: unknown }[] } } };
  const line = (command: unknown[], args: unknown[]) => {
    const c = ds(command, args).template.spec.containers[0]!;
    return { command: c.command, args: c.args };
  };

  it('keeps a bare flag value even when the flag ends `command` and its value starts `args`', () => {
    expect(line(['kube-router', '--cluster-asn'], ['64512', '--v=2'])).toEqual({ command: ['--cluster-asn'], args: ['64512'] });
  });

  it('drops shell-form arguments, secret flags and values of flags nobody reads', () => {
    expect(
      line(['sh', '-c', 'kube-router --peer-router-passwords=x'], ['-px', '--kubeconfig', '/etc/k', '--peer-router-passwords', 'y']),
    ).toEqual({
      command: [],
      args: [],
    });
  });

  it('keeps a non-string token malformed, so the correlator rejects the object as before', () => {
    expect(line([], ['--cluster-asn=1', 7])).toEqual({ command: [], args: ['--cluster-asn=1', {}] });
  });

  it('does not let a `__proto__` key reach a prototype', () => {
    const o = reduceKubeObject('nodes', JSON.parse('{"metadata":{"name":"n","labels":{"__proto__":{"polluted":"yes"}}}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(o.metadata.labels)).toBe(Object.prototype);
    expect(Object.keys(o.metadata.labels!)).toEqual(['__proto__']);
  });
});
