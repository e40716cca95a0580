/**
 * The incremental graph: the batch correlator's result kept up to date one input change at a time, at a cost
 * proportional to what the change touches (a pod: its node, its owner's index entries; a route: that prefix on that
 * leaf), not to the size of the fabric.
 *
 * Inputs arrive as objects (`apply`); each marks units of work dirty. `settle` redoes dirty units in a fixed phase
 * order (every phase only invalidates later ones, or switches), within a time budget so a large initial load never
 * holds the event loop for long; `takeChanges` then yields what changed since the last call, as a patch would carry
 * it. `correlate(bundle)` of the same inputs is the reference: the property tests hold the two equal.
 */
import type { WireMo } from '../../aci/mo';
import { domName, vrfDn } from '../../aci/models';
import type { Bundle } from '../bundle-types';
import type { KubeObject } from '../../k8s/models/object';
import { GRAPH_FORMAT, type AsnSource, type TopologyGraph } from '../graph';
import { k8sNodeId } from '../correlate/ids';
import type { NetworkStatusEntry } from '../correlate/secondary';
import { IpIndex } from '../correlate/ip-index';
import { ClaimIndex } from './claims';
import { DependencyIndex } from './deps';
import { InputState, type UnitKind } from './input-state';
import { networksContaining } from './networks';
import { OutputStore, type OutputChanges, type UnitKey } from './output-store';
import { commitUnit, UnitSink, type UnitRecord } from './unit-sink';
import * as run from './units';
import type { UnitEffects, UnitWorld } from './units';
import { sameJson } from './same-json';

/** Phases in the order they run: each reads only what earlier phases (and switches) produce. */
const PHASES: readonly UnitKind[] = ['switch', 'node', 'pod', 'asn', 'bgp', 'service', 'slice', 'route', 'nfna', 'podnet', 'invalid'];

const OWNED_KINDS = new Set(['k8s-node', 'pod', 'service']);

export type InputChange =
  | { source: 'apic'; cls: string; dn: string; mo: WireMo | null }
  | { source: 'k8s'; resource: string; key: string; object: KubeObject | null };

export class IncrementalGraph implements UnitWorld {
  readonly inputs: InputState;
  readonly nodeIps = new ClaimIndex();
  readonly podIps = new ClaimIndex();
  readonly teps = new ClaimIndex();
  readonly serviceIps = new IpIndex<string>();
  cluster: { asn: number | null; asnSource: AsnSource } = { asn: null, asnSource: null };
  readonly podStatus = new Map<string, NetworkStatusEntry[]>();
  readonly covered = new Map<string, number>();

  private readonly out = new OutputStore();
  private readonly deps = new DependencyIndex();
  private readonly records = new Map<UnitKey, UnitRecord>();
  private readonly effects = new Map<UnitKey, UnitEffects>();
  private readonly dirty = new Map<UnitKind, Set<string>>(PHASES.map((p) => [p, new Set<string>()]));
  private readonly ids = new Set<string>();
  private clusterChanged = false;

  constructor(readonly fabric: Bundle['fabric']) {
    this.inputs = new InputState(domName(fabric.tenant, fabric.vrf), vrfDn(fabric.tenant, fabric.vrf), {
      unit: (kind, key) => this.mark(kind, key),
      fact: (fact) => this.invalidate(fact),
    });
    // The ASN unit always contributes (at least "not detected"), as the batch correlator always decides.
    this.mark('asn', '');
  }

  apply(change: InputChange): void {
    if (change.source === 'apic') this.inputs.applyApic(change.cls, change.dn, change.mo);
    else this.inputs.applyK8s(change.resource, change.key, change.object);
  }

  /** Whether units are waiting to be redone. */
  get busy(): boolean {
    for (const set of this.dirty.values()) if (set.size > 0) return true;
    return false;
  }

