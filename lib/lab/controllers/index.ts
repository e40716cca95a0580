/** Lab controllers: what a real cluster's controllers, scheduler and kubelets would do to objects users apply. */
export { LabControllers } from './lab-controllers';
export { UserWorkloadReconciler, MANAGED_BY_ANNOTATION } from './user-workloads';
export { UserEndpointSliceReconciler } from './endpoint-slices';
export { worldMutationFor } from './world-feedback';
export { ClusterReporter } from './cluster-reporter';
