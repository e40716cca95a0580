import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../topology/bundle-types';
import { readClusterConfig, type ClusterObjects } from './cluster-config';

const node = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels, annotations },
  spec: { podCIDR: '10.0.0.0/26' },
  status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.1.0.5' }] },
});
const ds = (name: string, ns: string, args: string[] = []): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: ns },
  spec: { template: { spec: { containers: [{ name, args }] } } },
});
const objs = (o: Partial<ClusterObjects> & { secrets?: KubeObject[] }): ClusterObjects => ({
  nodes: [],
  daemonSets: [],
  bgpConfigurations: [],
  bgpPeers: [],
  ciliumClusterConfigs: [],
  ciliumPeerConfigs: [],
  ciliumAdvertisements: [],
  secret: (ns, name) => o.secrets?.find((s) => s.metadata.namespace === ns && s.metadata.name === name),
  ...o,
});
const peer = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'crd.projectcalico.org/v1',
  kind: 'BGPPeer',
  metadata: { name },
  spec,
});

describe('the node side, as each CNI reads it', () => {
  it('Calico: global, node and selector peers; ip:port; Calico’s default AS; a password Secret in calico-node’s namespace', () => {
    const cfg = readClusterConfig(
      objs({
        nodes: [node('a', { rack: '1' }), node('b', { rack: '2' })],
        daemonSets: [ds('calico-node', 'calico-system')],
        bgpPeers: [
          peer('global', { peerIP: '10.1.0.1:179', asNumber: 65002 }),
          peer('only-b', { node: 'b', peerIP: '10.1.0.2', asNumber: 65002, localASNumber: 65100 }),
          peer('rack-1', {
            nodeSelector: "rack == '1'",
            peerIP: '10.1.0.3',
            asNumber: 65002,
            password: { secretKeyRef: { name: 'pw', key: 'k' } },
          }),
          peer('mesh', { peerSelector: 'all()', peerIP: '10.1.0.9' }),
          peer('odd', { nodeSelector: "rack in {'1'}", peerIP: '10.1.0.4' }),
        ],
        secrets: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'pw', namespace: 'calico-system' },
            data: { k: Buffer.from('s3').toString('base64') },
          } as KubeObject,
        ],
      }),
    );
    expect(cfg.cni).toBe('calico');
    const a = cfg.nodes.find((n) => n.name === 'a')!;
    const b = cfg.nodes.find((n) => n.name === 'b')!;
    expect(a.peers.map((p) => [p.peerIp, p.localAs, p.password])).toEqual([
      ['10.1.0.1', 64512, ''],
      ['10.1.0.3', 64512, 's3'],
    ]);
    expect(b.peers.map((p) => [p.peerIp, p.localAs])).toEqual([
      ['10.1.0.1', 64512],
      ['10.1.0.2', 65100],
    ]);
    expect(a.asSource).toMatch(/Calico's default AS 64512/);
    expect(cfg.unused.map((u) => u.why)).toEqual([`BGPPeer odd's nodeSelector "rack in {'1'}" uses syntax the lab does not evaluate`]);
  });

  it('Calico: a password whose Secret is missing is a peer the speaker cannot use, said so', () => {
    const cfg = readClusterConfig(
      objs({
        nodes: [node('a', {})],
        daemonSets: [ds('calico-node', 'kube-system')],
        bgpPeers: [peer('p', { peerIP: '10.1.0.1', asNumber: 1, password: { secretKeyRef: { name: 'nope', key: 'k' } } })],
      }),
    );
    expect(cfg.nodes[0]!.peers[0]!.problem).toBe("BGPPeer p's password: Secret kube-system/nope does not exist");
  });

  it('kube-router: --cluster-asn, global --peer-router-* flags, per-node annotations with base64 passwords, node.asn override', () => {
    const cfg = readClusterConfig(
      objs({
        nodes: [
          node(
            'a',
            {},
            {
              'kube-router.io/peer.ips': '10.1.0.2,10.1.0.3',
              'kube-router.io/peer.asns': '65002,65002',
              'kube-router.io/peer.passwords': `${Buffer.from('pw').toString('base64')},`,
            },
          ),
          node('b', {}, { 'kube-router.io/node.asn': '65200' }),
        ],
        daemonSets: [
          ds('kube-router', 'kube-system', [
            '--cluster-asn=65003',
            '--peer-router-ips=10.1.0.1',
            '--peer-router-asns=65002',
            '--advertise-external-ip',
          ]),
        ],
      }),
    );
    const a = cfg.nodes.find((n) => n.name === 'a')!;
    expect(a.peers.map((p) => [p.peerIp, p.localAs, p.remoteAs, p.password])).toEqual([
      ['10.1.0.1', 65003, 65002, ''],
      ['10.1.0.2', 65003, 65002, 'pw'],
      ['10.1.0.3', 65003, 65002, ''],
    ]);
    expect(cfg.nodes.find((n) => n.name === 'b')!.peers.map((p) => p.localAs)).toEqual([65200]);
    expect(a.advertise).toMatchObject({ podCidr: true, externalIPs: true, clusterIPs: false, loadBalancerIPs: false });
  });

  it('no BGP-speaking CNI: no peers at all', () => {
    expect(readClusterConfig(objs({ nodes: [node('a', {})], daemonSets: [ds('flannel', 'kube-system')] })).nodes[0]!.peers).toEqual([]);
  });
});
