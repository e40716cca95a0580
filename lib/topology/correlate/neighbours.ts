import type { CdpAdjEp, CdpIf, LldpAdjEp, LldpIf } from '../../aci/models';
import { canonicalJson } from '../canonical';
import type { GraphNode } from '../graph';
import type { GraphSink } from './builder';
import { ensureSwitch, type Context, type EnsureSwitch } from './context';
import type { NodeAttachment } from './endpoints';
import { edgeId, hypervisorId } from './ids';
import { portKey, type PortLookups } from './ports';
import { compareStrings } from '../../shared/compare';

export type NeighbourKind = 'esxi' | 'linux' | 'cisco' | 'other';

/** One adjacency seen on a leaf port of a node's path. */
export interface Neighbour {
  name: string;
  description: string;
  kind: NeighbourKind;
  remotePort: string;
  protocol: 'lldp' | 'cdp';
  leafNodeId: number;
  leafPort: string;
  path: string;
}

export function neighbourKind(description: string): NeighbourKind {
  if (/vmware|esxi/i.test(description)) return 'esxi';
  if (/cisco|ucs|nx-os/i.test(description)) return 'cisco';
  if (/linux|lldpd|nutanix|ahv/i.test(description)) return 'linux';
  return 'other';
}

/**
 * The neighbour's own port name, from the attribute its kind fills in: ESXi sends the vmnic as port id
 * (some releases as chassis id); Linux lldpd sends its MAC as port id and the interface name as port
 * description; UCS fabric interconnects and NX-OS send the interface name as port id.
 */
export function lldpRemotePort(adj: LldpAdjEp, kind: NeighbourKind): string {
  if (kind === 'esxi') {
    return [adj.portIdV, adj.chassisIdV].find((v) => /^vmnic/i.test(v)) ?? (adj.portIdV || adj.chassisIdV || adj.portDesc);
  }
  if (kind === 'cisco') return adj.portIdV || adj.portDesc;
  if (adj.portIdT === 'mac' || kind === 'linux') return adj.portDesc || adj.portIdV;
  return adj.portIdV || adj.portDesc;
}

/** Of several adjacencies on one port, the first in canonical order: the choice must not depend on the wire order. */
function firstAdjacency<T>(adjacencies: readonly T[], usable: (a: T) => unknown): T | undefined {
  const candidates = adjacencies.filter(usable);
  if (candidates.length < 2) return candidates[0];
  return candidates.map((a) => [canonicalJson(a), a] as const).sort(([x], [y]) => compareStrings(x, y))[0]![1];
}

function fromLldp(i: LldpIf, path: string): Neighbour | null {
  if (!i.rxUp || !i.txUp || i.nodeId === null) return null;
  const adj = firstAdjacency(i.adjacencies, (a) => a.sysName || a.mgmtIp || a.chassisIdV);
  if (!adj) return null;
  const kind = neighbourKind(adj.sysDesc);
  const name = adj.sysName || adj.mgmtIp || adj.chassisIdV;
  return {
    name,
    description: adj.sysDesc,
    kind,
    remotePort: lldpRemotePort(adj, kind),
    protocol: 'lldp',
    leafNodeId: i.nodeId,
    leafPort: i.id,
    path,
  };
}

function fromCdp(i: CdpIf, path: string): Neighbour | null {
  if (!i.up || i.nodeId === null) return null;
  const adj: CdpAdjEp | undefined = firstAdjacency(i.adjacencies, (a) => a.sysName || a.devId);
  if (!adj) return null;
  // devId is often `name(serial)`: the serial is not part of the host name.
  const name = adj.sysName || adj.devId.replace(/\([^)]*\)$/, '');
  const description = adj.ver || adj.platId;
  return {
    name,
    description,
    kind: neighbourKind(`${adj.ver} ${adj.platId}`),
    remotePort: adj.portId,
    protocol: 'cdp',
    leafNodeId: i.nodeId,
    leafPort: i.id,
    path,
  };
}

