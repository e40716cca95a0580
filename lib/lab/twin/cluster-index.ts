import type { KubeObject } from '../../topology/bundle-types';
import type { KubeStore, StoreEvent } from '../k8s';
import type { ClusterObjects } from './cluster-config';

/** Resources whose objects decide a node's BGP speaker (by `plural.group`; '' is the core group). */
const WATCHED: Record<string, keyof Buckets> = {
  'nodes.': 'nodes',
  'daemonsets.apps': 'daemonSets',
  'secrets.': 'secrets',
  'bgpconfigurations.crd.projectcalico.org': 'bgpConfigurationsV1',
  'bgpconfigurations.projectcalico.org': 'bgpConfigurationsV3',
  'bgppeers.crd.projectcalico.org': 'bgpPeersV1',
  'bgppeers.projectcalico.org': 'bgpPeersV3',
  'ciliumbgpclusterconfigs.cilium.io': 'ciliumClusterConfigs',
  'ciliumbgppeerconfigs.cilium.io': 'ciliumPeerConfigs',
  'ciliumbgpadvertisements.cilium.io': 'ciliumAdvertisements',
};

type Buckets = {
  nodes: Map<string, KubeObject>;
  daemonSets: Map<string, KubeObject>;
  secrets: Map<string, KubeObject>;
  bgpConfigurationsV1: Map<string, KubeObject>;
  bgpConfigurationsV3: Map<string, KubeObject>;
  bgpPeersV1: Map<string, KubeObject>;
  bgpPeersV3: Map<string, KubeObject>;
  ciliumClusterConfigs: Map<string, KubeObject>;
  ciliumPeerConfigs: Map<string, KubeObject>;
  ciliumAdvertisements: Map<string, KubeObject>;
};

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * A cluster's BGP-relevant objects, kept current from the store's change stream (no copies: the store replaces
 * an object on every write, so the references held here are never mutated under us). `changed` is set by any
 * change to them, so the twin knows a recompute is due.
 */
export class ClusterIndex {
  private readonly b: Buckets = {
    nodes: new Map(),
    daemonSets: new Map(),
    secrets: new Map(),
    bgpConfigurationsV1: new Map(),
    bgpConfigurationsV3: new Map(),
    bgpPeersV1: new Map(),
    bgpPeersV3: new Map(),
    ciliumClusterConfigs: new Map(),
    ciliumPeerConfigs: new Map(),
    ciliumAdvertisements: new Map(),
  };
  private readonly unsubscribe: () => void;

  constructor(
    readonly store: KubeStore,
    private readonly onChange: () => void,
  ) {
    for (const [ref, bucket] of Object.entries(WATCHED)) {
      const [plural, ...group] = ref.split('.');
      const name = group.join('.') ? `${plural}.${group.join('.')}` : plural!;
      let items: KubeObject[] = [];
      try {
        items = store.list(name).items;
      } catch {
        continue; // a CRD not installed (yet): its objects arrive with its events
      }
      for (const o of items) this.b[bucket].set(keyOf(o), o);
    }
    this.unsubscribe = store.subscribe((ev) => this.apply(ev));
  }

  private apply(ev: StoreEvent): void {
    const bucket = WATCHED[`${ev.resource.plural}.${ev.resource.group}`];
    if (!bucket) return;
    if (ev.type === 'DELETED') this.b[bucket].delete(keyOf(ev.object));
    else this.b[bucket].set(keyOf(ev.object), ev.object);
    this.onChange();
  }

  objects(): ClusterObjects {
    const merged = (v1: Map<string, KubeObject>, v3: Map<string, KubeObject>): KubeObject[] => {
      const byName = new Map<string, KubeObject>();
      for (const o of v1.values()) byName.set(o.metadata.name, o);
      for (const o of v3.values()) byName.set(o.metadata.name, o);
      return [...byName.values()];
    };
    return {
      nodes: [...this.b.nodes.values()],
      daemonSets: [...this.b.daemonSets.values()],
      secret: (ns, name) => this.b.secrets.get(`${ns}/${name}`),
      bgpConfigurations: merged(this.b.bgpConfigurationsV1, this.b.bgpConfigurationsV3),
      bgpPeers: merged(this.b.bgpPeersV1, this.b.bgpPeersV3),
      ciliumClusterConfigs: [...this.b.ciliumClusterConfigs.values()],
      ciliumPeerConfigs: [...this.b.ciliumPeerConfigs.values()],
      ciliumAdvertisements: [...this.b.ciliumAdvertisements.values()],
    };
  }

  close(): void {
    this.unsubscribe();
  }
}
