import { parseAsn } from '../topology/correlate/asn';
import type { AsnSource } from '../topology/graph';
import type { KubeObject } from '../topology/bundle-types';
import { bgpConfigurationSchema, ciliumBgpClusterConfigSchema, daemonSetSchema } from '../topology/k8s-models';

export interface ClusterAsn {
  asn: number | null;
  source: AsnSource;
  /** Why no ASN was chosen (ambiguous, invalid values); absent when one ASN was found cleanly. */
  finding?: string;
}

interface Candidate {
  asn: number;
  source: Exclude<AsnSource, null>;
  where: string;
}

export const KUBE_ROUTER_ASN_ANNOTATION = 'kube-router.io/node.asn';

/** `--cluster-asn=N` or `--cluster-asn N` anywhere in a container's command line. */
export function clusterAsnArg(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--cluster-asn=')) return a.slice('--cluster-asn='.length);
    if (a === '--cluster-asn' && i + 1 < args.length) return args[i + 1]!;
  }
  return null;
}

/**
 * The cluster's BGP AS from the Kubernetes objects: Calico's `default` BGPConfiguration (`spec.asNumber`,
 * plain or asdot), kube-router's `--cluster-asn` DaemonSet argument and per-node `kube-router.io/node.asn`
 * annotations, Cilium's CiliumBGPClusterConfig `spec.bgpInstances[].localASN` (same field in v2alpha1 and
 * v2). Exactly one distinct ASN is the answer; several make it ambiguous rather than guessing.
 */
export function detectClusterAsn(k8s: Readonly<Record<string, readonly KubeObject[] | undefined>>): ClusterAsn {
  const found: Candidate[] = [];
  const invalid: string[] = [];
  const add = (raw: unknown, source: Candidate['source'], where: string) => {
    const asn = parseAsn(raw);
    if (asn === null) invalid.push(`${JSON.stringify(raw)} in ${where}`);
    else found.push({ asn, source, where });
  };
  for (const o of k8s.bgpconfigurations ?? []) {
    const c = bgpConfigurationSchema.safeParse(o);
    if (c.success && c.data.metadata.name === 'default' && c.data.spec?.asNumber !== undefined) {
      add(c.data.spec.asNumber, 'calico', 'Calico BGPConfiguration default');
    }
  }
  for (const o of k8s.daemonsets ?? []) {
    const ds = daemonSetSchema.safeParse(o);
    if (!ds.success) continue;
    for (const ctr of ds.data.spec?.template?.spec?.containers ?? []) {
      const v = clusterAsnArg([...(ctr.command ?? []), ...(ctr.args ?? [])]);
      if (v !== null)
        add(v, 'kube-router', `kube-router DaemonSet ${ds.data.metadata.namespace ?? ''}/${ds.data.metadata.name} --cluster-asn`);
    }
  }
  for (const n of k8s.nodes ?? []) {
    const v = n.metadata.annotations?.[KUBE_ROUTER_ASN_ANNOTATION];
    if (v !== undefined) add(v, 'kube-router', `Node ${n.metadata.name} annotation ${KUBE_ROUTER_ASN_ANNOTATION}`);
  }
  for (const o of k8s.ciliumbgpclusterconfigs ?? []) {
    const c = ciliumBgpClusterConfigSchema.safeParse(o);
    if (!c.success) continue;
    for (const [i, inst] of (c.data.spec?.bgpInstances ?? []).entries()) {
      const label = inst.name ?? String(i);
      if (inst.localASN !== undefined) add(inst.localASN, 'cilium', `CiliumBGPClusterConfig ${c.data.metadata.name} instance ${label}`);
    }
  }
  const invalidNote = invalid.length > 0 ? `invalid AS number ${invalid.join(', ')}` : undefined;
  const distinct = [...new Set(found.map((f) => f.asn))].sort((a, b) => a - b);
  if (distinct.length === 0) {
    return {
      asn: null,
      source: null,
      finding:
        invalidNote ??
        'no cluster AS number found (Calico BGPConfiguration default, kube-router --cluster-asn or node annotation, Cilium CiliumBGPClusterConfig)',
    };
  }
  if (distinct.length > 1) {
    const parts = distinct.map(
      (asn) =>
        `${asn} in ${found
          .filter((f) => f.asn === asn)
          .map((f) => f.where)
          .join(' and ')}`,
    );
    return { asn: null, source: null, finding: `ambiguous: ${parts.join(', ')}` };
  }
  const asn = distinct[0]!;
  // Every candidate agrees; name the CNI in a fixed order so the answer does not depend on object order.
  const order: Candidate['source'][] = ['calico', 'kube-router', 'cilium'];
  const source = order.find((s) => found.some((f) => f.source === s)) ?? null;
  return { asn, source, ...(invalidNote ? { finding: invalidNote } : {}) };
}
