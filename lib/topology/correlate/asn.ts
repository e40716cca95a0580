import type { z } from 'zod';
import type { AsnSource } from '../graph';
import type { K8sNode, bgpConfigurationSchema, ciliumBgpClusterConfigSchema, daemonSetSchema } from '../k8s-models';
import type { GraphSink } from './builder';
import type { Context } from './context';

/** An ASN as Kubernetes resources write it: a number, a decimal string, or asdot `high.low`. */
export function parseAsn(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 4294967295 ? value : null;
  if (typeof value !== 'string') return null;
  const s = value.trim();
  const dot = /^(\d{1,5})\.(\d{1,5})$/.exec(s);
  if (dot) {
    const hi = Number(dot[1]);
    const lo = Number(dot[2]);
    return hi <= 65535 && lo <= 65535 && hi * 65536 + lo > 0 ? hi * 65536 + lo : null;
  }
  return /^\d{1,10}$/.test(s) ? parseAsn(Number(s)) : null;
}

/** One place the cluster's AS could be read from, before it is checked: `from` names the object for messages. */
export interface AsnClaim {
  raw: unknown;
  source: Exclude<AsnSource, null>;
  from: string;
}

/** `--cluster-asn=N` or `--cluster-asn N` in a container's command line. */
function clusterAsnArg(args: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--cluster-asn=')) return a.slice('--cluster-asn='.length);
    if (a === '--cluster-asn' && args[i + 1] !== undefined) return args[i + 1]!;
  }
  return null;
}

/** The AS claims one Kubernetes object makes (by bundle key): few objects make any, most make none. */
export const asnClaims = {
  bgpconfigurations: (c: z.output<typeof bgpConfigurationSchema>): AsnClaim[] =>
    c.metadata.name === 'default' && c.spec?.asNumber !== undefined
      ? [{ raw: c.spec.asNumber, source: 'calico', from: 'BGPConfiguration default' }]
      : [],
  daemonsets: (ds: z.output<typeof daemonSetSchema>): AsnClaim[] =>
    (ds.spec?.template?.spec?.containers ?? []).flatMap((container) => {
      const v = clusterAsnArg([...(container.command ?? []), ...(container.args ?? [])]);
      return v === null
        ? []
        : [{ raw: v, source: 'kube-router' as const, from: `DaemonSet ${ds.metadata.namespace ?? ''}/${ds.metadata.name}` }];
    }),
  nodes: (n: K8sNode): AsnClaim[] => {
    const v = n.metadata.annotations?.['kube-router.io/node.asn'];
    return v === undefined ? [] : [{ raw: v, source: 'kube-router', from: `Node ${n.metadata.name} annotation kube-router.io/node.asn` }];
  },
  ciliumbgpclusterconfigs: (c: z.output<typeof ciliumBgpClusterConfigSchema>): AsnClaim[] =>
    (c.spec?.bgpInstances ?? []).flatMap((inst) =>
      inst.localASN === undefined
        ? []
        : [{ raw: inst.localASN, source: 'cilium' as const, from: `CiliumBGPClusterConfig ${c.metadata.name}` }],
    ),
} as const;

const SOURCE_ORDER: Exclude<AsnSource, null>[] = ['calico', 'kube-router', 'cilium'];

/**
 * The cluster's BGP AS from every claim: Calico's default BGPConfiguration, kube-router's --cluster-asn (DaemonSet
 * args) and per-node `kube-router.io/node.asn` annotations, Cilium's CiliumBGPClusterConfig bgpInstances (v2alpha1
 * and v2 share the field). Several distinct ASNs make the ASN ambiguous rather than picking one. Claims are taken
 * in a canonical order (source, then object), so the result and its messages do not depend on input order.
 */
export function decideAsn(claims: readonly AsnClaim[], sink: GraphSink): { asn: number | null; asnSource: AsnSource } {
  const found: { asn: number; source: AsnClaim['source']; from: string }[] = [];
  const ordered = [...claims].sort(
    (a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0),
  );
  for (const { raw, source, from } of ordered) {
    const asn = parseAsn(raw);
    if (asn !== null) found.push({ asn, source, from });
    else sink.problem('warning', 'asn-invalid', 'cluster', `${from} has an AS number that is not valid: ${JSON.stringify(raw)}.`);
  }
  const distinct = [...new Set(found.map((f) => f.asn))].sort((a, b) => a - b);
  if (distinct.length === 0) {
    sink.problem(
      'warning',
      'asn-not-detected',
      'cluster',
      'No cluster AS number found (Calico BGPConfiguration, kube-router --cluster-asn or node annotation, Cilium CiliumBGPClusterConfig); routes cannot be marked as Kubernetes routes.',
    );
    return { asn: null, asnSource: null };
  }
  if (distinct.length > 1) {
    const detail = found.map((f) => `${f.from}: ${f.asn}`).join(', ');
    sink.problem(
      'warning',
      'asn-ambiguous',
      'cluster',
      `Several cluster AS numbers found (${detail}); akb cannot tell which routes are Kubernetes routes.`,
    );
    return { asn: null, asnSource: null };
  }
  const source = SOURCE_ORDER.find((s) => found.some((f) => f.source === s)) ?? null;
  return { asn: distinct[0]!, asnSource: source };
}

export function detectAsn(ctx: Context): { asn: number | null; asnSource: AsnSource } {
  const claims = [
    ...ctx.inputs.k8s('bgpconfigurations').flatMap(asnClaims.bgpconfigurations),
    ...ctx.inputs.k8s('daemonsets').flatMap(asnClaims.daemonsets),
    ...ctx.inputs.k8s('nodes').flatMap(asnClaims.nodes),
    ...ctx.inputs.k8s('ciliumbgpclusterconfigs').flatMap(asnClaims.ciliumbgpclusterconfigs),
  ];
  return decideAsn(claims, ctx.g);
}
