/** The lab Kubernetes API server: an object store with an in-process API and an HTTP(S) front end real clients accept. */
export { startLabK8s, type LabK8sOptions, type LabK8sServer } from './server';
export {
  KubeStore,
  type KubeStoreOptions,
  type ListOptions,
  type ListResult,
  type PatchOptions,
  type ResourceRef,
  type StoreEvent,
  type StoreEventType,
  type StoreListener,
  type WriteOptions,
  type WriteResult,
} from './store';
export { KubeApiError, type KubeStatus, type StatusCause } from './errors';
export { BUILTIN_RESOURCES, CALICO_OPERATOR_CRDS, KNOWN_CRDS, crdManifest, type ResourceDef } from './resources';
export { PATCH_TYPES, type PatchType } from './patch';
export { kubeconfigYaml } from './kubeconfig';
export { SERVER_VERSION } from './discovery';
