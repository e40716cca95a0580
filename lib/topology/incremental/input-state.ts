/**
 * The inputs of the incremental graph, parsed once per object as they arrive, with the indexes the correlation rules
 * look things up in. Every change says what it invalidates: a unit of work directly (a pod's own unit) or a fact
 * other units read (`cepip:<ip>`: the endpoints at an IP). Parsing is the batch correlator's (the same class parsers
 * and schemas), and an object that does not parse is left out and counted, as there.
 */
import type { WireMo } from '../../aci/mo';
import {
  APIC_CLASS_PARSERS,
  type ArpAdjEp,
  type BgpPeerEntry,
  type CdpIf,
  type FabricExplicitGEp,
  type FabricNode,
  type FabricPathEp,
  type FvCEp,
  type LldpIf,
  type MoIssue,
  type VpcDom,
} from '../../aci/models';
import type { KubeObject } from '../../k8s/models/object';
import { K8S_SCHEMAS, type K8sEndpointSlice, type K8sNfna, type K8sNode, type K8sPod, type K8sService } from '../k8s-models';
import { asnClaims, type AsnClaim } from '../correlate/asn';
import { cepIpsInVrf, isLocalArp } from '../correlate/endpoints';
import { cdpPath, lldpPath, portKey } from '../correlate/ports';
import { hopsOf, type RouteHop } from '../correlate/routes';
import { vpcPeers } from '../correlate/vpc';
import { sameJson } from './same-json';

export type UnitKind = 'switch' | 'node' | 'pod' | 'asn' | 'bgp' | 'service' | 'slice' | 'route' | 'nfna' | 'podnet' | 'invalid';

export interface Invalidate {
  unit(kind: UnitKind, key: string): void;
  /** Every unit that read `fact`. */
  fact(fact: string): void;
}

/** The APIC classes the correlator reads (unreadable objects of these are counted as skipped). */
export const CORRELATED_APIC = [
  'fabricNode',
  'fvCEp',
  'fabricPathEp',
  'lldpIf',
  'cdpIf',
  'arpAdjEp',
  'bgpPeerEntry',
  'uribv4Nexthop',
  'uribv6Nexthop',
  'uribv4Route',
  'uribv6Route',
  'fabricExplicitGEp',
  'vpcDom',
] as const;
type CorrelatedClass = (typeof CORRELATED_APIC)[number];
const isCorrelated = (cls: string): cls is CorrelatedClass => (CORRELATED_APIC as readonly string[]).includes(cls);
const URIB = new Set(['uribv4Nexthop', 'uribv6Nexthop', 'uribv4Route', 'uribv6Route']);

type K8sKey = keyof typeof K8S_SCHEMAS;
const isK8sKey = (k: string): k is K8sKey => Object.hasOwn(K8S_SCHEMAS, k);

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}
function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

export const routeUnitKey = (nodeId: number, prefix: string) => `${nodeId}|${prefix}`;

export class InputState {
  readonly fabricNodes = new Map<string, FabricNode>();
  /** Fabric node id → DNs of its fabricNode records (one, unless a capture saw it twice). */
  readonly fabricDnsById = new Map<number, Set<string>>();
  readonly ceps = new Map<string, { cep: FvCEp; ips: string[] }>();
  readonly cepsByIp = new Map<string, Set<string>>();
  readonly lagT = new Map<string, string>();
  readonly lldp = new Map<string, LldpIf>();
  readonly lldpByPath = new Map<string, Set<string>>();
  readonly lldpByPort = new Map<string, Set<string>>();
  readonly cdp = new Map<string, CdpIf>();
  readonly cdpByPath = new Map<string, Set<string>>();
  readonly cdpByPort = new Map<string, Set<string>>();
  readonly arps = new Map<string, ArpAdjEp>();
  readonly arpsByMac = new Map<string, Set<string>>();
  readonly bgpEntries = new Map<string, BgpPeerEntry>();
  /** vPC protection groups and vPC domains by DN (few objects: the pairs are recomputed on read). */
  private readonly vpcGroups = new Map<string, FabricExplicitGEp>();
  private readonly vpcDoms = new Map<string, VpcDom>();
  /** `class|dn` of a URIB object → the hops it carries. */
  private readonly uribHops = new Map<string, RouteHop[]>();
  /** Route unit key → URIB object → its hops for that route. */
  readonly hopsByRoute = new Map<string, Map<string, RouteHop[]>>();

