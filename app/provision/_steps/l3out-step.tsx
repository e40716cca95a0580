'use client';

import type { FabricDiscovery } from '../../../lib/live/shared/provision';
import { getAt } from '../_lib/draft';
import { Field, useForm } from '../_lib/field';

type Anchor = { nodeId?: number; rackId?: string; podId?: number };

/** Step 2: the floating L3Out, with pickers filled from the APIC and the VLAN checked against the domain's pools. */
export function L3OutStep({ discovery }: { discovery: FabricDiscovery | null }) {
  const form = useForm();
  const tenant = getAt(form.draft, 'fabric.tenant') as string | undefined;
  const inScope = (t: string) => t === tenant || t === 'common';
  const vrfTenant = (getAt(form.draft, 'fabric.vrf.tenant') as string | undefined) ?? tenant;
  const contractTenant = (getAt(form.draft, 'fabric.contract.tenant') as string | undefined) ?? tenant;
  const domain = discovery?.physicalDomains.find((d) => d.name === getAt(form.draft, 'fabric.physicalDomain'));
  const vlan = getAt(form.draft, 'fabric.vlan');
  const inPool =
    typeof vlan !== 'number' || !domain ? null : domain.vlanPools.some((p) => p.ranges.some((r) => vlan >= r.from && vlan <= r.to));
  const anchors = (getAt(form.draft, 'fabric.anchorLeaves') as Anchor[] | undefined) ?? [];
  const leafOptions = discovery?.leaves.map((l) => ({
    value: String(l.nodeId),
    label: `${l.nodeId} ${l.name}${l.vpcPeer ? ` (vPC with ${l.vpcPeer}, rack ${l.rack})` : ''}`,
  }));
  const opt = (values: string[]) => (discovery ? values.map((value) => ({ value })) : undefined);
  return (
    <div className="grid gap-3">
      <div className="grid max-w-4xl grid-cols-2 gap-3">
        <Field path="fabric.tenant" options={opt(discovery?.tenants ?? [])} />
        <Field path="fabric.l3out.name" />
        <Field path="fabric.vrf.name" options={opt((discovery?.vrfs ?? []).filter((v) => v.tenant === vrfTenant).map((v) => v.name))} />
        <Field path="fabric.vrf.tenant" options={tenant ? [{ value: tenant }, { value: 'common' }] : undefined} />
        <Field
          path="fabric.contract.name"
          options={opt((discovery?.contracts ?? []).filter((c) => c.tenant === contractTenant && inScope(c.tenant)).map((c) => c.name))}
        />
        <Field path="fabric.contract.tenant" options={tenant ? [{ value: tenant }, { value: 'common' }] : undefined} />
        <Field
          path="fabric.physicalDomain"
          options={discovery?.physicalDomains.map((d) => ({
            value: d.name,
            label: `${d.name} (${d.vlanPools.flatMap((p) => p.ranges.map((r) => `vlan ${r.from}-${r.to}`)).join(', ') || 'no VLAN pool'})`,
          }))}
        />
        <div>
          <Field path="fabric.vlan" />
          {inPool === false && (
            <span data-testid="vlan-preflight" className="text-xs text-amber-600">
              VLAN {String(vlan)} is not in the VLAN pool of {domain?.name}: the floating SVI would not come up
            </span>
          )}
        </div>
        <Field path="fabric.nodeSubnet.ipv4" />
        <Field path="fabric.nodeSubnet.ipv6" />
        <Field path="fabric.floatingIp.ipv4" />
        <Field path="fabric.secondaryIp.ipv4" />
        <Field path="fabric.bgpPassword" />
        <Field path="fabric.mtu" />
        <Field path="fabric.maxEcmpPaths" />
        <Field path="fabric.maxPrefixes" />
      </div>
      <h3 className="mt-2 font-semibold">Anchor leaves</h3>
      <table className="max-w-5xl text-sm" data-testid="anchor-table">
        <thead>
          <tr className="text-left">
            <th className="pr-2">Leaf</th>
            <th className="pr-2">Pod</th>
            <th className="pr-2">Rack</th>
            <th className="pr-2">Router ID</th>
            <th className="pr-2">Leaf address (IPv4)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {anchors.map((a, i) => {
            const p = `fabric.anchorLeaves[${i}]`;
            return (
              <tr key={i} data-testid="anchor-row" className="align-top">
                <td className="pr-2">
                  <Field
                    compact
                    path={`${p}.nodeId`}
                    options={leafOptions}
                    onValue={(v) => {
                      const leaf = discovery?.leaves.find((l) => l.nodeId === v);
                      if (!leaf) return;
                      form.set(`${p}.podId`, leaf.podId);
                      if (!a.rackId) form.set(`${p}.rackId`, leaf.rack);
                    }}
                  />
                </td>
                <td className="w-16 pr-2">
                  <Field compact path={`${p}.podId`} />
                </td>
                <td className="w-20 pr-2">
                  <Field compact path={`${p}.rackId`} />
                </td>
                <td className="pr-2">
                  <Field compact path={`${p}.routerId`} />
                </td>
                <td className="pr-2">
                  <Field compact path={`${p}.ipv4`} />
                </td>
                <td>
                  <button type="button" className="text-xs text-red-700" onClick={() => form.set(p, undefined)}>
                    remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button
        type="button"
        data-testid="add-anchor"
        className="w-fit rounded border border-slate-400 px-2 py-0.5 text-sm"
        onClick={() => form.set(`fabric.anchorLeaves[${anchors.length}]`, { podId: 1 })}
      >
        Add an anchor leaf
      </button>
      {form.problems
        .filter((x) => x.path === 'fabric.anchorLeaves')
        .map((x) => (
          <span key={x.message} role="alert" className="text-xs text-red-600">
            {x.message}
          </span>
        ))}
    </div>
  );
}
