/**
 * `akb capture`: one akb-bundle/v1 snapshot of the configured APIC and cluster.
 *
 * The APIC is read with the fixed list of bulk class queries in `fabricQueries` and the cluster with one
 * paged list per resource, so a capture costs the same number of requests for 10 nodes as for 2,000
 * (the previous tool asked the APIC several questions per node). The counts are returned so the CLI can
 * report them and tests can hold the claim.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ApicClient } from '../../aci/client';
import type { RequestCounts } from '../../aci/counters';
import { fabricQueries } from '../../aci/fabric-queries';
import type { WireMo } from '../../aci/mo';
import { listClusterResources } from '../../k8s/list-once';
import { validateBundle } from '../../topology/bundle';
import { BUNDLE_FORMAT, type Bundle } from '../../topology/bundle-types';
import { reduceWireMo } from '../../topology/reduce';

export interface CaptureOptions {
  apic: ApicClient;
  kubeConfig: KubeConfig;
  /** The cluster's VRF (and its floating L3Out, when known): the scope of the per-VRF queries. */
  fabric: Bundle['fabric'];
  /** Clock for `capturedAt` (tests). */
  now?: () => Date;
  /**
   * Keep every object as the APIC and the API server returned it (`akb capture --raw`). By default each object is
   * reduced at ingest to what akb reads, as the live service holds it, so a capture carries no env values, command
   * lines, annotations or attributes that may hold credentials.
   */
  raw?: boolean;
}

export interface CaptureResult {
  bundle: Bundle;
  /** HTTP requests the capture made: APIC (login, queries, further pages) and Kubernetes (discovery, list pages). */
  requests: { apic: number; kubernetes: number };
}

function totalRequests(before: RequestCounts, after: RequestCounts): number {
  let n = 0;
  for (const kind of Object.keys(after) as (keyof RequestCounts)[]) n += after[kind] - before[kind];
  return n;
}

/** Reads every bundle class from the APIC. Queries run concurrently; the client shares one login between them. */
async function captureApic(apic: ApicClient, fabric: Bundle['fabric'], raw: boolean): Promise<Record<string, WireMo[]>> {
  const queries = fabricQueries({ tenant: fabric.tenant, vrf: fabric.vrf });
  const results = await Promise.all(queries.map(async (q) => (raw ? apic.query(q.query) : (await apic.query(q.query)).map(reduceWireMo))));
  const out: Record<string, WireMo[]> = {};
  queries.forEach((q, i) => {
    out[q.className] = results[i] ?? [];
  });
  return out;
}

/**
 * Captures a bundle from a live APIC and cluster. The bundle is validated before it is returned, so a
 * capture that `akb graph` would reject fails here, naming the offending path.
 */
export async function captureBundle(opts: CaptureOptions): Promise<CaptureResult> {
  const before = opts.apic.counts;
  const raw = opts.raw === true;
  const [apic, cluster] = await Promise.all([
    captureApic(opts.apic, opts.fabric, raw),
    listClusterResources(opts.kubeConfig, undefined, { reduce: !raw }),
  ]);
  const apicRequests = totalRequests(before, opts.apic.counts);
  const fabric: Bundle['fabric'] = { tenant: opts.fabric.tenant, vrf: opts.fabric.vrf };
  if (opts.fabric.l3out !== undefined) fabric.l3out = opts.fabric.l3out;
  const bundle = validateBundle({
    format: BUNDLE_FORMAT,
    capturedAt: (opts.now?.() ?? new Date()).toISOString(),
    fabric,
    apic,
    k8s: cluster.k8s,
  });
  return { bundle, requests: { apic: apicRequests, kubernetes: cluster.requests } };
}