  readonly nodes = new Map<string, K8sNode>();
  readonly pods = new Map<string, K8sPod>();
  /** Node name → keys of the (readable) pods naming it. */
  readonly podsByNode = new Map<string, Set<string>>();
  readonly services = new Map<string, K8sService>();
  readonly slices = new Map<string, K8sEndpointSlice>();
  readonly nfnas = new Map<string, K8sNfna>();
  /** `resource|key` → the AS claims that object makes. */
  readonly asnClaims = new Map<string, AsnClaim[]>();
  /** `apic.<class>` / `k8s.<key>` → keys of the objects that could not be read. */
  readonly unreadable = new Map<string, Set<string>>();

  constructor(
    readonly dom: string,
    readonly vrfDn: string,
    private readonly invalidate: Invalidate,
  ) {}

  applyApic(cls: string, dn: string, mo: WireMo | null): void {
    if (!isCorrelated(cls)) return;
    const body = mo?.[cls];
    let model: unknown = null;
    if (body) {
      const issues: MoIssue[] = [];
      const parse = APIC_CLASS_PARSERS[cls] as (b: never, p: (string | number)[], i: MoIssue[]) => unknown;
      const v = parse(body as never, [], issues);
      model = v !== null && issues.length === 0 ? v : null;
    }
    this.readable(`apic.${cls}`, dn, mo === null || model !== null);
    switch (cls) {
      case 'fabricNode':
        return this.setFabricNode(dn, model as FabricNode | null);
      case 'fvCEp':
        return this.cep(dn, model as FvCEp | null);
      case 'fabricPathEp':
        return this.pathEp(dn, model as FabricPathEp | null);
      case 'lldpIf':
        return this.port(this.lldp, this.lldpByPath, this.lldpByPort, 'lldp', lldpPath, dn, model as LldpIf | null);
      case 'cdpIf':
        return this.port(this.cdp, this.cdpByPath, this.cdpByPort, 'cdp', cdpPath, dn, model as CdpIf | null);
      case 'arpAdjEp':
        return this.arp(dn, model as ArpAdjEp | null);
      case 'bgpPeerEntry':
        if (model) this.bgpEntries.set(dn, model as BgpPeerEntry);
        else this.bgpEntries.delete(dn);
        return this.invalidate.unit('bgp', dn);
      case 'fabricExplicitGEp':
        return this.vpcChange(this.vpcGroups, dn, model as FabricExplicitGEp | null, (g) => g.nodeIds);
      case 'vpcDom':
        return this.vpcChange(this.vpcDoms, dn, model as VpcDom | null, (d) => (d.nodeId === null ? [] : [d.nodeId]));
    }
    if (URIB.has(cls)) this.urib(`${cls}|${dn}`, model as Parameters<typeof hopsOf>[0] | null);
  }

