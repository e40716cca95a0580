/** Pushes a lab world into the lab servers: only differences, only objects the sync itself manages. */
export { KubeSync, kubeKey, type KubeKey, type KubeSyncStats } from './kube-sync';
export { ApicSync, type ApicSyncStats } from './apic-sync';
