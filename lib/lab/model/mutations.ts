import { sessionKey } from './bgp';
import type { LinkSpec, SwitchSpec } from './schema';
import { cloneWorld, reconcileWorkloads, withScenarioCopy, type LabWorld } from './world';

/**
 * World mutations. Each is pure: it returns a new LabWorld and leaves its input untouched, so callers can diff
 * `deriveApic/deriveKubernetes(before)` against `(after)` to push changes into the servers. Copy on write
 * (world.ts `cloneWorld`): what a mutation changes is replaced, the rest is shared, so an event costs what it
 * touches; the frequent ones (a pod, a deployment, a service, a node, a session) never copy the whole world.
 */

function fail(message: string): never {
  throw new Error(message);
}

function findWorkload(w: LabWorld, namespace: string, name: string) {
  return w.scenario.cluster.workloads.find((x) => x.namespace === namespace && x.name === name) ?? fail(`no workload ${namespace}/${name}`);
}

export function scaleDeployment(w: LabWorld, namespace: string, name: string, replicas: number): LabWorld {
  if (!Number.isInteger(replicas) || replicas < 0) fail(`replicas must be a non-negative integer, got ${replicas}`);
  const wl = findWorkload(w, namespace, name);
  if (wl.kind !== 'Deployment') fail(`${namespace}/${name} is a ${wl.kind}, not a Deployment`);
  const next = cloneWorld(w);
  const changed = { ...wl, replicas };
  const cluster = next.scenario.cluster;
  next.scenario = { ...next.scenario, cluster: { ...cluster, workloads: cluster.workloads.map((x) => (x === wl ? changed : x)) } };
  reconcileWorkloads(next, `${namespace}/${name}`);
  return next;
}

/** Deletes a pod; its controller replaces it (new name, possibly another node and IP). */
export function killPod(w: LabWorld, namespace: string, name: string): LabWorld {
  const pod = w.pods.find((p) => p.namespace === namespace && p.name === name) ?? fail(`no pod ${namespace}/${name}`);
  const next = cloneWorld(w);
  next.pods = next.pods.filter((p) => p !== pod);
  reconcileWorkloads(next, pod.workload);
  return next;
}

/** The node replaced by a changed copy (the old object stays the previous world's). */
function withNode(w: LabWorld, name: string, change: (n: LabWorld['nodes'][number]) => void): LabWorld {
  const next = cloneWorld(w);
  const i = next.nodes.findIndex((n) => n.name === name);
  if (i < 0) fail(`no node ${name}`);
  const copy = { ...next.nodes[i]! };
  change(copy);
  next.nodes[i] = copy;
  return next;
}

/** Cordon + evict: Deployment pods move elsewhere; DaemonSet pods stay (kubectl drain --ignore-daemonsets). */
export function drainNode(w: LabWorld, name: string): LabWorld {
  const next = withNode(w, name, (n) => {
    n.schedulable = false;
  });
  const daemonSets = new Set(next.scenario.cluster.workloads.filter((x) => x.kind === 'DaemonSet').map((x) => `${x.namespace}/${x.name}`));
  next.pods = next.pods.filter((p) => p.node !== name || daemonSets.has(p.workload) || p.hostNetwork);
  reconcileWorkloads(next);
  return next;
}

export function uncordonNode(w: LabWorld, name: string): LabWorld {
  return withNode(w, name, (n) => {
    n.schedulable = true;
  });
}

/** The node goes NotReady: its pods are evicted (rescheduled elsewhere), its endpoint ages out, its sessions drop. */
export function failNode(w: LabWorld, name: string): LabWorld {
  const next = withNode(w, name, (n) => {
    n.ready = false;
  });
  reconcileWorkloads(next);
  return next;
}

export function recoverNode(w: LabWorld, name: string): LabWorld {
  const next = withNode(w, name, (n) => {
    n.ready = true;
  });
  reconcileWorkloads(next);
  return next;
}

export function setSessionDown(w: LabWorld, leaf: number, node: string, down: boolean): LabWorld {
  if (!w.nodes.some((n) => n.name === node)) fail(`no node ${node}`);
  const next = cloneWorld(w);
  const key = sessionKey(leaf, node);
  next.downSessions = down ? [...new Set([...next.downSessions, key])] : next.downSessions.filter((k) => k !== key);
  return next;
}