  applyK8s(resource: string, key: string, object: KubeObject | null): void {
    if (!isK8sKey(resource)) return;
    let parsed: unknown = null;
    if (object) {
      const r = K8S_SCHEMAS[resource].safeParse(object);
      parsed = r.success ? r.data : null;
    }
    this.readable(`k8s.${resource}`, key, object === null || parsed !== null);
    switch (resource) {
      case 'nodes':
        this.claims('nodes', key, parsed ? asnClaims.nodes(parsed as K8sNode) : []);
        this.put(this.nodes, key, parsed as K8sNode | null);
        return this.invalidate.unit('node', key);
      case 'pods':
        this.claims('pods', key, parsed ? asnClaims.pods(parsed as K8sPod) : []);
        return this.pod(key, parsed as K8sPod | null);
      case 'services':
        this.put(this.services, key, parsed as K8sService | null);
        return this.invalidate.unit('service', key);
      case 'endpointslices':
        this.put(this.slices, key, parsed as K8sEndpointSlice | null);
        return this.invalidate.unit('slice', key);
      case 'nodefabricnetworkattachments':
        this.put(this.nfnas, key, parsed as K8sNfna | null);
        return this.invalidate.unit('nfna', key);
      case 'bgpconfigurations':
      case 'daemonsets':
      case 'ciliumbgpclusterconfigs': {
        const extract = asnClaims[resource] as (o: never) => AsnClaim[];
        return this.claims(resource, key, parsed ? extract(parsed as never) : []);
      }
    }
  }

  /** The vPC peer of leaf `id`, as the batch correlator decides it (correlate/vpc.ts). */
  vpcPeer(id: number): number | undefined {
    return vpcPeers([...this.vpcGroups.values()], [...this.vpcDoms.values()]).get(id);
  }

  /** A pair changed: every leaf it names, and their peers before and after, is drawn again. */
  private vpcChange<T>(map: Map<string, T>, dn: string, model: T | null, ids: (m: T) => number[]): void {
    const touched = new Set<number>();
    const before = map.get(dn);
    for (const id of before ? ids(before) : []) touched.add(id);
    for (const id of model ? ids(model) : []) touched.add(id);
    const peersBefore = [...touched].map((id) => this.vpcPeer(id));
    if (model) map.set(dn, model);
    else map.delete(dn);
    const peersAfter = [...touched].map((id) => this.vpcPeer(id));
    for (const id of [...touched, ...peersBefore, ...peersAfter]) if (id !== undefined) this.invalidate.unit('switch', String(id));
  }

  /** The readable fabricNode record of a node id: the lowest DN when there are several. */
  fabricNode(id: number): FabricNode | undefined {
    const dns = this.fabricDnsById.get(id);
    if (!dns) return undefined;
    let min: string | undefined;
    for (const dn of dns) if (min === undefined || dn < min) min = dn;
    return this.fabricNodes.get(min!);
  }

  private setFabricNode(dn: string, model: FabricNode | null): void {
    const before = this.fabricNodes.get(dn);
    if (before) {
      removeFrom(this.fabricDnsById, before.id, dn);
      this.invalidate.unit('switch', String(before.id));
    }
    if (model) {
      this.fabricNodes.set(dn, model);
      addTo(this.fabricDnsById, model.id, dn);
      this.invalidate.unit('switch', String(model.id));
    } else this.fabricNodes.delete(dn);
  }

  private cep(dn: string, cep: FvCEp | null): void {
    const before = this.ceps.get(dn);
    for (const ip of before?.ips ?? []) {
      removeFrom(this.cepsByIp, ip, dn);
      this.invalidate.fact(`cepip:${ip}`);
    }
    if (!cep) {
      this.ceps.delete(dn);
      return;
    }
    const ips = cepIpsInVrf(cep, this.vrfDn);
    this.ceps.set(dn, { cep, ips });
    for (const ip of ips) {
      addTo(this.cepsByIp, ip, dn);
      this.invalidate.fact(`cepip:${ip}`);
    }
  }

  private pathEp(dn: string, p: FabricPathEp | null): void {
    if ((p?.lagT ?? undefined) === this.lagT.get(dn)) return;
    if (p) this.lagT.set(dn, p.lagT);
    else this.lagT.delete(dn);
    this.invalidate.fact(`lagt:${dn}`);
  }

