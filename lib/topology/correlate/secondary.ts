import { z } from 'zod';
import { parseFabricLink } from '../../aci/models';
import { normaliseIp } from '../../aci/models/attributes';
import type { K8sNfna } from '../k8s-models';
import type { GraphSink } from './builder';
import { ensureSwitch, type Context, type EnsureSwitch } from './context';
import { edgeId, k8sNodeId, podId } from './ids';
import { compareStrings } from '../../shared/compare';

const SECONDARY_TYPES = ['sriov', 'macvlan', 'bridge'] as const;
type SecondaryType = (typeof SECONDARY_TYPES)[number];

const networkStatus = z.array(
  z.looseObject({
    name: z.string().optional(),
    interface: z.string().optional(),
    ips: z.array(z.string()).optional(),
    mac: z.string().optional(),
    default: z.boolean().optional(),
  }),
);
export type NetworkStatusEntry = z.output<typeof networkStatus>[number];

/** The pod's Multus `k8s.v1.cni.cncf.io/network-status` entries; a malformed annotation reads as none. */
export function podNetworkStatus(annotations: Record<string, string> | undefined): NetworkStatusEntry[] {
  const raw = annotations?.['k8s.v1.cni.cncf.io/network-status'];
  if (!raw) return [];
  try {
    const r = networkStatus.safeParse(JSON.parse(raw));
    return r.success ? r.data : [];
  } catch {
    return [];
  }
}

/** `[3456]`, `3456,3457`, `[100-102]` → VLAN ids (a range is expanded up to 4094 ids). */
export function parseVlanList(text: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').replace(/[[\]\s]/g, '').split(',')) {
    const m = /^(\d{1,4})(?:-(\d{1,4}))?$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let v = lo; v <= hi && v <= 4094; v++) if (v >= 1 && !out.includes(v)) out.push(v);
  }
  return out;
}

const isSecondary = (e: NetworkStatusEntry) => e.default !== true && e.interface !== 'eth0';
/** A network-status name (`ns/net` or `net`) refers to network `ns/name`. */
const sameNetwork = (statusName: string | undefined, ns: string, name: string) => statusName === `${ns}/${name}` || statusName === name;

/** What drawing one NodeFabricNetworkAttachment looks up. */
export interface NfnaLookups {
  hasNode(id: string): boolean;
  hasPod(id: string): boolean;
  /** The pod's network-status entries (empty when it has none). */
  statusOf(podId: string): readonly NetworkStatusEntry[];
}

/** The key of a (pod, network) pair some NFNA links to the fabric. */
export const coveredKey = (pod: string, network: string) => `${pod}\u0000${network}`;

const byName = ([a]: [string, unknown], [b]: [string, unknown]) => compareStrings(a, b);

/**
 * One ACI CNO NodeFabricNetworkAttachment: `secondary-link` edges from the node's host interface to each leaf port
 * in `aciTopology[iface].fabricLink` (whether or not pods use it yet), and `secondary-attachment` edges from each
 * listed pod, with the pod-side interface from its network-status annotation. Reports each (pod, network) it
 * links to the fabric through `covered`.
 */
