import type { KubeObject } from '../../k8s/models/object';
import { hostAt } from '../../net/ip';
import { linkMembers, nodeDn } from './fabric';
import { meta } from './k8s-meta';
import { stableMac } from './ids';
import { allWorkloads, nodeLink, type LabWorld } from './world';

export const NFNA_NAMESPACE = 'aci-containers-system';

export interface SecondaryAttachments {
  /** `namespace/pod` → the Multus network-status annotation. */
  podAnnotations: Map<string, Record<string, string>>;
  nfnas: KubeObject[];
}

const PRIMARY_NETWORK: Record<string, string> = { calico: 'k8s-pod-network', 'kube-router': 'kube-router', cilium: 'cilium' };

/**
 * Secondary networks as the ACI CNO reports them: one NodeFabricNetworkAttachment per (node, network) with the
 * fabric links the node's host NIC is cabled to and the pods attached, plus each pod's network-status annotation.
 * fabricLink entries use the physical-interface DN (`topology/pod-P/node-N/sys/phys-[ethX/Y]`).
 */
export function secondaryAttachments(w: LabWorld): SecondaryAttachments {
  const s = w.scenario;
  const nets = new Map(s.cluster.secondaryNetworks.map((n) => [n.name, n]));
  const workloads = new Map(allWorkloads(s).map((wl) => [`${wl.namespace}/${wl.name}`, wl]));
  const podAnnotations = new Map<string, Record<string, string>>();
  const perNodeNet = new Map<
    string,
    { node: string; net: string; namespace: string; pods: { localIface: string; podRef: { name: string; namespace: string } }[] }
  >();
  const addressIndex = new Map<string, number>();
  if (nets.size === 0) return { podAnnotations, nfnas: [] };
  for (const pod of w.pods) {
    const wl = workloads.get(pod.workload);
    if (!wl || wl.networks.length === 0) continue;
    const status: Record<string, unknown>[] = [
      { name: PRIMARY_NETWORK[s.cluster.cni.kind], interface: 'eth0', ips: [pod.ip], default: true, dns: {} },
    ];
    wl.networks.forEach((netName, i) => {
      const net = nets.get(netName)!;
      const iface = `net${i + 1}`;
      const k = addressIndex.get(netName) ?? 0;
      addressIndex.set(netName, k + 1);
      status.push({
        name: `${pod.namespace}/${netName}`,
        interface: iface,
        ips: [hostAt(net.subnet, 10 + k)],
        mac: stableMac('02:00:00', s.seed, pod.namespace, pod.name, netName).toLowerCase(),
        dns: {},
      });
      const key = `${pod.node}|${netName}`;
      let entry = perNodeNet.get(key);
      if (!entry) perNodeNet.set(key, (entry = { node: pod.node, net: netName, namespace: pod.namespace, pods: [] }));
      entry.pods.push({
        localIface: net.kind === 'bridge' ? `veth-${pod.name}`.slice(0, 15) : iface,
        podRef: { name: pod.name, namespace: pod.namespace },
      });
    });
    podAnnotations.set(`${pod.namespace}/${pod.name}`, { 'k8s.v1.cni.cncf.io/network-status': JSON.stringify(status) });
  }
  const nodes = new Map(w.nodes.map((n) => [n.name, n]));
  const nfnas: KubeObject[] = [];
  for (const e of [...perNodeNet.values()].sort((a, b) => `${a.node}/${a.net}`.localeCompare(`${b.node}/${b.net}`))) {
    const net = nets.get(e.net)!;
    const node = nodes.get(e.node)!;
    const where = nodeLink(s, node);
    const fabricLink = where ? linkMembers(where.link).map((m) => `${nodeDn(s, m.leaf)}/sys/phys-[${m.port}]`) : [];
    nfnas.push({
      apiVersion: 'aci.fabricattachment/v1',
      kind: 'NodeFabricNetworkAttachment',
      metadata: meta(w, 'NodeFabricNetworkAttachment', NFNA_NAMESPACE, `${e.node}-${e.namespace}-${e.net}`),
      spec: {
        nodeName: e.node,
        primaryCni: net.kind,
        networkRef: { name: e.net, namespace: e.namespace },
        encapVlan: { vlanList: `[${net.vlan}]`, mode: 'Trunk' },
        aciTopology: { [net.hostInterface]: { fabricLink, pods: e.pods } },
      },
      status: { state: 'Complete' },
    });
  }
  return { podAnnotations, nfnas };
}