  private port<T extends LldpIf | CdpIf>(
    byDn: Map<string, T>,
    byPath: Map<string, Set<string>>,
    byPort: Map<string, Set<string>>,
    kind: 'lldp' | 'cdp',
    pathOf: (i: T) => string,
    dn: string,
    model: T | null,
  ): void {
    const touch = (i: T, add: boolean) => {
      const path = pathOf(i);
      if (path) {
        (add ? addTo : removeFrom)(byPath, path, dn);
        this.invalidate.fact(`${kind}path:${path}`);
      }
      if (i.nodeId !== null) {
        (add ? addTo : removeFrom)(byPort, portKey(i.nodeId, i.id), dn);
        this.invalidate.fact(`${kind}port:${portKey(i.nodeId, i.id)}`);
      }
    };
    const before = byDn.get(dn);
    if (before) touch(before, false);
    if (model) {
      byDn.set(dn, model);
      touch(model, true);
    } else byDn.delete(dn);
  }

  private arp(dn: string, a: ArpAdjEp | null): void {
    const before = this.arps.get(dn);
    if (before && isLocalArp(before)) {
      removeFrom(this.arpsByMac, before.mac, dn);
      this.invalidate.fact(`arp:${before.mac}`);
    }
    if (!a) {
      this.arps.delete(dn);
      return;
    }
    this.arps.set(dn, a);
    if (isLocalArp(a)) {
      addTo(this.arpsByMac, a.mac, dn);
      this.invalidate.fact(`arp:${a.mac}`);
    }
  }

  private urib(source: string, model: Parameters<typeof hopsOf>[0] | null): void {
    const before = this.uribHops.get(source) ?? [];
    const after = model ? hopsOf(model, this.dom) : [];
    if (sameJson(before, after)) return;
    const group = (hops: RouteHop[]) => {
      const m = new Map<string, RouteHop[]>();
      for (const h of hops) {
        const k = routeUnitKey(h.nodeId, h.prefix);
        const l = m.get(k);
        if (l) l.push(h);
        else m.set(k, [h]);
      }
      return m;
    };
    const was = group(before);
    const now = group(after);
    for (const k of new Set([...was.keys(), ...now.keys()])) {
      const hops = now.get(k);
      if (sameJson(was.get(k), hops)) continue;
      let bySource = this.hopsByRoute.get(k);
      if (hops) {
        if (!bySource) this.hopsByRoute.set(k, (bySource = new Map()));
        bySource.set(source, hops);
      } else if (bySource) {
        bySource.delete(source);
        if (bySource.size === 0) this.hopsByRoute.delete(k);
      }
      this.invalidate.unit('route', k);
    }
    if (after.length > 0) this.uribHops.set(source, after);
    else this.uribHops.delete(source);
  }

  private pod(key: string, pod: K8sPod | null): void {
    const before = this.pods.get(key);
    const was = before?.spec?.nodeName;
    const now = pod?.spec?.nodeName;
    this.put(this.pods, key, pod);
    this.invalidate.unit('pod', key);
    for (const [name, add] of [
      [was, false],
      [now, true],
    ] as const) {
      if (!name) continue;
      const hadAny = this.podsByNode.has(name);
      (add ? addTo : removeFrom)(this.podsByNode, name, key);
      // A node only pods name exists while some pod names it; nodes without addresses read their pods' hostIPs.
      if (hadAny !== this.podsByNode.has(name)) this.invalidate.unit('node', name);
      this.invalidate.fact(`podsof:${name}`);
    }
  }

  private claims(resource: string, key: string, claims: AsnClaim[]): void {
    const k = `${resource}|${key}`;
    if (sameJson(this.asnClaims.get(k) ?? [], claims)) return;
    if (claims.length > 0) this.asnClaims.set(k, claims);
    else this.asnClaims.delete(k);
    this.invalidate.unit('asn', '');
  }

  private put<T>(m: Map<string, T>, key: string, v: T | null): void {
    if (v) m.set(key, v);
    else m.delete(key);
  }

  private readable(where: string, key: string, ok: boolean): void {
    const had = this.unreadable.get(where)?.has(key) ?? false;
    if (had === !ok) return;
    if (ok) removeFrom(this.unreadable, where, key);
    else addTo(this.unreadable, where, key);
    this.invalidate.unit('invalid', '');
  }
}
