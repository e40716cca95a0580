import type { z } from 'zod';
import type { AsnSource } from '../graph';
import {
  K8S_SCHEMAS,
  type K8sNode,
  type K8sPod,
  type bgpConfigurationSchema,
  type ciliumBgpClusterConfigSchema,
  type daemonSetSchema,
} from '../k8s-models';
import type { GraphSink } from './builder';
import type { Context } from './context';
import { compareStrings } from '../../shared/compare';

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

export const KUBE_ROUTER_ASN_ANNOTATION = 'kube-router.io/node.asn';

/** One place the cluster's AS could be read from, before it is checked: `from` names the object for messages. */
export interface AsnClaim {
  raw: unknown;
  source: Exclude<AsnSource, null>;
  from: string;
  /** Claims of one group saying the same value count once (every kube-router pod repeats its DaemonSet's flag). */
  group?: string;
}

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
 * The AS claims one Kubernetes object makes (by bundle key): few objects make any, most make none. Calico's `default`
 * BGPConfiguration (`spec.asNumber`, plain or asdot), kube-router's `--cluster-asn` (DaemonSet or running pod) and per-node
 * annotation, Cilium's CiliumBGPClusterConfig `spec.bgpInstances[].localASN` (same field in v2alpha1 and v2).
 */
export const asnClaims = {
  bgpconfigurations: (c: z.output<typeof bgpConfigurationSchema>): AsnClaim[] =>
    c.metadata.name === 'default' && c.spec?.asNumber !== undefined
      ? [{ raw: c.spec.asNumber, source: 'calico', from: 'Calico BGPConfiguration default' }]
      : [],
  // Static pods, or a cluster where akb may list pods but not DaemonSets: the running kube-router's own flags.
  pods: (pod: K8sPod): AsnClaim[] =>
    (pod.spec?.containers ?? []).flatMap((container) => {
      const v = clusterAsnArg([...(container.command ?? []), ...(container.args ?? [])]);
      return v === null
        ? []
        : [
            {
              raw: v,
              source: 'kube-router' as const,
              from: `kube-router pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name} --cluster-asn`,
              group: 'kube-router pods',
            },
          ];
    }),
  daemonsets: (ds: z.output<typeof daemonSetSchema>): AsnClaim[] =>
    (ds.spec?.template?.spec?.containers ?? []).flatMap((container) => {
      const v = clusterAsnArg([...(container.command ?? []), ...(container.args ?? [])]);
      return v === null
        ? []
        : [
            {
              raw: v,
              source: 'kube-router' as const,
              from: `kube-router DaemonSet ${ds.metadata.namespace ?? ''}/${ds.metadata.name} --cluster-asn`,
            },
          ];
    }),
  nodes: (n: K8sNode): AsnClaim[] => {
    const v = n.metadata.annotations?.[KUBE_ROUTER_ASN_ANNOTATION];
    return v === undefined
      ? []
      : [{ raw: v, source: 'kube-router', from: `Node ${n.metadata.name} annotation ${KUBE_ROUTER_ASN_ANNOTATION}` }];
  },
  ciliumbgpclusterconfigs: (c: z.output<typeof ciliumBgpClusterConfigSchema>): AsnClaim[] =>
    (c.spec?.bgpInstances ?? []).flatMap((inst, i) =>
      inst.localASN === undefined
        ? []
        : [
            {
              raw: inst.localASN,
              source: 'cilium' as const,
              from: `CiliumBGPClusterConfig ${c.metadata.name} instance ${inst.name ?? String(i)}`,
            },
          ],
    ),
} as const;

export interface ClusterAsn {
  /** The one ASN every claim agrees on; null when none was found or they disagree. */
  asn: number | null;
  source: AsnSource;
  /** The valid claims, in canonical order (source, then object). */
  candidates: { asn: number; source: AsnClaim['source']; where: string }[];
  /** Values that are not AS numbers, with where they were found. */
  invalid: { value: unknown; where: string }[];
  /** Why no ASN was chosen, or which values were invalid; absent when one ASN was found cleanly. */
  finding?: string;
}

const SOURCE_ORDER: Exclude<AsnSource, null>[] = ['calico', 'kube-router', 'cilium'];

/**
 * The one ASN detector: the cluster's BGP AS from every claim. Several distinct ASNs make the ASN ambiguous rather
 * than picking one. Claims are taken in a canonical order (source, then object), so the result and its messages do
 * not depend on input order.
 */
