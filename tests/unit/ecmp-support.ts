import type { WireMo } from '../../lib/aci/mo';
import { BUNDLE_FORMAT, type Bundle } from '../../lib/topology/bundle-types';
import { correlate } from '../../lib/topology/correlate';
import type { TopologyGraph } from '../../lib/topology/graph';
import { deriveApic, deriveKubernetes, type LabWorld } from '../../lib/lab/model';

/** The APIC class queries' shape: MOs grouped by class, as a captured bundle holds them. */
export function groupByClass(mos: readonly WireMo[]): Record<string, WireMo[]> {
  const out: Record<string, WireMo[]> = {};
  for (const mo of mos) {
    const cls = Object.keys(mo)[0]!;
    (out[cls] ??= []).push(mo);
  }
  return out;
}

/**
 * A bundle of a lab world; `fabricFrom` takes the APIC side from another world, which is how a test
 * builds "Kubernetes has moved on, the fabric still shows the old routes".
 */
export function labBundle(
  w: LabWorld,
  fabricFrom: LabWorld = w,
  capturedAt = '2026-11-25T06:00:00.000Z',
): { bundle: Bundle; graph: TopologyGraph } {
  const s = w.scenario;
  const bundle: Bundle = {
    format: BUNDLE_FORMAT,
    capturedAt,
    fabric: { tenant: s.tenant, vrf: s.vrf, l3out: s.l3out.name },
    apic: groupByClass(deriveApic(fabricFrom)),
    k8s: deriveKubernetes(w),
  };
  return { bundle, graph: correlate(bundle) };
}
