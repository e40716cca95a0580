import type { TopologyGraph } from '../graph';
import type { GraphPatch } from '../patch';
import type { OutputChanges } from './output-store';
import { compareStrings } from '../../shared/compare';

const pair = (key: string): [string, string] => {
  const cut = key.indexOf('\u0000');
  return [key.slice(0, cut), key.slice(cut + 1)];
};
const byKey =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    compareStrings(key(a), key(b));

/**
 * The incremental graph's changes as the websocket's patch: the same format `diff(a, b)` produces, computed from
 * what changed instead of from two whole graphs. Items in each section come in canonical order.
 */
export function patchOf(
  changes: OutputChanges & { cluster?: TopologyGraph['cluster'] },
  fromRevision: number,
  revision: number,
  generatedAt: string,
): GraphPatch {
  const id = byKey((x: { id: string }) => x.id);
  const rk = byKey((r: { leaf: string; prefix: string }) => `${r.leaf}\u0000${r.prefix}`);
  const pk = byKey((p: { code: string; subject: string }) => `${p.code}\u0000${p.subject}`);
  const sorted = (keys: string[]) => [...keys].sort();
  const patch: GraphPatch = {
    format: 'akb-graph-patch/v1',
    fromRevision,
    revision,
    generatedAt,
    nodes: { added: changes.nodes.added.sort(id), changed: changes.nodes.changed.sort(id), removed: sorted(changes.nodes.removed) },
    edges: { added: changes.edges.added.sort(id), changed: changes.edges.changed.sort(id), removed: sorted(changes.edges.removed) },
    routes: {
      added: changes.routes.added.sort(rk),
      changed: changes.routes.changed.sort(rk),
      removed: sorted(changes.routes.removed).map(pair),
    },
    problems: {
      added: changes.problems.added.sort(pk),
      changed: changes.problems.changed.sort(pk),
      removed: sorted(changes.problems.removed).map(pair),
    },
  };
  if (changes.cluster) patch.cluster = changes.cluster;
  return patch;
}
