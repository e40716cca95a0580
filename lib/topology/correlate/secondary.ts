import { z } from 'zod';
import { parseFabricLink } from '../../aci/models';
import { normaliseIp } from '../../aci/models/attributes';
import { ensureSwitch, type Context } from './context';
import { edgeId, k8sNodeId, podId } from './ids';

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
type NetworkStatusEntry = z.output<typeof networkStatus>[number];

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

/**
 * Secondary networks from the ACI CNO NodeFabricNetworkAttachments: `secondary-link` edges from the
 * node's host interface to each leaf port in `aciTopology[iface].fabricLink` (whether or not pods use it
 * yet), and `secondary-attachment` edges from each listed pod, with the pod-side interface from its
 * network-status annotation. Pods attached to a secondary network that no NFNA links to the fabric get
 * a `pod-network-without-fabric-link` problem.
 */
export function addSecondaryNetworks(ctx: Context): void {
  const covered = new Set<string>();
  const statusByPod = new Map<string, NetworkStatusEntry[]>();
  for (const pod of ctx.inputs.k8s('pods')) {
    const entries = podNetworkStatus(pod.metadata.annotations);
    if (entries.length > 0) statusByPod.set(podId(pod.metadata.namespace ?? 'default', pod.metadata.name), entries);
  }
  for (const nfna of ctx.inputs.k8s('nodefabricnetworkattachments')) {
    const spec = nfna.spec;
    if (!spec?.nodeName) continue;
    const node = k8sNodeId(spec.nodeName);
    if (!ctx.g.hasNode(node)) continue;
    const cni = (spec.primaryCni ?? '').toLowerCase();
    const type = SECONDARY_TYPES.find((t) => t === cni) as SecondaryType | undefined;
    if (!type) {
      ctx.g.problem(
        'info',
        'secondary-network-type-unsupported',
        node,
        `NodeFabricNetworkAttachment ${nfna.metadata.name} uses CNI ${JSON.stringify(spec.primaryCni ?? '')}; akb draws sriov, macvlan and bridge.`,
      );
      continue;
    }
    const netNs = spec.networkRef?.namespace ?? 'default';
    const netName = spec.networkRef?.name ?? nfna.metadata.name;
    const network = `${netNs}/${netName}`;
    const vlans = parseVlanList(spec.encapVlan?.vlanList);
    const vlan = vlans[0] ?? null;
    for (const [iface, topo] of Object.entries(spec.aciTopology ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      for (const link of topo.fabricLink ?? []) {
        const parsed = parseFabricLink(link);
        if (!parsed) continue;
        for (const leafId of parsed.nodeIds) {
          const leaf = ensureSwitch(ctx, leafId);
          ctx.g.addEdge({
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
        if (!ctx.g.hasNode(pod)) continue;
        const status = (statusByPod.get(pod) ?? []).find((e) => sameNetwork(e.name, netNs, netName));
        const podInterface = status?.interface ?? (type === 'bridge' ? (p.localIface ?? '') : '');
        const nodeInterface = type === 'bridge' ? iface : (p.localIface ?? iface);
        covered.add(`${pod}\u0000${network}`);
        ctx.g.addEdge({
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
  for (const [id, entries] of statusByPod) {
    const ns = id.slice('pod:'.length, id.indexOf('/'));
    for (const e of entries.filter(isSecondary)) {
      const name = e.name ?? '';
      const network = name.includes('/') ? name : `${ns}/${name}`;
      if (covered.has(`${id}\u0000${network}`)) continue;
      ctx.g.problem(
        'warning',
        'pod-network-without-fabric-link',
        id,
        `Interface ${e.interface ?? '?'} on network ${network} has no NodeFabricNetworkAttachment linking it to the fabric.`,
      );
    }
  }
}
