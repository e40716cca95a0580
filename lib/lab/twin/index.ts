/**
 * The twin: BGP sessions and routes derived from the configuration on both sides (the lab APIC's MIT and each
 * cluster's Kubernetes objects) and the lab's wire, written back as what the leaves show.
 */
export { LabTwin, type TwinCluster, type SessionsListener } from './twin';
export { worldWire, twinInputsOf, sameTwinInputs } from './world-wire';
export type { NodeWire, WireFacts, DecidedSession } from './sessions';
export type { LeafNaming } from './operational';
export { readFabricConfig, type FabricConfig, type FloatingSvi, type LeafPeerConfig } from './fabric-config';
export { readClusterConfig, type ClusterConfig, type NodeBgpConfig, type NodePeer, type ClusterObjects } from './cluster-config';
export { annotatedWire, HOST_ANNOTATION, VLAN_ANNOTATION } from './store-wire';