export function addNfna(nfna: K8sNfna, look: NfnaLookups, ensure: EnsureSwitch, sink: GraphSink, covered: (key: string) => void): void {
  const spec = nfna.spec;
  if (!spec?.nodeName) return;
  const node = k8sNodeId(spec.nodeName);
  if (!look.hasNode(node)) return;
  const cni = (spec.primaryCni ?? '').toLowerCase();
  const type = SECONDARY_TYPES.find((t) => t === cni) as SecondaryType | undefined;
  if (!type) {
    sink.problem(
      'info',
      'secondary-network-type-unsupported',
      node,
      `NodeFabricNetworkAttachment ${nfna.metadata.name} uses CNI ${JSON.stringify(spec.primaryCni ?? '')}; akb draws sriov, macvlan and bridge.`,
    );
    return;
  }
  const netNs = spec.networkRef?.namespace ?? 'default';
  const netName = spec.networkRef?.name ?? nfna.metadata.name;
  const network = `${netNs}/${netName}`;
  const vlans = parseVlanList(spec.encapVlan?.vlanList);
  const vlan = vlans[0] ?? null;
  for (const [iface, topo] of Object.entries(spec.aciTopology ?? {}).sort(byName)) {
    for (const link of topo.fabricLink ?? []) {
      const parsed = parseFabricLink(link);
      if (!parsed) continue;
      for (const leafId of parsed.nodeIds) {
        const leaf = ensure(leafId);
        sink.addEdge({
          id: edgeId('secondary-link', node, leaf, iface, parsed.port),
          kind: 'secondary-link',
          source: node,
          target: leaf,
          data: { type, nodePort: iface, leafPort: parsed.port, vlan, vlans, network, fabricLink: link },
        });
      }
    }
    for (const p of topo.pods ?? []) {
      const pod = podId(p.podRef.namespace ?? netNs, p.podRef.name);
      if (!look.hasPod(pod)) continue;
      const status = look.statusOf(pod).find((e) => sameNetwork(e.name, netNs, netName));
      const podInterface = status?.interface ?? (type === 'bridge' ? (p.localIface ?? '') : '');
      const nodeInterface = type === 'bridge' ? iface : (p.localIface ?? iface);
      covered(coveredKey(pod, network));
      sink.addEdge({
        id: edgeId('secondary-attachment', pod, node, network, podInterface),
        kind: 'secondary-attachment',
        source: pod,
        target: node,
        data: {
          type,
          network,
          podInterface,
          nodeInterface,
          vlan,
          mac: status?.mac ?? '',
          ips: (status?.ips ?? []).map((ip) => normaliseIp(ip)).filter((ip): ip is string => ip !== null),
        },
      });
    }
  }
}

/** The secondary networks of a pod (`ns/net` keys) that no NFNA links to the fabric: one warning each. */
export function addPodNetworkProblems(
  pod: string,
  entries: readonly NetworkStatusEntry[],
  isCovered: (key: string) => boolean,
  sink: GraphSink,
): void {
  const ns = pod.slice('pod:'.length, pod.indexOf('/'));
  for (const e of entries.filter(isSecondary)) {
    const name = e.name ?? '';
    const network = name.includes('/') ? name : `${ns}/${name}`;
    if (isCovered(coveredKey(pod, network))) continue;
    sink.problem(
      'warning',
      'pod-network-without-fabric-link',
      pod,
      `Interface ${e.interface ?? '?'} on network ${network} has no NodeFabricNetworkAttachment linking it to the fabric.`,
    );
  }
}

/**
 * Secondary networks from the ACI CNO NodeFabricNetworkAttachments, and the pods attached to a secondary network
 * that no NFNA links to the fabric (a `pod-network-without-fabric-link` problem).
 */
export function addSecondaryNetworks(ctx: Context): void {
  const covered = new Set<string>();
  const statusByPod = new Map<string, NetworkStatusEntry[]>();
  for (const pod of ctx.inputs.k8s('pods')) {
    const entries = podNetworkStatus(pod.metadata.annotations);
    if (entries.length > 0) statusByPod.set(podId(pod.metadata.namespace ?? 'default', pod.metadata.name), entries);
  }
  const look: NfnaLookups = {
    hasNode: (id) => ctx.g.hasNode(id),
    hasPod: (id) => ctx.g.hasNode(id),
    statusOf: (id) => statusByPod.get(id) ?? [],
  };
  for (const nfna of ctx.inputs.k8s('nodefabricnetworkattachments'))
    addNfna(
      nfna,
      look,
      (id) => ensureSwitch(ctx, id),
      ctx.g,
      (key) => covered.add(key),
    );
  for (const [id, entries] of statusByPod) addPodNetworkProblems(id, entries, (key) => covered.has(key), ctx.g);
}
