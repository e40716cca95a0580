import type { Spec } from './schema';
import { addrAt, formatCidr, nextSubnet, parseIp, parseCidr, subnetOf, type IpAddress, type Cidr, type Family } from '../../lib/net/ip';

/** Addressing of one address family, with every default resolved. */
export interface FamilyAddressing {
  family: Family;
  nodeSubnet: Cidr;
  /** Floating SVI address used by non-anchor leaves (default: last address − 1). */
  floatingIp: IpAddress;
  /** Secondary address on every floating SVI: the nodes' default gateway (default: last address − 2). */
  secondaryIp: IpAddress;
  podSubnet: Cidr;
  serviceSubnet: Cidr;
  externalServiceSubnet: Cidr;
  /** Prefix length of one node's pod block. */
  podBlockSize: number;
}

/** The spec plus everything derived from it. The plan is built from this alone. */
export interface ResolvedSpec {
  spec: Spec;
  clusterAsn: number;
  /** IPv4 first; a second entry (IPv6) makes the cluster dual stack. */
  families: [FamilyAddressing] | [FamilyAddressing, FamilyAddressing];
  /** Control-plane VIP (IPv4, default: broadcast − 3). */
  vip: IpAddress;
  /** Field path → value for every value that was derived rather than given, to show in the plan. */
  defaulted: Record<string, string>;
}

/** K8s caps a service CIDR at 20 host bits for IPv6 (kube-apiserver rejects larger), hence /108. */
const MAX_V6_SERVICE_PREFIX = 108;

/** The previous tool's rule: fabric AS + 1, or − 1 when + 1 would leave the 2-byte private range. */
export function defaultClusterAsn(fabricAsn: number): number {
  return fabricAsn >= 65534 ? fabricAsn - 1 : fabricAsn + 1;
}

function must<T>(v: T | null | undefined, what: string): T {
  if (v === undefined || v === null) throw new Error(`resolveSpec called on an unvalidated spec: ${what}`);
  return v;
}

/**
 * The previous tool's default subnets (NKT §1.10): pod = N+1·S, service = N+2·S, external = N+3·S;
 * for IPv6 the service and external subnets are the 1st and 2nd /108 of N+2·S.
 */
export function defaultSubnets(node: Cidr): { pod?: Cidr; service?: Cidr; external?: Cidr } {
  const next = (n: number) => nextSubnet(node, n) ?? undefined;
  const pod = next(1);
  if (node.family === 'ipv4') return { pod, service: next(2), external: next(3) };
  const svcBase = next(2);
  if (!svcBase) return { pod };
  if (svcBase.prefix >= MAX_V6_SERVICE_PREFIX) return { pod, service: svcBase, external: next(3) };
  return { pod, service: subnetOf(svcBase, MAX_V6_SERVICE_PREFIX, 0), external: subnetOf(svcBase, MAX_V6_SERVICE_PREFIX, 1) };
}

function resolveFamily(spec: Spec, family: Family, nodeText: string, defaulted: Record<string, string>): FamilyAddressing {
  const nodeSubnet = must(parseCidr(nodeText), `fabric.nodeSubnet.${family}`);
  const c = spec.cluster;
  const defaults = defaultSubnets(nodeSubnet);
  const pick = (path: string, given: string | undefined, fallback: Cidr | undefined): Cidr => {
    if (given !== undefined) return must(parseCidr(given), path);
    const v = must(fallback, `${path} default`);
    defaulted[path] = formatCidr(v);
    return v;
  };
  const addr = (path: string, given: string | undefined, offset: bigint): IpAddress => {
    if (given !== undefined) return must(parseIp(given), path);
    const v = addrAt(nodeSubnet, offset);
    defaulted[path] = v.toString();
    return v;
  };
  return {
    family,
    nodeSubnet,
    // Offsets from the end of the subnet: −1 is the last address, so −2 is "broadcast − 1".
    floatingIp: addr(`fabric.floatingIp.${family}`, spec.fabric.floatingIp?.[family], -2n),
    secondaryIp: addr(`fabric.secondaryIp.${family}`, spec.fabric.secondaryIp?.[family], -3n),
    podSubnet: pick(`cluster.podSubnet.${family}`, c.podSubnet?.[family], defaults.pod),
    serviceSubnet: pick(`cluster.serviceSubnet.${family}`, c.serviceSubnet?.[family], defaults.service),
    externalServiceSubnet: pick(`cluster.externalServiceSubnet.${family}`, c.externalServiceSubnet?.[family], defaults.external),
    podBlockSize: c.podBlockSize[family],
  };
}

/** Resolves every default. Call only on a spec whose subnets and addresses parse (validate.ts ensures it). */
export function resolveSpec(spec: Spec): ResolvedSpec {
  const defaulted: Record<string, string> = {};
  const v4 = resolveFamily(spec, 'ipv4', spec.fabric.nodeSubnet.ipv4, defaulted);
  const v6text = spec.fabric.nodeSubnet.ipv6;
  const families: ResolvedSpec['families'] = v6text === undefined ? [v4] : [v4, resolveFamily(spec, 'ipv6', v6text, defaulted)];
  let clusterAsn = spec.cluster.asn;
  if (clusterAsn === undefined) {
    clusterAsn = defaultClusterAsn(spec.fabric.asn);
    defaulted['cluster.asn'] = String(clusterAsn);
  }
  let vip: IpAddress;
  if (spec.cluster.controlPlane.vip !== undefined) vip = must(parseIp(spec.cluster.controlPlane.vip), 'cluster.controlPlane.vip');
  else {
    vip = addrAt(v4.nodeSubnet, -4n);
    defaulted['cluster.controlPlane.vip'] = vip.toString();
  }
  return { spec, clusterAsn, families, vip, defaulted };
}
