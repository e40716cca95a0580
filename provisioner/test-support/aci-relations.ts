import type { FlatMo } from '../plan/aci/index';
import type { ResolvedSpec } from '../spec/defaults';

/**
 * APIC's rule for named relations (`tn<Class>Name`): the target is looked up by name in the source object's own
 * tenant first, then in tenant common, and nowhere else. A policy the plan creates in some third tenant stays
 * unresolved on APIC (a missing-target fault, the relation silently does nothing), so tests check resolution with
 * this rule rather than only the DNs.
 */

/** A named relation of the plan, what it names, and the DN APIC would bind it to (undefined: unresolvable). */
export interface NamedRelation {
  source: string;
  attr: string;
  targetClass: string;
  name: string;
  resolved: string | undefined;
}

const RELATION_ATTR = /^tn([A-Z]\w*)Name$/;
const tenantOf = (dn: string): string | undefined => /^uni\/tn-([^/]+)(\/|$)/.exec(dn)?.[1];

/** Tenant-level objects the plan expects to exist already (it references them, never creates them). */
function preExisting(r: ResolvedSpec): Array<{ cls: string; tenant: string; name: string; rn: string }> {
  const f = r.spec.fabric;
  return [
    { cls: 'fvCtx', tenant: f.vrf.tenant ?? f.tenant, name: f.vrf.name, rn: `ctx-${f.vrf.name}` },
    { cls: 'vzBrCP', tenant: f.contract.tenant ?? f.tenant, name: f.contract.name, rn: `brc-${f.contract.name}` },
  ];
}

/** Every `tn<Class>Name` relation in `objects`, resolved against the planned tenant-level objects plus the pre-existing ones. */
export function namedRelations(objects: FlatMo[], r: ResolvedSpec): NamedRelation[] {
  // cls → tenant → name → DN, for the objects a relation can name (direct children of a tenant).
  const targets = new Map<string, Map<string, Map<string, string>>>();
  const add = (cls: string, tenant: string, name: string, dn: string) => {
    const byTenant = targets.get(cls) ?? new Map<string, Map<string, string>>();
    const byName = byTenant.get(tenant) ?? new Map<string, string>();
    byName.set(name, dn);
    byTenant.set(tenant, byName);
    targets.set(cls, byTenant);
  };
  for (const o of objects) {
    const tenant = tenantOf(o.parentDn);
    if (tenant !== undefined && o.parentDn === `uni/tn-${tenant}` && o.attrs.name !== undefined) add(o.cls, tenant, o.attrs.name, o.dn);
  }
  for (const p of preExisting(r)) add(p.cls, p.tenant, p.name, `uni/tn-${p.tenant}/${p.rn}`);

  const out: NamedRelation[] = [];
  for (const o of objects) {
    for (const [attr, name] of Object.entries(o.attrs)) {
      const m = RELATION_ATTR.exec(attr);
      if (!m) continue;
      const targetClass = m[1]!.charAt(0).toLowerCase() + m[1]!.slice(1);
      const own = tenantOf(o.dn);
      const lookup = (tenant: string | undefined) => (tenant === undefined ? undefined : targets.get(targetClass)?.get(tenant)?.get(name));
      out.push({ source: o.dn, attr, targetClass, name, resolved: lookup(own) ?? lookup('common') });
    }
  }
  return out;
}
