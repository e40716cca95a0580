/** The Kubernetes side of akb: configuration, live cluster source and one-shot listing. */
export { loadKubeConfig, KubeConfigError, kubeConfigOptionsSchema, type KubeConfigOptions, type KubeConfigEnv } from './kubeconfig';
export { ClusterSource, type ClusterSourceOptions, type ChangeListener, type StatusListener } from './cluster-source';
export { CLUSTER_RESOURCES, collectionPath, type ClusterResource } from './resources';
export { listClusterResources, type ClusterListing } from './list-once';
export { ClusterSnapshot, objectKey, compareObjects, type ClusterChange, type ChangeType } from './snapshot';
export { KubeHttpError } from './http';
