import type { ResolvedSpec } from '../spec/defaults';
import { planAci, type AciPlan } from './aci/index';
import { akbManifests, akbSecretUses } from './akb';
import { bootstrapSecretUses, plannedUserData } from '../bootstrap/planned';
import { calicoManifests } from './cni/calico';
import { ciliumHelmValues, ciliumManifests } from './cni/cilium';
import { kubeRouterManifests } from './cni/kube-router';
import type { Manifest } from './manifest';
import type { SecretUse } from './secrets';

export interface NodeUserData {
  node: string;
  placement: 'vsphere' | 'bare-metal';
  userData: string;
}

/** Everything akb would do, computed purely from the spec: reviewable before anything is touched. */
export interface Plan {
  resolved: ResolvedSpec;
  aci: AciPlan;
  /** Kubernetes objects grouped by what installs them, in apply order. */
  manifests: { cni: Manifest[]; akb: Manifest[] };
  /** Helm values for charts installed from upstream (Cilium). */
  helmValues: Record<string, Record<string, unknown>>;
  /** Empty in ACI-only mode. */
  nodes: NodeUserData[];
  secrets: SecretUse[];
}

function cniManifests(r: ResolvedSpec): Manifest[] {
  switch (r.spec.cluster.cni) {
    case 'calico':
      return calicoManifests(r);
    case 'kube-router':
      return kubeRouterManifests(r);
    case 'cilium':
      return ciliumManifests(r);
  }
}

function secretUses(r: ResolvedSpec): SecretUse[] {
  const { fabric: f, mode, cluster: c } = r.spec;
  const out: SecretUse[] = [];
  if (f.bgpPassword !== undefined) {
    out.push({ name: 'bgp-password', source: f.bgpPassword, usedBy: 'ACI bgpPeerP password, CNI BGP password Secret' });
    if (c.cni === 'kube-router') out.push({ name: 'bgp-password-base64', source: f.bgpPassword, usedBy: 'kube-router node annotations' });
  }
  if (mode === 'full') out.push(...bootstrapSecretUses(r));
  out.push(...akbSecretUses(r));
  return out;
}

export function buildPlan(r: ResolvedSpec): Plan {
  const full = r.spec.mode === 'full';
  return {
    resolved: r,
    aci: planAci(r),
    manifests: { cni: cniManifests(r), akb: akbManifests(r) },
    helmValues: r.spec.cluster.cni === 'cilium' ? { cilium: ciliumHelmValues(r) } : {},
    // Existing machines (aci-only) get no user data; full mode refuses them (validate-topology.ts).
    nodes: full
      ? r.spec.cluster.nodes.flatMap((n) =>
          n.placement.type === 'existing' ? [] : [{ node: n.name, placement: n.placement.type, userData: plannedUserData(r, n) }],
        )
      : [],
    secrets: secretUses(r),
  };
}
