/** The selector evaluators live with the wire models (lib/k8s/models/selectors.ts): the lab's twin uses them too. */
export { calicoSelector, matchesLabelSelector } from '../../k8s/models/selectors';
