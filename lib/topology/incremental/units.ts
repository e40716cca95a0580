/**
 * The units of work of the incremental graph: each one is the batch correlator's rule for one object (one pod, one
 * route, one node's attachment), run with lookups that record the facts they read. A unit is redone when its own
 * input changes or a fact it read does.
 */
import { switchGid, switchNode, type EnsureSwitch } from '../correlate/context';
import { addBgpSession } from '../correlate/bgp';
import { isSwitch } from '../correlate/fabric';
import { decideAsn } from '../correlate/asn';
import { resolveAttachment, type EndpointLookups } from '../correlate/endpoints';
import { addNodeNeighbours } from '../correlate/neighbours';
import { emitK8sNode, nodeClaimRank, podGraph, podOwnedIps } from '../correlate/nodes';
import type { PortLookups } from '../correlate/ports';
import { portKey } from '../correlate/ports';
import { buildRoute } from '../correlate/routes';
import { addPodNetworkProblems, addNfna, podNetworkStatus, type NetworkStatusEntry } from '../correlate/secondary';
import { addSliceSelects, serviceGraph } from '../correlate/services';
import type { AsnSource } from '../graph';
import type { ClaimIndex } from './claims';
import type { InputState } from './input-state';
import { networkKey } from './networks';
import type { IpIndex } from '../correlate/ip-index';
import type { UnitSink } from './unit-sink';

/** What units read beyond the inputs: the claims and indexes other units maintain. */
export interface UnitWorld {
  inputs: InputState;
  nodeIps: ClaimIndex;
  podIps: ClaimIndex;
  /** TEP address → fabric node id (as a string). */
  teps: ClaimIndex;
  serviceIps: IpIndex<string>;
  cluster: { asn: number | null; asnSource: AsnSource };
  podStatus: Map<string, NetworkStatusEntry[]>;
  covered: Map<string, number>;
  /** Graph ids that exist (nodes, pods and services), for `has…` lookups. */
  exists(id: string): boolean;
}

/** The result of a unit beyond its graph items, for the engine to propagate. */
export interface UnitEffects {
  /** Claims of IPs (node and pod units) or TEPs (switch units): key → rank. */
  claims?: Map<string, string>;
  /** Service units: the IPs the service owns. */
  serviceIps?: string[];
  /** Pod units: the pod's network-status entries. */
  podStatus?: NetworkStatusEntry[];
  /** NFNA units: the (pod, network) pairs they link to the fabric. */
  covered?: string[];
  /** The ASN unit: the cluster AS. */
  cluster?: UnitWorld['cluster'];
  /** Pod and service units: the graph id of their object. Switch units: the switch's graph id. */
  id?: string;
}

function ensureFrom(w: UnitWorld, sink: UnitSink): EnsureSwitch {
  return (id) => {
    sink.read(`switch:${id}`);
    return switchGid(id, w.inputs.fabricNode(id));
  };
}

function dnsToModels<T>(dns: ReadonlySet<string> | undefined, byDn: ReadonlyMap<string, T>): T[] {
  if (!dns) return [];
  return [...dns].sort().map((dn) => byDn.get(dn)!);
}

export function runSwitch(w: UnitWorld, id: number, referenced: boolean, sink: UnitSink): UnitEffects {
  const fn = w.inputs.fabricNode(id);
  if ((fn && isSwitch(fn)) || referenced) sink.addNode(switchNode(id, fn, w.inputs.vpcPeer(id)));
  const claims = new Map<string, string>();
  // The lower node id owns a TEP two switches carry; ranks compare as strings, so pad the id.
  if (fn && isSwitch(fn) && fn.address) claims.set(fn.address, String(id).padStart(6, '0'));
  return { claims, id: switchGid(id, fn) };
}

export function runNode(w: UnitWorld, name: string, sink: UnitSink): UnitEffects {
  const node = w.inputs.nodes.get(name);
  const podKeys = w.inputs.podsByNode.get(name);
  if (!node && !podKeys) return { claims: new Map() };
  const graphNode = emitK8sNode(
    name,
    node,
    () => {
      sink.read(`podsof:${name}`);
      return [...(w.inputs.podsByNode.get(name) ?? [])].map((k) => w.inputs.pods.get(k)!);
    },
    sink,
  );
  const claims = new Map<string, string>();
  for (const ip of graphNode.data.ips as string[]) claims.set(ip, nodeClaimRank(name, node !== undefined));
  const { inputs } = w;
  const endpoints: EndpointLookups = {
    dom: inputs.dom,
    cepsAt(ip) {
      sink.read(`cepip:${ip}`);
      return dnsToModels(inputs.cepsByIp.get(ip), inputs.ceps).map((c) => c.cep);
    },
    lagT(dn) {
      sink.read(`lagt:${dn}`);
      return inputs.lagT.get(dn);
    },
    arpsOf(mac) {
      sink.read(`arp:${mac}`);
      return dnsToModels(inputs.arpsByMac.get(mac), inputs.arps);
    },
  };
  const ports: PortLookups = {
    lldpOnPath(dn) {
      sink.read(`lldppath:${dn}`);
      return dnsToModels(inputs.lldpByPath.get(dn), inputs.lldp);
    },
    cdpOnPath(dn) {
      sink.read(`cdppath:${dn}`);
      return dnsToModels(inputs.cdpByPath.get(dn), inputs.cdp);
    },
    lldpAt(nodeId, port) {
      sink.read(`lldpport:${portKey(nodeId, port)}`);
      return dnsToModels(inputs.lldpByPort.get(portKey(nodeId, port)), inputs.lldp)[0];
    },
    cdpAt(nodeId, port) {
      sink.read(`cdpport:${portKey(nodeId, port)}`);
      return dnsToModels(inputs.cdpByPort.get(portKey(nodeId, port)), inputs.cdp)[0];
    },
  };
  const att = resolveAttachment(graphNode, endpoints, ports, sink);
  if (att) addNodeNeighbours(graphNode, att, ports, ensureFrom(w, sink), sink);
  return { claims };
}

