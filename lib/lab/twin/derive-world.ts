import type { WireMo } from '../../aci/mo';
import type { KubeObject } from '../../topology/bundle-types';
import { ApicTree } from '../apic/tree';
import { deriveApicSeed } from '../model/derive-apic';
import { deriveCniResources } from '../model/k8s-cni';
import { deriveBgpCoreResources } from '../model/k8s-core';
import { computeServices } from '../model/services';
import type { LabWorld } from '../model/world';
import { readClusterConfig, type ClusterObjects } from './cluster-config';
import { deriveTwin, operationalMos } from './derive';
import { readFabricConfig } from './fabric-config';
import { worldWire } from './world-wire';

/** A cluster's objects as the twin reads them, from a derived object set (keyed by plural) instead of a live store. */
export function clusterObjectsOf(k8s: Readonly<Record<string, readonly KubeObject[]>>): ClusterObjects {
  const of = (plural: string): readonly KubeObject[] => k8s[plural] ?? [];
  const secrets = new Map(of('secrets').map((s) => [`${s.metadata.namespace ?? ''}/${s.metadata.name}`, s]));
  return {
    nodes: of('nodes'),
    daemonSets: of('daemonsets'),
    secret: (ns, name) => secrets.get(`${ns}/${name}`),
    bgpConfigurations: of('bgpconfigurations'),
    bgpPeers: of('bgppeers'),
    ciliumClusterConfigs: of('ciliumbgpclusterconfigs'),
    ciliumPeerConfigs: of('ciliumbgppeerconfigs'),
    ciliumAdvertisements: of('ciliumbgpadvertisements'),
  };
}

/**
 * Everything a lab started on this world holds on its APIC once the twin has run: the seed (switches, cabling,
 * configuration, endpoints) and what the leaves then show (BGP peers and entries, routes), derived by the twin's
 * core from the seed configuration on both sides. Pure: the same world always gives the same list.
 */
export function deriveApic(w: LabWorld): WireMo[] {
  const seed = deriveApicSeed(w);
  const tree = new ApicTree();
  tree.load(seed);
  const fabric = readFabricConfig(tree);
  const wire = worldWire(() => w);
  const derived = deriveTwin(fabric, [
    {
      config: readClusterConfig(clusterObjectsOf({ ...deriveBgpCoreResources(w), ...deriveCniResources(w) })),
      wire,
      services: computeServices(w),
    },
  ]);
  return [...seed, ...operationalMos(fabric, derived, wire)];
}
