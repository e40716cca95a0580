import type { AsnSource } from '../graph';
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

interface Candidate {
  asn: number;
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

const SOURCE_ORDER: Exclude<AsnSource, null>[] = ['calico', 'kube-router', 'cilium'];

/**
 * The cluster's BGP AS from the Kubernetes side: Calico's default BGPConfiguration, kube-router's
 * --cluster-asn (DaemonSet args) and per-node `kube-router.io/node.asn` annotations, Cilium's
 * CiliumBGPClusterConfig bgpInstances (v2alpha1 and v2 share the field). Several distinct ASNs make
 * the ASN ambiguous rather than picking one.
 */
export function detectAsn(ctx: Context): { asn: number | null; asnSource: AsnSource } {
  const found: Candidate[] = [];
  const add = (raw: unknown, source: Candidate['source'], from: string) => {
    const asn = parseAsn(raw);
    if (asn !== null) found.push({ asn, source, from });
    else ctx.g.problem('warning', 'asn-invalid', 'cluster', `${from} has an AS number that is not valid: ${JSON.stringify(raw)}.`);
  };
  for (const c of ctx.inputs.k8s('bgpconfigurations')) {
    if (c.metadata.name === 'default' && c.spec?.asNumber !== undefined) add(c.spec.asNumber, 'calico', 'BGPConfiguration default');
  }
  for (const ds of ctx.inputs.k8s('daemonsets')) {
    for (const container of ds.spec?.template?.spec?.containers ?? []) {
      const v = clusterAsnArg([...(container.command ?? []), ...(container.args ?? [])]);
      if (v !== null) add(v, 'kube-router', `DaemonSet ${ds.metadata.namespace ?? ''}/${ds.metadata.name}`);
    }
  }
  for (const n of ctx.inputs.k8s('nodes')) {
    const v = n.metadata.annotations?.['kube-router.io/node.asn'];
    if (v !== undefined) add(v, 'kube-router', `Node ${n.metadata.name} annotation kube-router.io/node.asn`);
  }
  for (const c of ctx.inputs.k8s('ciliumbgpclusterconfigs')) {
    for (const inst of c.spec?.bgpInstances ?? []) {
      if (inst.localASN !== undefined) add(inst.localASN, 'cilium', `CiliumBGPClusterConfig ${c.metadata.name}`);
    }
  }
  const distinct = [...new Set(found.map((f) => f.asn))].sort((a, b) => a - b);
  if (distinct.length === 0) {
    ctx.g.problem(
      'warning',
      'asn-not-detected',
      'cluster',
      'No cluster AS number found (Calico BGPConfiguration, kube-router --cluster-asn or node annotation, Cilium CiliumBGPClusterConfig); routes cannot be marked as Kubernetes routes.',
    );
    return { asn: null, asnSource: null };
  }
  if (distinct.length > 1) {
    const detail = found.map((f) => `${f.from}: ${f.asn}`).join(', ');
    ctx.g.problem(
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
