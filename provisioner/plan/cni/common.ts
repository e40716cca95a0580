import type { ResolvedSpec } from '../../spec/defaults';
import type { AnchorLeaf } from '../../spec/schema';
import { manifest, type Manifest } from '../manifest';
import { secretPlaceholder } from '../secrets';

/** Node label carrying the rack; BGP peerings select nodes by it. */
export const RACK_LABEL = 'akb.io/rack';

/** Racks in first-seen order of the anchor leaves (deterministic). */
export function anchorsByRack(r: ResolvedSpec): Map<string, AnchorLeaf[]> {
  const out = new Map<string, AnchorLeaf[]>();
  for (const a of r.spec.fabric.anchorLeaves) out.set(a.rackId, [...(out.get(a.rackId) ?? []), a]);
  return out;
}

/** DNS-safe rack token for object names. */
export const rackToken = (rack: string) => rack.toLowerCase().replace(/[^a-z0-9-]/g, '-');

/** Node patches labelling each known node with its rack (apply with server-side apply). */
export function rackLabels(r: ResolvedSpec, annotations: (rack: string) => Record<string, string> = () => ({})): Manifest[] {
  return r.spec.cluster.nodes.map((n) => {
    const extra = annotations(n.rack);
    return manifest('v1', 'Node', {
      name: n.name,
      labels: { [RACK_LABEL]: n.rack },
      ...(Object.keys(extra).length > 0 ? { annotations: extra } : {}),
    });
  });
}

/**
 * The BGP password Secret: the value is a placeholder the applier fills from fabric.bgpPassword
 * (the previous tool wrote the password itself into manifests served without authentication).
 */
export function bgpPasswordSecret(r: ResolvedSpec, namespace: string, name: string, key: string): Manifest | undefined {
  const ref = r.spec.fabric.bgpPassword;
  if (ref === undefined) return undefined;
  return manifest(
    'v1',
    'Secret',
    { name, namespace, annotations: { 'akb.io/secret-ref': ref } },
    { type: 'Opaque', stringData: { [key]: secretPlaceholder('bgp-password') } },
  );
}