export function decideClusterAsn(claims: readonly AsnClaim[]): ClusterAsn {
  const candidates: ClusterAsn['candidates'] = [];
  const invalid: ClusterAsn['invalid'] = [];
  const sorted = [...claims].sort(
    (a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || compareStrings(a.from, b.from),
  );
  const firstOfGroup = new Map<string, { claim: AsnClaim; more: number }>();
  const ordered: AsnClaim[] = [];
  for (const claim of sorted) {
    const key = claim.group === undefined ? undefined : `${claim.group}|${JSON.stringify(claim.raw)}`;
    const seen = key === undefined ? undefined : firstOfGroup.get(key);
    if (seen) seen.more++;
    else {
      if (key !== undefined) firstOfGroup.set(key, { claim, more: 0 });
      ordered.push(claim);
    }
  }
  const where = (c: AsnClaim): string => {
    const more = c.group === undefined ? 0 : (firstOfGroup.get(`${c.group}|${JSON.stringify(c.raw)}`)?.more ?? 0);
    return more > 0 ? `${c.from} (and ${more} more of the ${c.group})` : c.from;
  };
  for (const claim of ordered) {
    const { raw, source } = claim;
    const from = where(claim);
    const asn = parseAsn(raw);
    if (asn === null) invalid.push({ value: raw, where: from });
    else candidates.push({ asn, source, where: from });
  }
  const invalidNote =
    invalid.length > 0 ? `invalid AS number ${invalid.map((i) => `${JSON.stringify(i.value)} in ${i.where}`).join(', ')}` : undefined;
  const distinct = [...new Set(candidates.map((f) => f.asn))].sort((a, b) => a - b);
  if (distinct.length === 0) {
    const none =
      'no cluster AS number found (Calico BGPConfiguration default, kube-router --cluster-asn or node annotation, Cilium CiliumBGPClusterConfig)';
    return { asn: null, source: null, candidates, invalid, finding: invalidNote ?? none };
  }
  if (distinct.length > 1) {
    const parts = distinct.map(
      (asn) =>
        `${asn} in ${candidates
          .filter((f) => f.asn === asn)
          .map((f) => f.where)
          .join(' and ')}`,
    );
    return { asn: null, source: null, candidates, invalid, finding: `ambiguous: ${parts.join(', ')}` };
  }
  const source = SOURCE_ORDER.find((s) => candidates.some((f) => f.source === s)) ?? null;
  return { asn: distinct[0]!, source, candidates, invalid, ...(invalidNote ? { finding: invalidNote } : {}) };
}

/** The parsed objects the detector reads (what `readInputs` yields for these keys). */
export interface AsnObjects {
  bgpconfigurations: readonly z.output<typeof bgpConfigurationSchema>[];
  daemonsets: readonly z.output<typeof daemonSetSchema>[];
  pods: readonly K8sPod[];
  nodes: readonly K8sNode[];
  ciliumbgpclusterconfigs: readonly z.output<typeof ciliumBgpClusterConfigSchema>[];
}

function claimsOf(o: AsnObjects): AsnClaim[] {
  return [
    ...o.bgpconfigurations.flatMap(asnClaims.bgpconfigurations),
    ...o.daemonsets.flatMap(asnClaims.daemonsets),
    ...o.pods.flatMap(asnClaims.pods),
    ...o.nodes.flatMap(asnClaims.nodes),
    ...o.ciliumbgpclusterconfigs.flatMap(asnClaims.ciliumbgpclusterconfigs),
  ];
}

/** The cluster ASN of a set of parsed objects. */
export function detectClusterAsn(o: AsnObjects): ClusterAsn {
  return decideClusterAsn(claimsOf(o));
}

/** The detector's objects from raw Kubernetes lists (a bundle's `k8s` or a cluster source's snapshot); unparsable ones are skipped. */
export function asnObjectsOf(k8s: Readonly<Record<string, readonly unknown[] | undefined>>): AsnObjects {
  const read = <K extends keyof AsnObjects>(key: K): AsnObjects[K] =>
    (k8s[key] ?? []).flatMap((obj) => {
      const r = K8S_SCHEMAS[key].safeParse(obj);
      return r.success ? [r.data] : [];
    }) as unknown as AsnObjects[K];
  return {
    bgpconfigurations: read('bgpconfigurations'),
    daemonsets: read('daemonsets'),
    pods: read('pods'),
    nodes: read('nodes'),
    ciliumbgpclusterconfigs: read('ciliumbgpclusterconfigs'),
  };
}

/** The graph's cluster ASN from the claims (batch or incremental), with the detector's findings as graph problems. */
export function decideAsn(claims: readonly AsnClaim[], sink: GraphSink): { asn: number | null; asnSource: AsnSource } {
  const r = decideClusterAsn(claims);
  for (const i of r.invalid)
    sink.problem('warning', 'asn-invalid', 'cluster', `${i.where} has an AS number that is not valid: ${JSON.stringify(i.value)}.`);
  if (r.candidates.length === 0) {
    sink.problem(
      'warning',
      'asn-not-detected',
      'cluster',
      'No cluster AS number found (Calico BGPConfiguration, kube-router --cluster-asn or node annotation, Cilium CiliumBGPClusterConfig); routes cannot be marked as Kubernetes routes.',
    );
  } else if (r.asn === null) {
    const detail = r.candidates.map((f) => `${f.where}: ${f.asn}`).join(', ');
    sink.problem(
      'warning',
      'asn-ambiguous',
      'cluster',
      `Several cluster AS numbers found (${detail}); akb cannot tell which routes are Kubernetes routes.`,
    );
  }
  return { asn: r.asn, asnSource: r.source };
}

export function detectAsn(ctx: Context): { asn: number | null; asnSource: AsnSource } {
  const keys = ['bgpconfigurations', 'daemonsets', 'pods', 'nodes', 'ciliumbgpclusterconfigs'] as const;
  return decideAsn(claimsOf(Object.fromEntries(keys.map((k) => [k, ctx.inputs.k8s(k)])) as unknown as AsnObjects), ctx.g);
}
