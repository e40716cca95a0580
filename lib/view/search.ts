/**
 * Find: any node, pod, service or fabric element by name, id or IP. Exact IP and name matches rank first,
 * then prefixes, then substrings; ties by kind (fabric first) and id, so results are stable.
 */
import type { GraphNode } from '../topology/graph';
import { ipsOf, type GraphIndex } from './graph-index';
import { TIER } from './view-model';

export interface SearchHit {
  id: string;
  kind: GraphNode['kind'];
  name: string;
  /** What matched: `ip 10.244.1.5`, `name`, `id`. */
  match: string;
  score: number;
}

export const MAX_HITS = 20;

export function search(ix: GraphIndex, query: string, limit = MAX_HITS): SearchHit[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const hits: SearchHit[] = [];
  for (const n of ix.graph.nodes) {
    let best: { score: number; match: string } | null = null;
    const consider = (value: string, what: string, weight: number) => {
      const v = value.toLowerCase();
      const score = v === q ? 3 * weight : v.startsWith(q) ? 2 * weight : v.includes(q) ? weight : 0;
      if (score > 0 && (!best || score > best.score)) best = { score, match: what };
    };
    for (const ip of ipsOf(n)) consider(ip, `ip ${ip}`, 2);
    consider(n.name, 'name', 2);
    consider(n.id, 'id', 1);
    if (best)
      hits.push({
        id: n.id,
        kind: n.kind,
        name: n.name,
        match: (best as { match: string }).match,
        score: (best as { score: number }).score,
      });
  }
  hits.sort((a, b) => b.score - a.score || TIER[a.kind] - TIER[b.kind] || a.id.localeCompare(b.id, 'en', { numeric: true }));
  return hits.slice(0, limit);
}