export function runPod(w: UnitWorld, key: string, sink: UnitSink): UnitEffects {
  const pod = w.inputs.pods.get(key);
  if (!pod) return { claims: new Map(), podStatus: [] };
  const { node, runsOn, ips } = podGraph(pod);
  sink.addNode(node);
  if (runsOn) sink.addEdge(runsOn);
  const claims = new Map<string, string>();
  for (const ip of podOwnedIps(pod, ips)) claims.set(ip, node.id);
  return { claims, podStatus: podNetworkStatus(pod.metadata.annotations), id: node.id };
}

export function runAsn(w: UnitWorld, sink: UnitSink): UnitEffects {
  return { cluster: decideAsn([...w.inputs.asnClaims.values()].flat(), sink) };
}

export function runBgp(w: UnitWorld, dn: string, sink: UnitSink): UnitEffects {
  const e = w.inputs.bgpEntries.get(dn);
  if (!e) return {};
  const nodeAt = (ip: string) => {
    sink.read(`nodeip:${ip}`);
    return w.nodeIps.get(ip);
  };
  addBgpSession(e, w.inputs.dom, nodeAt, ensureFrom(w, sink), sink);
  return {};
}

export function runService(w: UnitWorld, key: string, sink: UnitSink): UnitEffects {
  const s = w.inputs.services.get(key);
  if (!s) return { serviceIps: [] };
  const { node, ips } = serviceGraph(s);
  sink.addNode(node);
  return { serviceIps: ips, id: node.id };
}

export function runSlice(w: UnitWorld, key: string, sink: UnitSink): UnitEffects {
  const slice = w.inputs.slices.get(key);
  if (!slice) return {};
  addSliceSelects(
    slice,
    {
      hasService: (id) => (sink.read(`has:${id}`), w.exists(id)),
      hasPod: (id) => (sink.read(`has:${id}`), w.exists(id)),
      podAt: (ip) => (sink.read(`podip:${ip}`), w.podIps.get(ip)),
    },
    sink,
  );
  return {};
}

export function runRoute(w: UnitWorld, key: string, sink: UnitSink): UnitEffects {
  const bySource = w.inputs.hopsByRoute.get(key);
  if (!bySource) return {};
  const hops = [...bySource.values()].flat();
  const leaf = ensureFrom(w, sink)(hops[0]!.nodeId);
  const route = buildRoute(
    leaf,
    hops[0]!.prefix,
    hops,
    {
      nodeAt: (ip) => (sink.read(`nodeip:${ip}`), w.nodeIps.get(ip)),
      tepAt: (ip) => {
        sink.read(`tep:${ip}`);
        const id = w.teps.get(ip);
        return id === undefined ? undefined : switchGid(Number(id), w.inputs.fabricNode(Number(id)));
      },
      asn: w.cluster.asn,
      servicesAt: (ip) => (sink.read(`svcat:${ip}`), w.serviceIps.at(ip)),
      servicesWithin: (prefix) => {
        const net = networkKey(prefix);
        if (net) sink.read(`svcwithin:${net}`);
        return w.serviceIps.within(prefix);
      },
    },
    sink,
  );
  sink.addRoute(route);
  return {};
}

export function runNfna(w: UnitWorld, key: string, sink: UnitSink): UnitEffects {
  const nfna = w.inputs.nfnas.get(key);
  const covered: string[] = [];
  if (!nfna) return { covered };
  addNfna(
    nfna,
    {
      hasNode: (id) => (sink.read(`has:${id}`), w.exists(id)),
      hasPod: (id) => (sink.read(`has:${id}`), w.exists(id)),
      statusOf: (id) => (sink.read(`podstatus:${id}`), w.podStatus.get(id) ?? []),
    },
    ensureFrom(w, sink),
    sink,
    (k) => covered.push(k),
  );
  return { covered };
}

export function runPodNetworks(w: UnitWorld, id: string, sink: UnitSink): UnitEffects {
  const entries = w.podStatus.get(id);
  if (entries?.length) addPodNetworkProblems(id, entries, (k) => (w.covered.get(k) ?? 0) > 0, sink);
  return {};
}

export function runInvalid(w: UnitWorld, sink: UnitSink): UnitEffects {
  for (const [where, keys] of w.inputs.unreadable)
    sink.problem('warning', 'invalid-input-skipped', 'cluster', `${keys.size} object(s) in ${where} could not be read and were skipped.`);
  return {};
}