/** Misconfigures (or fixes) the node side of a rack's BGP peering: the AS it expects the fabric in, or its password. */
export function setRackPeering(w: LabWorld, rack: number, change: { as?: number; password?: string | null }): LabWorld {
  const next = withScenarioCopy(cloneWorld(w));
  const peers = next.scenario.cluster.cni.peers.filter((p) => p.rack === rack);
  if (peers.length === 0) fail(`no BGP peers configured for rack ${rack}`);
  for (const p of peers) {
    if (change.as !== undefined) p.as = change.as;
    if (change.password === null) delete p.password;
    else if (change.password !== undefined) p.password = change.password;
  }
  return next;
}

/** Misconfigures (or fixes) the fabric side: the cluster AS the L3Out expects, the fabric AS, or the password. */
export function setFabricPeering(w: LabWorld, change: { peerAs?: number; fabricAs?: number; password?: string | null }): LabWorld {
  const next = withScenarioCopy(cloneWorld(w));
  const l3 = next.scenario.l3out;
  if (change.peerAs !== undefined) l3.peerAs = change.peerAs;
  if (change.fabricAs !== undefined) l3.fabricAs = change.fabricAs;
  if (change.password === null) delete l3.password;
  else if (change.password !== undefined) l3.password = change.password;
  return next;
}

/** Re-cables one of a host's links (e.g. to another leaf / port). */
export function moveCable(w: LabWorld, host: string, linkIndex: number, link: LinkSpec): LabWorld {
  const next = withScenarioCopy(cloneWorld(w));
  const h = next.scenario.hosts.find((x) => x.name === host) ?? fail(`no host ${host}`);
  if (!h.links[linkIndex]) fail(`host ${host} has no link ${linkIndex}`);
  const leafIds = new Set(next.scenario.fabric.leaves.map((l) => l.id));
  for (const id of link.leaves) if (!leafIds.has(id)) fail(`leaf ${id} does not exist`);
  h.links[linkIndex] = link;
  return next;
}

/** Adds a leaf (optionally as vPC peer of an existing one). */
export function addLeaf(w: LabWorld, leaf: SwitchSpec, vpcPeer?: number): LabWorld {
  const next = withScenarioCopy(cloneWorld(w));
  const f = next.scenario.fabric;
  if ([...f.leaves, ...f.spines].some((l) => l.id === leaf.id)) fail(`switch id ${leaf.id} already exists`);
  f.leaves.push(leaf);
  if (vpcPeer !== undefined) f.vpcPairs.push([vpcPeer, leaf.id]);
  return next;
}

export function setExternalTrafficPolicy(w: LabWorld, namespace: string, name: string, policy: 'Cluster' | 'Local'): LabWorld {
  const svc =
    w.scenario.cluster.services.find((x) => x.namespace === namespace && x.name === name) ?? fail(`no service ${namespace}/${name}`);
  const next = cloneWorld(w);
  const changed = { ...svc, externalTrafficPolicy: policy };
  const cluster = next.scenario.cluster;
  next.scenario = { ...next.scenario, cluster: { ...cluster, services: cluster.services.map((x) => (x === svc ? changed : x)) } };
  return next;
}

/** The Node object is deleted (e.g. `kubectl delete node`): its pods go (and are rescheduled), its sessions and endpoint vanish. */
export function removeNode(w: LabWorld, name: string): LabWorld {
  if (!w.nodes.some((n) => n.name === name)) fail(`no node ${name}`);
  const next = withScenarioCopy(cloneWorld(w));
  next.nodes = next.nodes.filter((n) => n.name !== name);
  next.scenario.cluster.nodes = next.scenario.cluster.nodes.filter((n) => n.name !== name);
  next.downSessions = next.downSessions.filter((k) => !k.endsWith(`|${name}`));
  reconcileWorkloads(next);
  return next;
}

/**
 * Re-addresses a node's interface or moves it to another VLAN (a port-group change, a re-tagged NIC): what the
 * fabric sees of the node changes, not anybody's configuration. Host-network pods follow the address.
 */
export function setNodeNetwork(w: LabWorld, name: string, change: { ip?: string; vlan?: number }): LabWorld {
  const { ip, vlan } = change;
  const owner = ip === undefined ? undefined : w.nodes.find((n) => n.name !== name && n.ip === ip);
  if (owner) fail(`address ${ip} is already node ${owner.name}'s`);
  const next = withNode(w, name, (n) => {
    if (ip !== undefined) n.ip = ip;
    if (vlan !== undefined) n.vlan = vlan;
  });
  // The scenario keeps its description (a node may well end up outside its subnet: that is the fault being shown).
  if (ip !== undefined) next.pods = next.pods.map((p) => (p.node === name && p.hostNetwork ? { ...p, ip } : p));
  return next;
}
