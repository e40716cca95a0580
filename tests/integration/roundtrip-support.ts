/**
 * Round-trip test support: a lab (`startLab`: lab Kubernetes API server and lab APIC on loopback, over TLS, with
 * the lab directory `akb capture --lab-dir` reads), and the comparison of a correlated graph against the lab's
 * ground truth.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ApicClient } from '../../lib/aci/client';
import { startLab, type Lab } from '../../lib/lab';
import type { GroundTruth, LabWorld, Scenario } from '../../lib/lab/model';
import type { TopologyGraph } from '../../lib/topology/graph';

export interface ServedLab {
  lab: Lab;
  /** Directory holding lab.json and the files it names. */
  dir: string;
  /** A fresh APIC client (the caller closes it) and kubeconfig for the lab. */
  connect(): { apic: ApicClient; kubeConfig: KubeConfig };
  stop(): Promise<void>;
}

/**
 * Starts a lab for a scenario (without demo events, so the world holds still), optionally replaced by a
 * mutated world, which the lab syncs into both servers before this resolves.
 */
export async function serveLab(scenario: string | Scenario, mutate?: (w: LabWorld) => LabWorld): Promise<ServedLab> {
  const dir = await mkdtemp(join(tmpdir(), 'akb-roundtrip-'));
  const lab = await startLab({ scenario, labDir: dir, demo: false });
  if (mutate) lab.setWorld(mutate(lab.world()));
  return {
    lab,
    dir,
    connect() {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(lab.kubeconfigYaml());
      const { urls, user, password, caPem } = lab.apicConnection;
      const apic = new ApicClient({ controllers: urls, auth: { type: 'password', user, password }, tls: caPem ? { ca: caPem } : {} });
      return { apic, kubeConfig };
    },
    async stop() {
      await lab.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Every disagreement between a correlated graph and the world's ground truth, as readable lines (empty when
 * they agree): each node's path, leaf ports and hypervisor; each BGP session (node, leaf, state), with no
 * extra sessions; each leaf's routes in the cluster VRF with their next hops (node or fabric leaf).
 */
export function truthMismatches(graph: TopologyGraph, truth: GroundTruth): string[] {
  const out: string[] = [];
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const edgesFrom = (id: string, kind: string) => graph.edges.filter((e) => e.source === id && e.kind === kind);
  for (const t of truth.nodes) {
    const id = `node:${t.name}`;
    const node = nodes.get(id);
    if (!node) {
      out.push(`${id}: missing from the graph`);
      continue;
    }
    const paths = node.data.paths as string[];
    if (!t.ready) {
      // A failed node is powered off: its endpoint ages out of the fabric, so nothing places it on a port.
      // The truth still names its cable (physical fact); the graph must say the endpoint is not learned.
      if (paths.length > 0) out.push(`${id}: not ready, yet placed on ${JSON.stringify(paths)}`);
      if (!graph.problems.some((p) => p.code === 'node-endpoint-not-learned' && p.subject === id))
        out.push(`${id}: not ready, no node-endpoint-not-learned problem`);
      continue;
    }
    const wantPaths = t.pathDn ? [t.pathDn] : [];
    if (!sameList(paths, wantPaths)) out.push(`${id}: paths ${JSON.stringify(paths)}, truth ${JSON.stringify(wantPaths)}`);
    if (node.data.mac !== (t.pathDn ? t.mac : '')) out.push(`${id}: mac ${String(node.data.mac)}, truth ${t.mac}`);
    // A bare-metal node is cabled itself; a VM's cables are its hypervisor's (or the blade switch's it sits behind).
    const bareMetal = t.hostKind === 'baremetal';
    const cabled = bareMetal ? id : `hypervisor:${t.via ?? t.host}`;
    if (t.pathDn) {
      if (node.data.bareMetal !== bareMetal) out.push(`${id}: bareMetal ${String(node.data.bareMetal)}, truth ${String(bareMetal)}`);
      const runsOn = edgesFrom(id, 'runs-on').map((e) => e.target);
      if (!bareMetal && !sameList(runsOn, [cabled])) out.push(`${id}: runs on ${JSON.stringify(runsOn)}, truth ${cabled}`);
      const ports = edgesFrom(cabled, 'link')
        .filter((e) => e.data.path === t.pathDn)
        .map((e) => `${e.target}|${String(e.data.leafPort)}`);
      const wantPorts = t.leafPorts.map((p) => `leaf:${p.leaf}|${p.port}`);
      if (!sameList(ports, wantPorts)) out.push(`${id}: leaf ports ${JSON.stringify(ports)}, truth ${JSON.stringify(wantPorts)}`);
    }
  }

  const sessions = graph.edges.filter((e) => e.kind === 'bgp').map((e) => `${e.source}|${e.target}|${String(e.data.state)}`);
  const wantSessions = truth.sessions.filter((s) => s.leaf !== null).map((s) => `node:${s.node}|leaf:${s.leaf}|${s.state}`);
  for (const s of difference(wantSessions, sessions)) out.push(`session ${s}: missing from the graph`);
  for (const s of difference(sessions, wantSessions)) out.push(`session ${s}: in the graph, not in the truth`);

  const routeKey = (leaf: string, prefix: string) => `${leaf} ${prefix}`;
  const routes = new Map(
    graph.routes.map((r) => [routeKey(r.leaf, r.prefix), r.nextHops.map((h) => `${h.ip}|${h.node ?? h.fabricNode ?? '-'}`)]),
  );
  const wantRoutes = new Map(
    truth.routes.map((r) => [
      routeKey(`leaf:${r.leaf}`, r.prefix),
      r.nextHops.map((h) => `${h.addr}|${h.node !== null ? `node:${h.node}` : h.viaLeaf !== null ? `leaf:${h.viaLeaf}` : '-'}`),
    ]),
  );
  for (const [key, hops] of wantRoutes) {
    const got = routes.get(key);
    if (!got) out.push(`route ${key}: missing from the graph`);
    else if (!sameList(got, hops))
      out.push(`route ${key}: next hops ${JSON.stringify(got.sort())}, truth ${JSON.stringify([...hops].sort())}`);
  }
  for (const key of routes.keys()) if (!wantRoutes.has(key)) out.push(`route ${key}: in the graph, not in the truth`);
  return out;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const have = new Set(b);
  return a.filter((x) => !have.has(x));
}
