/**
 * ECMP findings with stable codes (CONTRACTS.md §2: codes are identifiers, messages may change).
 */
import type { Problem, Route } from '../graph';
import { mergedMessage } from '../canonical';
import type { EcmpFinding, PrefixAnalysis } from './types';

/** `leaf:101` → `leaf 101`, `node:worker-1` → `worker-1`, `service:shop/web` → `shop/web`. */
const name = (id: string) => (id.startsWith('leaf:') ? `leaf ${id.slice(5)}` : id.slice(id.indexOf(':') + 1));
const list = (ids: readonly string[]) => ids.map(name).join(', ');

const MISSING_WHY = {
  'session-down': 'its BGP session with the leaf is not established',
  'not-peering': 'the CNI is configured to peer with this leaf but the leaf has no session with the node',
  'not-advertised': 'the session is established but the node does not advertise the route',
} as const;

/** Per leaf: missing advertisers, next hops without a ready endpoint, truncation, a single path. */
export function leafFindings(p: PrefixAnalysis, maxPaths: number): EcmpFinding[] {
  const out: EcmpFinding[] = [];
  const svc = p.services.length ? ` (${list(p.services)})` : '';
  for (const c of p.cells) {
    if (c.state === 'missing' && (c.cause === 'session-down' || c.cause === 'not-peering' || c.cause === 'not-advertised')) {
      out.push({
        code: 'ecmp-advertiser-missing',
        severity: 'error',
        prefix: p.prefix,
        subject: c.leaf,
        leaf: c.leaf,
        node: c.node,
        message: `${name(c.node)} should be a next hop for ${p.prefix}${svc} on ${name(c.leaf)}, but ${MISSING_WHY[c.cause]}.`,
      });
    }
    if (c.state === 'stale' && c.cause === 'no-ready-endpoint') {
      out.push({
        code: 'ecmp-blackhole-risk',
        severity: 'error',
        prefix: p.prefix,
        subject: c.leaf,
        leaf: c.leaf,
        node: c.node,
        message: `${name(c.leaf)} still sends ${p.prefix}${svc} to ${name(c.node)}, which has no ready endpoint of the service: traffic hashed to it is dropped or sent on a second hop.`,
      });
    }
  }
  for (const l of p.leaves) {
    if (l.expected.length > maxPaths) {
      const unused = l.expected.filter((n) => !l.installed.includes(n));
      out.push({
        code: 'ecmp-max-paths-exceeded',
        severity: 'warning',
        prefix: p.prefix,
        subject: l.leaf,
        leaf: l.leaf,
        message: `${l.expected.length} nodes advertise ${p.prefix}${svc} to ${name(l.leaf)} but the VRF installs at most ${maxPaths} paths; ${unused.length} node(s) are silently unused${unused.length ? ` (${list(unused.slice(0, 8))}${unused.length > 8 ? ', …' : ''})` : ''}.`,
      });
    }
    const nodePaths = l.installed.filter((h) => h.startsWith('node:'));
    if (nodePaths.length === 1) {
      out.push({
        code: 'ecmp-single-path',
        severity: 'info',
        prefix: p.prefix,
        subject: l.leaf,
        leaf: l.leaf,
        node: nodePaths[0]!,
        message: `${name(l.leaf)} has a single path for ${p.prefix}${svc} (via ${name(nodePaths[0]!)}): no load sharing, and one node or session failure takes the prefix off this leaf.`,
      });
    }
  }
  return out;
}

/** Across leaves: leaves that should hold the same path set but do not. */
export function prefixFindings(p: PrefixAnalysis): EcmpFinding[] {
  const groups = new Map<string, typeof p.leaves>();
  for (const l of p.leaves) {
    if (l.expected.length === 0) continue;
    const key = l.expected.join(',');
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  const out: EcmpFinding[] = [];
  for (const leaves of groups.values()) {
    const sets = new Set(leaves.map((l) => l.installed.join(',')));
    if (leaves.length < 2 || sets.size < 2) continue;
    out.push({
      code: 'ecmp-leaves-disagree',
      severity: 'warning',
      prefix: p.prefix,
      subject: leaves[0]!.leaf,
      message: `Leaves that peer with the same nodes install different path sets for ${p.prefix}: ${leaves.map((l) => `${name(l.leaf)} has ${l.installed.length} (${list(l.installed)})`).join('; ')}.`,
    });
  }
  return out;
}

export function unownedPrefixFindings(routes: readonly Route[]): EcmpFinding[] {
  return routes.map((r) => ({
    code: 'ecmp-prefix-without-service' as const,
    severity: 'warning' as const,
    prefix: r.prefix,
    subject: r.leaf,
    leaf: r.leaf,
    message: `${name(r.leaf)} has ${r.prefix} from the cluster (${r.nextHops.length} next hop(s)) but no service owns that address: a leftover advertisement or a deleted service.`,
  }));
}

/** The graph problem of the findings sharing one (code, subject): the worst severity and one merged message. */
export function problemOfFindings(fs: readonly EcmpFinding[]): Problem {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const severity = fs.map((f) => f.severity).sort((a, b) => rank[a] - rank[b])[0]!;
  const message =
    fs.length === 1
      ? fs[0]!.message
      : mergedMessage(
          fs.map((f) => f.message),
          true,
        );
  return { severity, code: fs[0]!.code, subject: fs[0]!.subject, message };
}

/**
 * Findings as graph problems, for the problems page and the graph overlay. A graph holds one problem per
 * (code, subject), the key live patches use, so findings on the same leaf are merged into one message
 * listing the first few (in code-point order) and counting the rest (as the correlator does); the worst severity wins.
 */
export function findingsAsProblems(findings: readonly EcmpFinding[]): Problem[] {
  const groups = new Map<string, EcmpFinding[]>();
  for (const f of findings) {
    const key = `${f.code}\u0000${f.subject}`;
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return [...groups.values()].map(problemOfFindings);
}
