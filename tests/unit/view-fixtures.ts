/**
 * Graphs for the view tests, computed the way the live service computes them: a lab world derived into
 * an APIC + Kubernetes bundle (shaped like the bulk queries return it) and correlated.
 */
import type { WireMo } from '../../lib/aci/mo';
import { moEntry } from '../../lib/aci/mo';
import { createWorld, deriveApic, deriveKubernetes, generateScenario, loadShippedScenario, type LabWorld } from '../../lib/lab/model';
import { correlate } from '../../lib/topology';
import type { Bundle, GraphEdge, GraphNode, TopologyGraph } from '../../lib/topology';

/** Classes the bulk queries fetch as children of their parent (rsp-subtree), not as top-level items. */
const CHILD_CLASSES = new Set(['fvIp', 'fvRsCEpToPathEp', 'lldpAdjEp', 'cdpAdjEp']);

function parentDn(dn: string): string {
  // DNs nest with '/', but bracketed RN parts (e.g. `pathep-[eth1/1]`) may contain '/'.
  let depth = 0;
  for (let i = dn.length - 1; i >= 0; i--) {
    const ch = dn[i];
    if (ch === ']') depth++;
    else if (ch === '[') depth--;
    else if (ch === '/' && depth === 0) return dn.slice(0, i);
  }
  return '';
}

export function bundleOf(world: LabWorld): Bundle {
  const mos = deriveApic(world);
  const byDn = new Map<string, WireMo>();
  for (const mo of mos) {
    const [cls, body] = moEntry(mo);
    if (!CHILD_CLASSES.has(cls)) byDn.set(body.attributes.dn ?? '', mo);
  }
  const apic: Record<string, WireMo[]> = {};
  for (const mo of mos) {
    const [cls, body] = moEntry(mo);
    const parent = CHILD_CLASSES.has(cls) ? byDn.get(parentDn(body.attributes.dn ?? '')) : undefined;
    if (parent) {
      const [, parentBody] = moEntry(parent);
      (parentBody.children ??= []).push(mo);
    } else (apic[cls] ??= []).push(mo);
  }
  return {
    format: 'akb-bundle/v1',
    capturedAt: '2026-01-01T00:00:00.000Z',
    fabric: { tenant: world.scenario.tenant, vrf: world.scenario.vrf },
    apic,
    k8s: deriveKubernetes(world),
  };
}

export function graphOfWorld(world: LabWorld): TopologyGraph {
  return correlate(bundleOf(world));
}

let demo: TopologyGraph | null = null;
/** The demo scenario's graph (cached: tests must not mutate it). */
export function demoGraph(): TopologyGraph {
  demo ??= graphOfWorld(createWorld(loadShippedScenario('demo')));
  return demo;
}

export function generatedGraph(opts: { leaves: number; nodes: number; pods: number; services: number }): TopologyGraph {
  return graphOfWorld(createWorld(generateScenario({ ...opts, seed: 7 })));
}

/** A graph with `nodes` VMs spread over `hypervisors` hosts on one vPC pair, and `pods` pods round-robin. */
export function syntheticGraph({ nodes, hypervisors, pods }: { nodes: number; hypervisors: number; pods: number }): TopologyGraph {
  const n: GraphNode[] = [
    { id: 'leaf:101', kind: 'leaf', name: 'leaf-101', data: {} },
    { id: 'leaf:102', kind: 'leaf', name: 'leaf-102', data: {} },
  ];
  const e: GraphEdge[] = [];
  for (let h = 0; h < hypervisors; h++) {
    const id = `hypervisor:hv-${h}`;
    n.push({ id, kind: 'hypervisor', name: `hv-${h}`, data: {} });
    for (const leaf of ['leaf:101', 'leaf:102'])
      e.push({
        id: `link:${id}->${leaf}`,
        kind: 'link',
        source: id,
        target: leaf,
        data: { leafPort: `eth1/${h + 1}`, remotePort: 'vmnic0', path: 'topology/pod-1/protpaths-101-102/pathep-[x]' },
      });
  }
  for (let i = 0; i < nodes; i++) {
    const id = `node:w-${i}`;
    n.push({ id, kind: 'k8s-node', name: `w-${i}`, data: { ip: `10.0.${Math.floor(i / 250)}.${i % 250}` } });
    e.push({ id: `runs-on:${id}`, kind: 'runs-on', source: id, target: `hypervisor:hv-${i % hypervisors}`, data: {} });
  }
  for (let p = 0; p < pods; p++) {
    const id = `pod:ns-${p % 3}/p-${p}`;
    n.push({
      id,
      kind: 'pod',
      name: `p-${p}`,
      data: { namespace: `ns-${p % 3}`, ip: p % 10 === 0 ? '' : `10.244.${Math.floor(p / 250)}.${p % 250}` },
    });
    e.push({ id: `runs-on:${id}`, kind: 'runs-on', source: id, target: `node:w-${p % nodes}`, data: {} });
  }
  return {
    format: 'akb-graph/v1',
    revision: 1,
    generatedAt: '',
    cluster: { asn: null, asnSource: null },
    fabric: { tenant: 't', vrf: 'v' },
    nodes: n,
    edges: e,
    routes: [],
    problems: [],
  };
}
