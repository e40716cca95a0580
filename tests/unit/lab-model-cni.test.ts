import { describe, expect, it } from 'vitest';
import { createWorld, deriveApic, deriveKubernetes, loadShippedScenario } from '../../lib/lab/model';
import { byClass } from './lab-model-support';

describe('CNI resources', () => {
  it('calico: BGPConfiguration default with the cluster AS, one BGPPeer per anchor selecting its rack, an IPPool', () => {
    const w = createWorld(loadShippedScenario('demo'));
    const k8s = deriveKubernetes(w);
    expect(k8s.bgpconfigurations![0]).toMatchObject({
      metadata: { name: 'default' },
      spec: { asNumber: 65003, nodeToNodeMeshEnabled: false },
    });
    const peers = k8s.bgppeers!.map((p) => p.spec as { peerIP: string; nodeSelector: string; asNumber: number });
    expect(peers).toContainEqual(expect.objectContaining({ peerIP: '192.168.35.203', nodeSelector: 'rack_id == "2"', asNumber: 65002 }));
    expect(k8s.ippools![0]!.spec).toMatchObject({ cidr: '10.244.0.0/16', blockSize: 26 });
    expect(k8s.nodes!.every((n) => n.metadata.labels?.rack_id !== undefined)).toBe(true);
  });

  it('kube-router: --cluster-asn in the DaemonSet pods, per-node peer annotations, /32s from every node for Cluster services', () => {
    const w = createWorld(loadShippedScenario('kube-router'));
    const k8s = deriveKubernetes(w);
    const pod = k8s.pods!.find((p) => p.metadata.name.startsWith('kube-router-'))!;
    const args = (pod.spec as { containers: { args: string[] }[] }).containers[0]!.args;
    expect(args).toContain('--cluster-asn=65003');
    const node = k8s.nodes!.find((n) => n.metadata.labels?.rack_id === '2')!;
    expect(node.metadata.annotations?.['kube-router.io/peer.ips']).toBe('192.168.35.203,192.168.35.204');
    // api has externalIPs [192.168.38.5] and Cluster policy: every rack-2 node is a next hop on leaf 103.
    const hops = byClass(deriveApic(w), 'uribv4Nexthop').filter(
      (n) => n.dn!.includes('/node-103/') && n.dn!.includes('rt-[192.168.38.5/32]'),
    );
    expect(hops.map((h) => h.addr).sort()).toEqual(
      w.nodes
        .filter((n) => n.rack === 2)
        .map((n) => `${n.ip}/32`)
        .sort(),
    );
    expect(hops.every((h) => h.tag === '65003')).toBe(true);
  });

  it('cilium: v2 CiliumBGPClusterConfig per rack with localASN and the rack’s anchors as peers', () => {
    const k8s = deriveKubernetes(createWorld(loadShippedScenario('cilium')));
    const cfgs = k8s.ciliumbgpclusterconfigs!;
    expect(cfgs.map((c) => c.metadata.name)).toEqual(['rack-1', 'rack-2']);
    const spec = cfgs[0]!.spec as { bgpInstances: { localASN: number; peers: { peerAddress: string }[] }[] };
    expect(spec.bgpInstances[0]!.localASN).toBe(65003);
    expect(spec.bgpInstances[0]!.peers.map((p) => p.peerAddress)).toEqual(['192.168.35.201', '192.168.35.202']);
    expect(k8s.ciliumbgpadvertisements).toHaveLength(1);
  });
});

describe('secondary networks', () => {
  it('each (node, network) with pods has a NodeFabricNetworkAttachment whose pods carry a matching network-status entry', () => {
    const w = createWorld(loadShippedScenario('secondary'));
    const k8s = deriveKubernetes(w);
    const nfnas = k8s.nodefabricnetworkattachments!;
    expect(new Set(nfnas.map((n) => (n.spec as { primaryCni: string }).primaryCni))).toEqual(new Set(['sriov', 'macvlan', 'bridge']));
    const pods = new Map(k8s.pods!.map((p) => [p.metadata.name, p]));
    for (const nfna of nfnas) {
      const spec = nfna.spec as {
        nodeName: string;
        networkRef: { name: string };
        aciTopology: Record<string, { fabricLink: string[]; pods: { podRef: { name: string } }[] }>;
      };
      const [topology] = Object.values(spec.aciTopology);
      expect(topology!.fabricLink.length).toBeGreaterThan(0);
      for (const ref of topology!.pods) {
        const pod = pods.get(ref.podRef.name)!;
        expect((pod.spec as { nodeName: string }).nodeName).toBe(spec.nodeName);
        const status = JSON.parse(pod.metadata.annotations!['k8s.v1.cni.cncf.io/network-status']!) as { name: string }[];
        expect(status.map((s) => s.name.split('/').pop())).toContain(spec.networkRef.name);
      }
    }
  });
});
