import type { Plan } from '../plan/index';
import { formatCidr } from '../../lib/net/ip';
import { controlPlaneEndpoint } from '../plan/cluster/kubeadm';

function countBy<T>(items: readonly T[], key: (t: T) => string): string {
  const counts = new Map<string, number>();
  for (const i of items) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

/** Human-readable plan summary: objects per target, and every address chosen (derived ones marked). */
export function renderSummary(plan: Plan): string {
  const r = plan.resolved;
  const { fabric: f, cluster: c } = r.spec;
  const derived = (path: string) => (path in r.defaulted ? ' (derived)' : '');
  const lines = [
    `akb plan — cluster ${c.name}, mode ${r.spec.mode}, CNI ${c.cni}, ${r.families.length === 2 ? 'dual stack' : 'IPv4 only'}`,
    '',
    `ACI (tenant ${f.tenant}, L3Out ${f.l3out.name}): ${plan.aci.payloads.length} payloads, ${plan.aci.objects.length} objects`,
    `  ${countBy(plan.aci.objects, (o) => o.cls)}`,
    `Kubernetes: ${plan.manifests.cni.length} CNI objects (${countBy(plan.manifests.cni, (m) => m.kind)}); ${plan.manifests.akb.length} akb objects`,
    `Nodes: ${plan.nodes.length === 0 ? 'none (ACI only: apply the manifests by hand)' : plan.nodes.map((n) => `${n.node} [${n.placement}]`).join(', ')}`,
    '',
    'Addresses:',
    `  fabric AS ${f.asn}, cluster AS ${r.clusterAsn}${derived('cluster.asn')}, VLAN ${f.vlan}, MTU ${f.mtu}`,
  ];
  for (const fa of r.families) {
    const fam = fa.family;
    lines.push(
      `  ${fam}: node subnet ${formatCidr(fa.nodeSubnet)}`,
      `    floating IP ${fa.floatingIp.toString()}${derived(`fabric.floatingIp.${fam}`)}, secondary IP / node gateway ${fa.secondaryIp.toString()}${derived(`fabric.secondaryIp.${fam}`)}`,
      `    pods ${formatCidr(fa.podSubnet)}${derived(`cluster.podSubnet.${fam}`)} (/${fa.podBlockSize} per node), services ${formatCidr(fa.serviceSubnet)}${derived(`cluster.serviceSubnet.${fam}`)}, external services ${formatCidr(fa.externalServiceSubnet)}${derived(`cluster.externalServiceSubnet.${fam}`)}`,
    );
  }
  if (r.spec.mode === 'full') {
    const ha = c.nodes.filter((n) => n.role === 'master').length === 3;
    lines.push(
      `  control plane endpoint ${controlPlaneEndpoint(r)}${ha ? ` (keepalived VIP${derived('cluster.controlPlane.vip')})` : ' (single master, no VIP)'}`,
    );
  }
  for (const a of f.anchorLeaves) {
    lines.push(
      `  anchor leaf pod-${a.podId}/node-${a.nodeId} rack ${a.rackId}: router ID ${a.routerId}, ${[a.ipv4, a.ipv6].filter(Boolean).join(', ')}`,
    );
  }
  for (const n of c.nodes) lines.push(`  node ${n.name} (${n.role}, rack ${n.rack}): ${[n.ipv4, n.ipv6].filter(Boolean).join(', ')}`);
  if (plan.secrets.length > 0) {
    lines.push('', 'Secrets (placeholders in the files, resolved at apply time):');
    for (const s of plan.secrets) lines.push(`  ${s.name} ← ${s.source} — ${s.usedBy}`);
  }
  return `${lines.join('\n')}\n`;
}
