/**
 * Ingest reduction: every Kubernetes object and APIC object akb reads is cut down, as it arrives, to an
 * allow-list of the fields the correlator and the analyses read. Env values, command lines, annotations such as
 * `kube-router.io/peer.passwords`, probe headers and APIC attributes nobody reads never reach memory, the
 * support bundle or `akb capture`'s file. Correlating reduced and full inputs gives the same graph (tested over
 * every shipped scenario and fixture).
 */
import type { WireMo } from '../../aci/mo';
import type { Bundle } from '../bundle-types';
import type { KubeObject } from '../../k8s/models/object';
import { IDENTITY_ONLY, KUBE_REDUCERS } from './kube';
import { reduceWireMo } from './apic';

export { KEPT_APIC_ATTRIBUTES, reduceApicAttributes, reduceWireMo } from './apic';
export { KUBE_ROUTER_FLAGS } from './command-line';
export { KEPT_ANNOTATIONS, KUBE_REDUCERS } from './kube';

/** One object of the bundle key `resource` (`pods`, `nodes`, …) reduced to what akb reads (a new object). */
export function reduceKubeObject(resource: string, object: KubeObject): KubeObject {
  const reduce = Object.hasOwn(KUBE_REDUCERS, resource) ? KUBE_REDUCERS[resource]! : IDENTITY_ONLY;
  return reduce(object) as KubeObject;
}

/** The reducer of one bundle key, for callers that reduce a stream of objects of that resource. */
export function kubeReducer(resource: string): (object: KubeObject) => KubeObject {
  return (object) => reduceKubeObject(resource, object);
}

/** A copy of the bundle with every object reduced; the input is not changed. Idempotent. */
export function reduceBundle(bundle: Bundle): Bundle {
  const k8s: Record<string, KubeObject[]> = Object.fromEntries(
    Object.entries(bundle.k8s).map(([key, objects]) => [key, objects.map(kubeReducer(key))]),
  );
  const apic: Record<string, WireMo[]> = Object.fromEntries(Object.entries(bundle.apic).map(([cls, mos]) => [cls, mos.map(reduceWireMo)]));
  return { format: bundle.format, capturedAt: bundle.capturedAt, fabric: { ...bundle.fabric }, apic, k8s };
}
