import type { ResolvedSpec } from '../../spec/defaults';
import { formatCidr } from '../../../lib/net/ip';
import { nodeProfile } from './node-profile';
import { policyNames } from './policies';
import { mo, type AciNode } from './tree';

/** Route maps applied to the whole L3Out ("default-export"/"default-import" are ACI's reserved names). */
function routeMaps(r: ResolvedSpec): AciNode[] {
  const names = policyNames(r);
  const profile = (name: string, ctx: string, subj: string) =>
    mo('rtctrlProfile', `prof-${name}`, { name, type: 'combinable' }, [
      mo('rtctrlCtxP', `ctx-${ctx}`, { name: ctx, action: 'permit', order: '0' }, [
        mo('rtctrlRsCtxPToSubjP', `rsctxPToSubjP-${subj}`, { tnRtctrlSubjPName: subj }),
      ]),
    ]);
  return [
    profile('default-export', 'export_pod_subnet', names.exportMatch),
    profile('default-import', 'import_cluster_subnets', names.importMatch),
  ];
}

/**
 * External EPG: classifies the cluster's subnets for contracts. The node subnet is exact; pod, service
 * and external-service subnets also leak every more specific route (/32 service routes) to other VRFs.
 */
function externalEpg(r: ResolvedSpec): AciNode {
  const f = r.spec.fabric;
  const scope = [...f.l3out.scope].sort().join(',');
  const subnets = r.families.flatMap((fa) => [
    mo('l3extSubnet', `extsubnet-[${formatCidr(fa.nodeSubnet)}]`, { ip: formatCidr(fa.nodeSubnet), scope }),
    ...[fa.podSubnet, fa.serviceSubnet, fa.externalServiceSubnet].map((c) =>
      mo('l3extSubnet', `extsubnet-[${formatCidr(c)}]`, { ip: formatCidr(c), scope, aggregate: 'shared-rtctrl' }),
    ),
  ]);
  const name = f.l3out.externalEpg;
  return mo('l3extInstP', `instP-${name}`, { name }, [
    mo('fvRsProv', `rsprov-${f.contract.name}`, { tnVzBrCPName: f.contract.name }),
    mo('fvRsCons', `rscons-${f.contract.name}`, { tnVzBrCPName: f.contract.name }),
    ...subnets,
  ]);
}

/** The floating-SVI L3Out (NKT.md §2) with its whole subtree. */
export function l3out(r: ResolvedSpec): AciNode {
  const f = r.spec.fabric;
  const children: AciNode[] = [mo('l3extRsEctx', 'rsectx', { tnFvCtxName: f.vrf.name })];
  if (f.l3Domain !== undefined) children.push(mo('l3extRsL3DomAtt', 'rsl3DomAtt', { tDn: `uni/l3dom-${f.l3Domain}` }));
  children.push(mo('bgpExtP', 'bgpExtP', {}), nodeProfile(r), externalEpg(r), ...routeMaps(r));
  return mo('l3extOut', `out-${f.l3out.name}`, { name: f.l3out.name, enforceRtctrl: 'export,import' }, children);
}