  exists(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * Redoes dirty units until none are left or `deadline` (a `performance.now()` time) passes; returns true when
   * settled. Checks the clock every few units, so one call overruns its deadline by one unit's cost at most.
   */
  settle(deadline = Infinity): boolean {
    let n = 0;
    for (;;) {
      const phase = PHASES.find((p) => this.dirty.get(p)!.size > 0);
      if (!phase) return true;
      const set = this.dirty.get(phase)!;
      for (const key of set) {
        set.delete(key);
        this.runUnit(phase, key);
        if (++n % 16 === 0 && performance.now() > deadline) return false;
        // Redoing a switch can invalidate units of any phase: start over from the first dirty phase.
        if (phase === 'switch' && set.size === 0) break;
      }
    }
  }

  /** What changed since the last call (settle first); the cluster AS when it changed. */
  takeChanges(): OutputChanges & { cluster?: TopologyGraph['cluster'] } {
    const changes = this.out.takeChanges();
    if (!this.clusterChanged) return changes;
    this.clusterChanged = false;
    return { ...changes, cluster: { ...this.cluster } };
  }

  /** The whole graph as it stands (settle first), in canonical order; `revision` and `generatedAt` are the caller's. */
  graph(revision: number, generatedAt: string): TopologyGraph {
    const fabric: TopologyGraph['fabric'] = { tenant: this.fabric.tenant, vrf: this.fabric.vrf };
    if (this.fabric.l3out !== undefined) fabric.l3out = this.fabric.l3out;
    return { format: GRAPH_FORMAT, revision, generatedAt, cluster: { ...this.cluster }, fabric, ...this.out.lists() };
  }

  private mark(kind: UnitKind, key: string): void {
    this.dirty.get(kind)!.add(key);
  }

  /** Marks every unit that read `fact`. */
  private invalidate(fact: string): void {
    for (const unit of this.deps.readersOf(fact)) {
      const cut = unit.indexOf(':');
      this.mark(unit.slice(0, cut) as UnitKind, unit.slice(cut + 1));
    }
  }

  private runUnit(kind: UnitKind, key: string): void {
    const unit = `${kind}:${key}`;
    const sink = new UnitSink();
    const fx = this.compute(kind, key, sink);
    const before = this.records.get(unit);
    const record = commitUnit(this.out, unit, before, sink);
    if (record) this.records.set(unit, record);
    else this.records.delete(unit);
    this.existence(before, record);
    for (const fact of this.deps.set(unit, sink.facts)) {
      // A switch exists while anything refers to it.
      if (fact.startsWith('switch:')) this.mark('switch', fact.slice('switch:'.length));
    }
    this.propagate(kind, key, unit, fx);
  }

  private compute(kind: UnitKind, key: string, sink: UnitSink): UnitEffects {
    switch (kind) {
      case 'switch':
        return run.runSwitch(this, Number(key), this.deps.hasReaders(`switch:${key}`), sink);
      case 'node':
        return run.runNode(this, key, sink);
      case 'pod':
        return run.runPod(this, key, sink);
      case 'asn':
        return run.runAsn(this, sink);
      case 'bgp':
        return run.runBgp(this, key, sink);
      case 'service':
        return run.runService(this, key, sink);
      case 'slice':
        return run.runSlice(this, key, sink);
      case 'route':
        return run.runRoute(this, key, sink);
      case 'nfna':
        return run.runNfna(this, key, sink);
      case 'podnet':
        return run.runPodNetworks(this, key, sink);
      case 'invalid':
        return run.runInvalid(this, sink);
    }
  }

  /**
   * Node, pod and service ids appearing or vanishing: units that asked whether they exist are redone. (Each has
   * exactly one contributing unit; hypervisors and switches, which several units may contribute, are never asked.)
   */
  private existence(before: UnitRecord | undefined, after: UnitRecord | null): void {
    const owned = (r: UnitRecord | null | undefined) => (r?.nodes ?? []).filter((n) => OWNED_KINDS.has(n.kind)).map((n) => n.id);
    const was = owned(before);
    const now = new Set(owned(after));
    for (const id of was) if (!now.has(id) && this.ids.delete(id)) this.invalidate(`has:${id}`);
    for (const id of now) {
      if (this.ids.has(id)) continue;
      this.ids.add(id);
      this.invalidate(`has:${id}`);
    }
  }

  private propagate(kind: UnitKind, key: string, unit: UnitKey, fx: UnitEffects): void {
    const prev = this.effects.get(unit) ?? {};
    if (fx.claims) {
      const index = kind === 'switch' ? this.teps : kind === 'node' ? this.nodeIps : this.podIps;
      const claimant = kind === 'switch' ? key : kind === 'node' ? k8sNodeId(key) : unit;
      const fact = kind === 'switch' ? 'tep' : kind === 'node' ? 'nodeip' : 'podip';
      for (const k of index.set(claimant, fx.claims)) this.invalidate(`${fact}:${k}`);
    }
    // A changed role renames the switch (`leaf:` ↔ `spine:`): whatever refers to it, or to its TEP, is redone.
    if (kind === 'switch' && prev.id !== undefined && prev.id !== fx.id) {
      this.invalidate(`switch:${key}`);
      for (const [addr] of fx.claims ?? []) this.invalidate(`tep:${addr}`);
    }
    const id = fx.id ?? prev.id;
    if (fx.serviceIps && id) this.serviceIpsChanged(id, prev.serviceIps ?? [], fx.serviceIps);
    if (fx.podStatus && id) {
      if (!sameJson(this.podStatus.get(id) ?? [], fx.podStatus)) {
        if (fx.podStatus.length > 0) this.podStatus.set(id, fx.podStatus);
        else this.podStatus.delete(id);
        this.invalidate(`podstatus:${id}`);
        this.mark('podnet', id);
      }
    }
    if (fx.covered) this.coveredChanged(prev.covered ?? [], fx.covered);
    if (fx.cluster && !sameJson(fx.cluster, this.cluster)) {
      this.cluster = fx.cluster;
      this.clusterChanged = true;
      // Every route's `kubernetes` flag (and the services of CIDR routes) follows the cluster AS.
      for (const u of this.records.keys()) if (u.startsWith('route:')) this.mark('route', u.slice('route:'.length));
    }
    this.effects.set(unit, fx);
  }

  private serviceIpsChanged(id: string, before: string[], after: string[]): void {
    const gone = before.filter((ip) => !after.includes(ip));
    const added = after.filter((ip) => !before.includes(ip));
    for (const ip of gone) this.serviceIps.remove(ip, id);
    for (const ip of added) this.serviceIps.add(ip, id);
    for (const ip of [...gone, ...added]) {
      this.invalidate(`svcat:${ip}`);
      for (const net of networksContaining(ip)) this.invalidate(`svcwithin:${net}`);
    }
  }

  private coveredChanged(before: string[], after: string[]): void {
    const bump = (k: string, d: number) => {
      const n = (this.covered.get(k) ?? 0) + d;
      if (n > 0) this.covered.set(k, n);
      else this.covered.delete(k);
      if (n === 0 || (n === 1 && d > 0)) this.mark('podnet', k.slice(0, k.indexOf('\u0000')));
    };
    for (const k of before) bump(k, -1);
    for (const k of after) bump(k, +1);
  }
}
