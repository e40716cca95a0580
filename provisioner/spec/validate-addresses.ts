import type { Spec } from './schema';
import type { ProblemList } from './problems';
import {
  cidrSize,
  contains,
  familyOf,
  formatCidr,
  isCanonicalCidr,
  lastAddr,
  overlaps,
  parseIp,
  parseCidr,
  sameAddr,
  type IpAddress,
  type Family,
} from '../../lib/net/ip';
import type { ResolvedSpec } from './defaults';

/**
 * Syntax checks of every subnet and address field. Returns false if any failed, in which case the
 * defaults cannot be resolved and the semantic checks are skipped.
 */
export function checkAddressSyntax(spec: Spec, out: ProblemList): boolean {
  const before = out.items.length;
  const cidr = (path: string, text: string | undefined, family: Family) => {
    if (text === undefined) return;
    const c = parseCidr(text);
    if (!c) return out.add(path, `"${text}" is not a valid CIDR (expected e.g. ${family === 'ipv4' ? '192.168.0.0/24' : '2001:db8::/56'})`);
    if (c.family !== family) return out.add(path, `"${text}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} subnet`);
    if (!isCanonicalCidr(text)) out.add(path, `"${text}" has host bits set; the subnet is ${formatCidr(c)}`);
  };
  const ip = (path: string, text: string | undefined, family: Family) => {
    if (text === undefined) return;
    const a = parseIp(text);
    if (!a) return out.add(path, `"${text}" is not a valid IP address (give the address alone, without a prefix length)`);
    if (familyOf(a) !== family) out.add(path, `"${text}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  };
  const f = spec.fabric;
  const c = spec.cluster;
  for (const fam of ['ipv4', 'ipv6'] as const) {
    cidr(`fabric.nodeSubnet.${fam}`, f.nodeSubnet[fam], fam);
    cidr(`cluster.podSubnet.${fam}`, c.podSubnet?.[fam], fam);
    cidr(`cluster.serviceSubnet.${fam}`, c.serviceSubnet?.[fam], fam);
    cidr(`cluster.externalServiceSubnet.${fam}`, c.externalServiceSubnet?.[fam], fam);
    ip(`fabric.floatingIp.${fam}`, f.floatingIp?.[fam], fam);
    ip(`fabric.secondaryIp.${fam}`, f.secondaryIp?.[fam], fam);
    f.anchorLeaves.forEach((a, i) => ip(`fabric.anchorLeaves[${i}].${fam}`, a[fam], fam));
    c.nodes.forEach((n, i) => ip(`cluster.nodes[${i}].${fam}`, n[fam], fam));
  }
  f.anchorLeaves.forEach((a, i) => ip(`fabric.anchorLeaves[${i}].routerId`, a.routerId, 'ipv4'));
  ip('cluster.controlPlane.vip', c.controlPlane.vip, 'ipv4');
  c.dns.servers.forEach((s, i) => {
    if (!parseIp(s)) out.add(`cluster.dns.servers[${i}]`, `"${s}" is not a valid IP address`);
  });
  return out.items.length === before;
}

/** Checks on resolved addressing: containment, reserved addresses, overlaps, sizes. */
export function checkAddressing(r: ResolvedSpec, out: ProblemList): void {
  const { spec } = r;
  for (const fa of r.families) {
    const fam = fa.family;
    const subnet = fa.nodeSubnet;
    const minHostBits = fam === 'ipv4' ? 3 : 8;
    const maxPrefix = (fam === 'ipv4' ? 32 : 128) - minHostBits;
    if (subnet.prefix > maxPrefix) {
      out.add(
        `fabric.nodeSubnet.${fam}`,
        `/${subnet.prefix} is too small: the floating, secondary and VIP addresses, anchors and nodes need at least a /${maxPrefix}`,
      );
    }
    const reserved: Array<[IpAddress, string]> = [
      [subnet.network, 'the network address'],
      [lastAddr(subnet), fam === 'ipv4' ? 'the broadcast address' : 'the last address of the subnet'],
    ];
    const inSubnet = (path: string, a: IpAddress, extra: Array<[IpAddress, string]>) => {
      if (!contains(subnet, a)) return out.add(path, `${a.toString()} is outside the node subnet ${formatCidr(subnet)}`);
      for (const [res, what] of [...reserved, ...extra]) {
        if (sameAddr(res, a)) return out.add(path, `${a.toString()} is ${what}`);
      }
    };
    inSubnet(`fabric.floatingIp.${fam}`, fa.floatingIp, []);
    inSubnet(`fabric.secondaryIp.${fam}`, fa.secondaryIp, [[fa.floatingIp, `the floating IP (fabric.floatingIp.${fam})`]]);
    const special: Array<[IpAddress, string]> = [
      [fa.floatingIp, `the floating IP (fabric.floatingIp.${fam})`],
      [fa.secondaryIp, `the secondary IP / node gateway (fabric.secondaryIp.${fam})`],
    ];
    // The VIP exists only in front of three masters; otherwise its address stays free for nodes.
    const vipUsed = spec.mode === 'full' && spec.cluster.nodes.filter((n) => n.role === 'master').length === 3;
    if (fam === 'ipv4' && vipUsed) {
      inSubnet('cluster.controlPlane.vip', r.vip, special);
      special.push([r.vip, 'the control-plane VIP (cluster.controlPlane.vip)']);
    }
    spec.fabric.anchorLeaves.forEach((a, i) => {
      const ip = a[fam] !== undefined ? parseIp(a[fam]) : undefined;
      if (ip) inSubnet(`fabric.anchorLeaves[${i}].${fam}`, ip, special);
    });
    spec.cluster.nodes.forEach((n, i) => {
      const ip = n[fam] !== undefined ? parseIp(n[fam]) : undefined;
      if (ip) inSubnet(`cluster.nodes[${i}].${fam}`, ip, special);
    });

    const named: Array<[string, typeof subnet]> = [
      [`fabric.nodeSubnet.${fam}`, subnet],
      [`cluster.podSubnet.${fam}`, fa.podSubnet],
      [`cluster.serviceSubnet.${fam}`, fa.serviceSubnet],
      [`cluster.externalServiceSubnet.${fam}`, fa.externalServiceSubnet],
    ];
    named.forEach(([pathA, a], i) => {
      for (const [pathB, b] of named.slice(0, i)) {
        if (overlaps(a, b)) out.add(pathA, `${formatCidr(a)} overlaps ${pathB} (${formatCidr(b)})`);
      }
    });
    // kube-apiserver refuses a service range with more than 20 host bits.
    const svcMin = fam === 'ipv4' ? 12 : 108;
    if (fa.serviceSubnet.prefix < svcMin) {
      out.add(
        `cluster.serviceSubnet.${fam}`,
        `/${fa.serviceSubnet.prefix} is larger than Kubernetes allows for a service range (at most /${svcMin})`,
      );
    }
    const blockPath = `cluster.podBlockSize.${fam}`;
    if (fa.podBlockSize < fa.podSubnet.prefix) {
      out.add(blockPath, `/${fa.podBlockSize} blocks do not fit in the pod subnet ${formatCidr(fa.podSubnet)}`);
    } else {
      const blocks = cidrSize(fa.podSubnet) / cidrSize({ ...fa.podSubnet, prefix: fa.podBlockSize });
      const nodes = BigInt(spec.cluster.nodes.length);
      if (blocks < nodes) {
        out.add(
          `cluster.podSubnet.${fam}`,
          `${formatCidr(fa.podSubnet)} holds ${blocks} blocks of /${fa.podBlockSize} but there are ${nodes} nodes (one block per node needed)`,
        );
      }
    }
  }
}
