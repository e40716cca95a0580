/**
 * Table rows and columns derived from the graph: inventory, BGP peers, routes, leaves↔nodes,
 * leaves↔pods, services. Each table is a list of plain rows plus its columns, so the UI, CSV and JSON
 * export show exactly the same thing.
 */
import type { GraphNode, TopologyGraph } from '../topology/graph';
import type { Column } from './export';
import { hypervisorOfNode, indexGraph, leavesOfNode, neighbours, nodeOfPod, type GraphIndex } from './graph-index';

type Row = Record<string, string | number | boolean | null>;

export interface Table {
  name: string;
  title: string;
  /** Column holding the graph id each row links to. */
  linkKey: string;
  columns: Column<Row>[];
  rows: Row[];
}

const cols = (spec: [key: string, header: string][]): Column<Row>[] =>
  spec.map(([key, header]) => ({ key, header, value: (r: Row) => r[key] ?? null }));
const name = (ix: GraphIndex, id: string | null) => (id ? (ix.node.get(id)?.name ?? id) : '');
const ports = (ix: GraphIndex, from: string) =>
  (ix.edgesOf.get(from) ?? [])
    .filter((e) => e.kind === 'link' && e.source === from)
    .map((e) => `${name(ix, e.target)} ${String(e.data.leafPort ?? '')}↔${String(e.data.remotePort ?? '')}`)
    .join('; ');

function inventory(ix: GraphIndex): Table {
  const rows: Row[] = [];
  for (const pod of ix.graph.nodes.filter((n) => n.kind === 'pod')) {
    const node = nodeOfPod(ix, pod.id);
    const hv = node ? hypervisorOfNode(ix, node) : null;
    rows.push({
      id: pod.id,
      pod: pod.name,
      namespace: String(pod.data.namespace ?? ''),
      podIp: String(pod.data.ip ?? ''),
      node: name(ix, node),
      nodeIp: node ? String(ix.node.get(node)?.data.ip ?? '') : '',
      hypervisor: name(ix, hv),
      leaves: node
        ? leavesOfNode(ix, node)
            .map((l) => name(ix, l))
            .join(', ')
        : '',
      interfaces: node ? ports(ix, hv ?? node) : '',
    });
  }
  return {
    name: 'inventory',
    title: 'Inventory',
    linkKey: 'id',
    rows,
    columns: cols([
      ['leaves', 'Leaves'],
      ['hypervisor', 'Hypervisor'],
      ['node', 'Node'],
      ['nodeIp', 'Node IP'],
      ['pod', 'Pod'],
      ['namespace', 'Namespace'],
      ['podIp', 'Pod IP'],
      ['interfaces', 'Interfaces (leaf port ↔ host port)'],
    ]),
  };
}

function bgpPeers(ix: GraphIndex): Table {
  const rows: Row[] = ix.graph.edges
    .filter((e) => e.kind === 'bgp')
    .map((e) => ({
      id: e.id,
      leaf: name(ix, e.target),
      node: name(ix, e.source),
      peerIp: String(e.data.peerIp ?? ''),
      localIp: String(e.data.localIp ?? ''),
      state: String(e.data.state ?? ''),
      type: String(e.data.type ?? ''),
    }));
  return {
    name: 'bgp',
    title: 'BGP peers',
    linkKey: 'id',
    rows,
    columns: cols([
      ['leaf', 'Leaf'],
      ['node', 'Peer node'],
      ['peerIp', 'Peer IP'],
      ['localIp', 'Local IP'],
      ['state', 'State'],
      ['type', 'Type'],
    ]),
  };
}

function routes(ix: GraphIndex): Table {
  const rows: Row[] = ix.graph.routes.map((r) => ({
    id: r.leaf,
    leaf: name(ix, r.leaf),
    prefix: r.prefix,
    nextHops: r.nextHops
      .map((h) => (h.node ? `${h.ip} (${name(ix, h.node)})` : h.fabricNode ? `${h.ip} (via ${name(ix, h.fabricNode)})` : h.ip))
      .join(', '),
    paths: r.nextHops.length,
    kubernetes: r.kubernetes,
    services: r.services.map((s) => s.replace(/^service:/, '')).join(', '),
  }));
  return {
    name: 'routes',
    title: 'Routes',
    linkKey: 'id',
    rows,
    columns: cols([
      ['leaf', 'Leaf'],
      ['prefix', 'Prefix'],
      ['nextHops', 'Next hops'],
      ['paths', 'ECMP paths'],
      ['kubernetes', 'Kubernetes'],
      ['services', 'Services'],
    ]),
  };
}