/** Neighbours on every fabric port of the node's paths: LLDP where it is up both ways, else CDP, port by port. */
export function findNeighbours(att: NodeAttachment, ports: PortLookups): Neighbour[] {
  const out: Neighbour[] = [];
  for (const path of att.paths) {
    const lldps = new Map<string, LldpIf>();
    const cdps = new Map<string, CdpIf>();
    // Lists come in DN order: of two records for one port, the lower DN is kept.
    for (const i of ports.lldpOnPath(path.dn))
      if (i.nodeId !== null && !lldps.has(portKey(i.nodeId, i.id))) lldps.set(portKey(i.nodeId, i.id), i);
    for (const i of ports.cdpOnPath(path.dn))
      if (i.nodeId !== null && !cdps.has(portKey(i.nodeId, i.id))) cdps.set(portKey(i.nodeId, i.id), i);
    if (path.kind === 'port') {
      const k = portKey(path.nodeIds[0]!, path.name);
      const l = ports.lldpAt(path.nodeIds[0]!, path.name);
      const c = ports.cdpAt(path.nodeIds[0]!, path.name);
      if (l && !lldps.has(k)) lldps.set(k, l);
      if (c && !cdps.has(k)) cdps.set(k, c);
    }
    for (const k of new Set([...lldps.keys(), ...cdps.keys()])) {
      const l = lldps.get(k);
      const viaLldp = l ? fromLldp(l, path.dn) : null;
      const c = cdps.get(k);
      const n = viaLldp ?? (c ? fromCdp(c, path.dn) : null);
      if (n) out.push(n);
    }
  }
  return out;
}

const firstLabel = (name: string) => name.split('.')[0]!.toLowerCase();

/**
 * Links and hypervisors of one node. A neighbour whose system name matches the node name up to the first dot is
 * the node itself (bare metal); any other neighbour is the hypervisor (or blade switch) the node runs on, and
 * several nodes on one hypervisor share one hypervisor node. Sets the node's `bareMetal`.
 */
export function addNodeNeighbours(node: GraphNode, att: NodeAttachment, ports: PortLookups, ensure: EnsureSwitch, sink: GraphSink): void {
  const neighbours = findNeighbours(att, ports);
  if (neighbours.length === 0) {
    sink.problem(
      'warning',
      'no-lldp-neighbour',
      node.id,
      `No LLDP or CDP neighbour on ${att.paths.map((p) => p.dn).join(', ') || 'the endpoint path'}; enable LLDP/CDP on the host or hypervisor.`,
    );
    return;
  }
  for (const n of neighbours) {
    const leaf = ensure(n.leafNodeId);
    const data = { leafPort: n.leafPort, remotePort: n.remotePort, protocol: n.protocol, path: n.path };
    if (firstLabel(n.name) === firstLabel(node.name)) {
      node.data.bareMetal = true;
      sink.addEdge({ id: edgeId('link', node.id, leaf, n.leafPort), kind: 'link', source: node.id, target: leaf, data });
      continue;
    }
    const hv = hypervisorId(n.name);
    sink.addNode({
      id: hv,
      kind: 'hypervisor',
      name: n.name,
      data: { description: n.description, neighbourKind: n.kind, protocol: n.protocol },
    });
    sink.addEdge({ id: edgeId('link', hv, leaf, n.leafPort), kind: 'link', source: hv, target: leaf, data });
    sink.addEdge({ id: edgeId('runs-on', node.id, hv), kind: 'runs-on', source: node.id, target: hv, data: {} });
  }
}

/** Links and hypervisors of every attached node. */
export function addNeighbours(ctx: Context, ports: PortLookups, attachments: Map<string, NodeAttachment>): void {
  for (const [nodeGid, att] of attachments) addNodeNeighbours(ctx.g.node(nodeGid)!, att, ports, (id) => ensureSwitch(ctx, id), ctx.g);
}
