import type { WireMo } from '../aci/mo';
import type { KubeObject } from '../k8s/models/object';

/** Re-exported: the bundle's readers name the Kubernetes wire type from here too. */
export type { KubeObject } from '../k8s/models/object';

/**
 * `akb-bundle/v1` (shared/docs/CONTRACTS.md §1): what the APIC and the Kubernetes API returned, unchanged.
 * This is also the in-memory snapshot the live service keeps, so the live graph and `akb graph` of a
 * capture are computed by the same function from the same shape.
 */
export const BUNDLE_FORMAT = 'akb-bundle/v1' as const;

export interface Bundle {
  format: typeof BUNDLE_FORMAT;
  capturedAt: string;
  fabric: { tenant: string; vrf: string; l3out?: string };
  /** One key per APIC class: the imdata array of a class query. A missing key means no objects. */
  apic: Record<string, WireMo[]>;
  /** One key per resource, lower-case plural: the items of a list call. */
  k8s: Record<string, KubeObject[]>;
}
