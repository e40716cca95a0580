import type { Spec } from './schema';
import type { ProblemList } from './problems';
import { parseIp } from '../../lib/net/ip';

/** ACI verified scalability: a floating L3Out takes at most 6 anchor leaves. */
export const MAX_ANCHOR_LEAVES = 6;
/** MTU range APIC accepts on an L3Out SVI. IPv6 needs at least 1280 (RFC 8200). */
export const ACI_MTU = { min: 576, max: 9216, ipv6Min: 1280 } as const;
const MAX_ASN = 4_294_967_295;
/** akb renders kubeadm v1beta4 configuration, which kubeadm reads from 1.31 on. */
const MIN_K8S_MINOR = 31;

/** Reports every later occurrence of a value already seen, naming the first one. */
function duplicates(out: ProblemList, items: Array<{ path: string; value: string | undefined }>, what: string): void {
  const seen = new Map<string, string>();
  for (const { path, value } of items) {
    if (value === undefined) continue;
    const first = seen.get(value);
    if (first !== undefined) out.add(path, `duplicate ${what} ${value} (already used by ${first})`);
    else seen.set(value, path);
  }
}

/** Canonical text of an address so "2001:db8::1" and "2001:DB8:0::1" compare equal. */
const canon = (t: string | undefined) => (t === undefined ? undefined : (parseIp(t)?.toString() ?? t));

