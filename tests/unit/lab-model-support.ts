import type { WireMo } from '../../lib/aci/mo';

/** Test helpers over a flat APIC MO list. */
export function byClass(mos: WireMo[], cls: string): Record<string, string>[] {
  return mos.filter((m) => cls in m).map((m) => m[cls]!.attributes);
}

export function attrsAt(mos: WireMo[], cls: string, dn: string): Record<string, string> | undefined {
  return byClass(mos, cls).find((a) => a.dn === dn);
}