function leafNodes(ix: GraphIndex): Table {
  const rows: Row[] = [];
  for (const node of ix.graph.nodes.filter((n) => n.kind === 'k8s-node')) {
    const hv = hypervisorOfNode(ix, node.id);
    const bgp = (ix.edgesOf.get(node.id) ?? []).filter((e) => e.kind === 'bgp');
    for (const leaf of leavesOfNode(ix, node.id).concat(leavesOfNode(ix, node.id).length === 0 ? [''] : []))
      rows.push({
        id: node.id,
        leaf: name(ix, leaf || null),
        node: node.name,
        nodeIp: String(node.data.ip ?? ''),
        hypervisor: name(ix, hv),
        bareMetal: node.data.bareMetal === true,
        bgpPeers: bgp.map((e) => `${name(ix, e.target)} ${String(e.data.state ?? '')}`).join(', '),
      });
  }
  return {
    name: 'leaf-nodes',
    title: 'Leaves and nodes',
    linkKey: 'id',
    rows,
    columns: cols([
      ['leaf', 'Leaf'],
      ['node', 'Node'],
      ['nodeIp', 'Node IP'],
      ['hypervisor', 'Hypervisor'],
      ['bareMetal', 'Bare metal'],
      ['bgpPeers', 'BGP peers'],
    ]),
  };
}

function leafPods(ix: GraphIndex): Table {
  const rows: Row[] = [];
  for (const pod of ix.graph.nodes.filter((n) => n.kind === 'pod')) {
    const node = nodeOfPod(ix, pod.id);
    for (const leaf of node ? leavesOfNode(ix, node) : [])
      rows.push({
        id: pod.id,
        leaf: name(ix, leaf),
        pod: pod.name,
        namespace: String(pod.data.namespace ?? ''),
        podIp: String(pod.data.ip ?? ''),
        node: name(ix, node),
      });
  }
  return {
    name: 'leaf-pods',
    title: 'Leaves and pods',
    linkKey: 'id',
    rows,
    columns: cols([
      ['leaf', 'Leaf'],
      ['pod', 'Pod'],
      ['namespace', 'Namespace'],
      ['podIp', 'Pod IP'],
      ['node', 'Node'],
    ]),
  };
}

function services(ix: GraphIndex): Table {
  const list = (n: GraphNode, k: string) => (Array.isArray(n.data[k]) ? (n.data[k] as unknown[]).join(', ') : '');
  const rows: Row[] = ix.graph.nodes
    .filter((n) => n.kind === 'service')
    .map((s) => ({
      id: s.id,
      service: s.name,
      namespace: String(s.data.namespace ?? ''),
      type: String(s.data.type ?? ''),
      clusterIPs: list(s, 'clusterIPs'),
      externalIPs: [list(s, 'externalIPs'), list(s, 'loadBalancerIPs')].filter(Boolean).join(', '),
      policy: String(s.data.externalTrafficPolicy ?? ''),
      pods: neighbours(ix, s.id, ['selects'], 'out').length,
      leaves: [...new Set(ix.graph.routes.filter((r) => r.services.includes(s.id)).map((r) => name(ix, r.leaf)))].sort().join(', '),
    }));
  return {
    name: 'services',
    title: 'Services',
    linkKey: 'id',
    rows,
    columns: cols([
      ['namespace', 'Namespace'],
      ['service', 'Service'],
      ['type', 'Type'],
      ['clusterIPs', 'Cluster IPs'],
      ['externalIPs', 'External / LB IPs'],
      ['policy', 'Traffic policy'],
      ['pods', 'Pods'],
      ['leaves', 'Leaves carrying it'],
    ]),
  };
}

export const TABLE_NAMES = ['inventory', 'bgp', 'routes', 'leaf-nodes', 'leaf-pods', 'services'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

const BUILDERS: Record<TableName, (ix: GraphIndex) => Table> = {
  inventory,
  bgp: bgpPeers,
  routes,
  'leaf-nodes': leafNodes,
  'leaf-pods': leafPods,
  services,
};

export function buildTable(graphOrIndex: TopologyGraph | GraphIndex, table: TableName): Table {
  const ix = 'nodes' in graphOrIndex ? indexGraph(graphOrIndex) : graphOrIndex;
  return BUILDERS[table](ix);
}
