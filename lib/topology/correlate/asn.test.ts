import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../k8s/models/object';
import { asnObjectsOf, clusterAsnArg, detectClusterAsn } from './asn';

/** The detector on raw lists, reduced to its answer (the finding only when there is one). */
function detect(k8s: Record<string, KubeObject[]>) {
  const { asn, source, finding } = detectClusterAsn(asnObjectsOf(k8s));
  return finding === undefined ? { asn, source } : { asn, source, finding };
}

const bgpConfig = (name: string, asNumber: unknown): KubeObject => ({ metadata: { name }, spec: { asNumber } });
const kubeRouterDs = (args: string[]): KubeObject => ({
  metadata: { name: 'kube-router', namespace: 'kube-system' },
  spec: { template: { spec: { containers: [{ name: 'kube-router', args }] } } },
});
const node = (name: string, annotations?: Record<string, string>): KubeObject => ({
  metadata: { name, ...(annotations ? { annotations } : {}) },
});
const cilium = (name: string, apiVersion: string, asns: unknown[]): KubeObject => ({
  apiVersion,
  kind: 'CiliumBGPClusterConfig',
  metadata: { name },
  spec: { nodeSelector: {}, bgpInstances: asns.map((localASN, i) => ({ name: `instance-${i}`, localASN, peers: [] })) },
});

describe('detectClusterAsn', () => {
  it('reads Calico BGPConfiguration default, in plain and asdot form, and ignores other names', () => {
    expect(detect({ bgpconfigurations: [bgpConfig('default', 64512), bgpConfig('node.worker-1', 65111)] })).toEqual({
      asn: 64512,
      source: 'calico',
    });
    expect(detect({ bgpconfigurations: [bgpConfig('default', '1.10')] })).toEqual({ asn: 65546, source: 'calico' });
  });

  it('reads kube-router --cluster-asn from DaemonSet args in both forms', () => {
    expect(detect({ daemonsets: [kubeRouterDs(['--run-router=true', '--cluster-asn=65000'])] })).toEqual({
      asn: 65000,
      source: 'kube-router',
    });
    expect(detect({ daemonsets: [kubeRouterDs(['--cluster-asn', '65001'])] })).toEqual({ asn: 65001, source: 'kube-router' });
  });

  it("reads kube-router --cluster-asn from running pods' args with no DaemonSet, every pod counted once", () => {
    const pod = (name: string, args: string[]): KubeObject => ({
      metadata: { name, namespace: 'kube-system' },
      spec: { nodeName: name, containers: [{ name: 'kube-router', args }] },
    });
    const pods = ['n1', 'n2', 'n3'].map((n) => pod(`kube-router-${n}`, ['--run-router=true', '--cluster-asn=64520']));
    expect(detect({ pods })).toEqual({ asn: 64520, source: 'kube-router' });
    const odd = detectClusterAsn(asnObjectsOf({ pods: [...pods, pod('kube-router-n4', ['--cluster-asn', '64521'])] }));
    expect(odd.asn).toBeNull();
    expect(odd.candidates.map((c) => c.where)).toEqual([
      'kube-router pod kube-system/kube-router-n1 --cluster-asn (and 2 more of the kube-router pods)',
      'kube-router pod kube-system/kube-router-n4 --cluster-asn',
    ]);
  });

  it('reads the kube-router.io/node.asn node annotation', () => {
    const r = detect({ nodes: [node('a', { 'kube-router.io/node.asn': '64600' }), node('b')] });
    expect(r).toEqual({ asn: 64600, source: 'kube-router' });
  });

  it('reads Cilium bgpInstances[].localASN for v2alpha1 and v2', () => {
    expect(detect({ ciliumbgpclusterconfigs: [cilium('c', 'cilium.io/v2alpha1', [65003])] })).toEqual({
      asn: 65003,
      source: 'cilium',
    });
    expect(detect({ ciliumbgpclusterconfigs: [cilium('c', 'cilium.io/v2', [65004, 65004])] })).toEqual({
      asn: 65004,
      source: 'cilium',
    });
  });

  it('reports several distinct Cilium ASNs as ambiguous, naming where each came from', () => {
    const r = detect({
      ciliumbgpclusterconfigs: [cilium('rack1', 'cilium.io/v2', [65001]), cilium('rack2', 'cilium.io/v2', [65002])],
    });
    expect(r.asn).toBeNull();
    expect(r.source).toBeNull();
    expect(r.finding).toBe(
      'ambiguous: 65001 in CiliumBGPClusterConfig rack1 instance instance-0, 65002 in CiliumBGPClusterConfig rack2 instance instance-0',
    );
  });

  it('is ambiguous across CNIs too, and agrees when they agree', () => {
    const k8s = { bgpconfigurations: [bgpConfig('default', 65010)], nodes: [node('a', { 'kube-router.io/node.asn': '65011' })] };
    expect(detect(k8s).finding).toMatch(/^ambiguous: 65010 in Calico .*, 65011 in Node a /);
    expect(detect({ ...k8s, nodes: [node('a', { 'kube-router.io/node.asn': '65010' })] })).toEqual({
      asn: 65010,
      source: 'calico',
    });
  });

  it('returns null with a finding when nothing or only invalid values are found', () => {
    expect(detect({})).toMatchObject({ asn: null, source: null, finding: expect.stringMatching(/^no cluster AS number found/) });
    expect(detect({ bgpconfigurations: [bgpConfig('default', 'abc')] })).toMatchObject({
      asn: null,
      finding: 'invalid AS number "abc" in Calico BGPConfiguration default',
    });
  });

  it('lists every candidate with where it was read, and every invalid value', () => {
    const r = detectClusterAsn(
      asnObjectsOf({
        bgpconfigurations: [bgpConfig('default', 65010)],
        nodes: [node('a', { 'kube-router.io/node.asn': 'x' }), node('b', { 'kube-router.io/node.asn': '65010' })],
      }),
    );
    expect(r.candidates).toEqual([
      { asn: 65010, source: 'calico', where: 'Calico BGPConfiguration default' },
      { asn: 65010, source: 'kube-router', where: 'Node b annotation kube-router.io/node.asn' },
    ]);
    expect(r.invalid).toEqual([{ value: 'x', where: 'Node a annotation kube-router.io/node.asn' }]);
    expect(r).toMatchObject({
      asn: 65010,
      source: 'calico',
      finding: 'invalid AS number "x" in Node a annotation kube-router.io/node.asn',
    });
  });
});

describe('clusterAsnArg', () => {
  it('finds the flag or returns null', () => {
    expect(clusterAsnArg(['--cluster-asn=7'])).toBe('7');
    expect(clusterAsnArg(['--cluster-asn'])).toBeNull();
    expect(clusterAsnArg(['--peer-router-asns=65000'])).toBeNull();
  });
});