export function checkTopology(spec: Spec, out: ProblemList): void {
  const { fabric: f, cluster: c } = spec;
  const dual = f.nodeSubnet.ipv6 !== undefined;

  if (f.asn < 1 || f.asn > MAX_ASN) out.add('fabric.asn', `${f.asn} is not a BGP AS number (1-${MAX_ASN})`);
  if (c.asn !== undefined) {
    if (c.asn < 1 || c.asn > MAX_ASN) out.add('cluster.asn', `${c.asn} is not a BGP AS number (1-${MAX_ASN})`);
    else if (c.asn === f.asn) out.add('cluster.asn', `must differ from fabric.asn (${f.asn}): nodes peer with the fabric over eBGP`);
  }
  if (f.vlan < 1 || f.vlan > 4094) out.add('fabric.vlan', `${f.vlan} is outside 1-4094`);
  if (f.mtu < ACI_MTU.min || f.mtu > ACI_MTU.max)
    out.add('fabric.mtu', `${f.mtu} is outside what ACI accepts on an SVI (${ACI_MTU.min}-${ACI_MTU.max})`);
  else if (dual && f.mtu < ACI_MTU.ipv6Min)
    out.add('fabric.mtu', `${f.mtu} is below the IPv6 minimum of ${ACI_MTU.ipv6Min} and the cluster is dual stack`);

  // An L3Out resolves its VRF and contract by name in its own tenant, then in common.
  for (const [path, tenant] of [
    ['fabric.vrf.tenant', f.vrf.tenant],
    ['fabric.contract.tenant', f.contract.tenant],
  ] as const) {
    if (tenant !== undefined && tenant !== f.tenant && tenant !== 'common') {
      out.add(path, `"${tenant}" cannot be referenced from an L3Out in tenant "${f.tenant}": use "${f.tenant}" or "common"`);
    }
  }

  if (f.anchorLeaves.length > MAX_ANCHOR_LEAVES) {
    out.add('fabric.anchorLeaves', `${f.anchorLeaves.length} anchor leaves; a floating L3Out takes at most ${MAX_ANCHOR_LEAVES}`);
  }
  const anchors = f.anchorLeaves.map((a, i) => ({ a, p: `fabric.anchorLeaves[${i}]` }));
  duplicates(
    out,
    anchors.map(({ a, p }) => ({ path: `${p}.nodeId`, value: String(a.nodeId) })),
    'leaf node ID',
  );
  duplicates(
    out,
    anchors.map(({ a, p }) => ({ path: `${p}.routerId`, value: canon(a.routerId) })),
    'router ID',
  );
  const nodes = c.nodes.map((n, i) => ({ n, p: `cluster.nodes[${i}]` }));
  duplicates(
    out,
    nodes.map(({ n, p }) => ({ path: `${p}.name`, value: n.name })),
    'node name',
  );
  for (const fam of ['ipv4', 'ipv6'] as const) {
    duplicates(
      out,
      [
        ...anchors.map(({ a, p }) => ({ path: `${p}.${fam}`, value: canon(a[fam]) })),
        ...nodes.map(({ n, p }) => ({ path: `${p}.${fam}`, value: canon(n[fam]) })),
      ],
      'address',
    );
  }

  // IPv6 is all or nothing: the node subnet switches it on, then every anchor and node needs an address.
  const v6Fields: Array<[string, unknown]> = [
    ['fabric.floatingIp.ipv6', f.floatingIp?.ipv6],
    ['fabric.secondaryIp.ipv6', f.secondaryIp?.ipv6],
    ['cluster.podSubnet.ipv6', c.podSubnet?.ipv6],
    ['cluster.serviceSubnet.ipv6', c.serviceSubnet?.ipv6],
    ['cluster.externalServiceSubnet.ipv6', c.externalServiceSubnet?.ipv6],
    ...anchors.map(({ a, p }): [string, unknown] => [`${p}.ipv6`, a.ipv6]),
    ...nodes.map(({ n, p }): [string, unknown] => [`${p}.ipv6`, n.ipv6]),
  ];
  if (!dual) {
    for (const [path, v] of v6Fields)
      if (v !== undefined) out.add(path, 'is IPv6 but fabric.nodeSubnet.ipv6 is not set (set it to make the cluster dual stack)');
  } else {
    for (const { a, p } of anchors)
      if (a.ipv6 === undefined) out.add(`${p}.ipv6`, 'is required: fabric.nodeSubnet.ipv6 makes the cluster dual stack');
    for (const { n, p } of nodes)
      if (n.ipv6 === undefined) out.add(`${p}.ipv6`, 'is required: fabric.nodeSubnet.ipv6 makes the cluster dual stack');
  }

  const anchorRacks = new Set(f.anchorLeaves.map((a) => a.rackId));
  for (const { n, p } of nodes) {
    if (!anchorRacks.has(n.rack))
      out.add(`${p}.rack`, `rack "${n.rack}" has no anchor leaf (anchor racks: ${[...anchorRacks].join(', ')})`);
    if (n.placement.type === 'vsphere' && c.vsphere === undefined)
      out.add(`${p}.placement`, 'is a vSphere VM but cluster.vsphere is not set');
    // Never trust a host key on first use: the host receives the cluster's CA keys.
    if (spec.mode === 'full' && n.placement.type === 'bare-metal' && n.placement.hostKey === undefined && c.ssh.knownHosts === undefined)
      out.add(
        `${p}.placement.hostKey`,
        "is required to pin the host's SSH key (SHA256:… from ssh-keygen -lf), unless cluster.ssh.knownHosts names a known_hosts file",
      );
    if (n.placement.type === 'existing' && spec.mode !== 'aci-only')
      out.add(`${p}.placement`, 'existing machines are only for mode aci-only (an existing cluster); full mode creates every node');
  }

  const minor = Number(c.kubernetesVersion.split('.')[1]);
  if (minor < MIN_K8S_MINOR)
    out.add(
      'cluster.kubernetesVersion',
      `${c.kubernetesVersion} is too old: akb renders kubeadm v1beta4 (Kubernetes ≥ 1.${MIN_K8S_MINOR})`,
    );

  if (spec.mode === 'full') {
    const masters = c.nodes.filter((n) => n.role === 'master').length;
    if (masters !== 1 && masters !== 3) out.add('cluster.nodes', `has ${masters} masters; a cluster has 1 or 3 (etcd quorum)`);
    if (c.nodes.length > 0 && c.nodes[0]?.role !== 'master')
      out.add('cluster.nodes[0].role', 'the first node must be a master (it runs kubeadm init)');
  }
}
