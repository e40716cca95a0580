/**
 * Expected versus installed ECMP paths per (service prefix, anchor leaf), and the findings that follow.
 * Pure: `(bundle, graph)` in, JSON out.
 */
import type { Bundle } from '../bundle-types';
import type { Route, TopologyGraph } from '../graph';
import { readEcmpInputs, type EcmpInputs } from './inputs';
import { anchorLeaves, computePeering, peersWith, sessionKey, type Peering } from './peering';
import { inCidr } from '../../net/ip';
import { detectCni, expectedAdvertisements, isHostPrefix } from './expected';
import { maxPathsOf } from './max-paths';
import { leafFindings, prefixFindings, unownedPrefixFindings } from './findings';
import type { EcmpAnalysis, ExpectedPrefix, LeafPaths, MatrixCell, PrefixAnalysis } from './types';
import { compareStrings } from '../../shared/compare';

export interface EcmpContext {
  inputs: EcmpInputs;
  peering: Peering;
  maxPaths: number;
  ready: Map<string, Set<string>>;
}

/** Node next hops as `node:<name>`, other next hops (fabric TEPs, unknown speakers) by address. */
export function installedHops(route: Route | undefined): string[] {
  return [...new Set((route?.nextHops ?? []).map((h) => h.node ?? h.ip))].sort();
}

function cellsFor(ctx: EcmpContext, p: ExpectedPrefix, leaf: string, route: Route | undefined): { paths: LeafPaths; cells: MatrixCell[] } {
  const installed = installedHops(route);
  const installedNodes = new Set(installed.filter((h) => h.startsWith('node:')));
  const expected = p.advertisers.filter((n) => peersWith(ctx.peering, n, leaf));
  const expectedSet = new Set(expected);
  const cells: MatrixCell[] = [];
  const full = installedNodes.size >= ctx.maxPaths;
  for (const node of [...new Set([...expected, ...installedNodes])].sort()) {
    const isExpected = expectedSet.has(node);
    const isInstalled = installedNodes.has(node);
    if (isExpected && isInstalled) {
      cells.push({ leaf, node, expected: true, installed: true, state: 'installed' });
    } else if (isInstalled) {
      const noEndpoint = p.policy === 'Local' && !p.services.some((s) => ctx.ready.get(s)?.has(node));
      cells.push({
        leaf,
        node,
        expected: false,
        installed: true,
        state: 'stale',
        cause: noEndpoint ? 'no-ready-endpoint' : 'not-expected',
      });
    } else {
      const session = ctx.peering.sessions.get(sessionKey(node, leaf));
      const cause = !session ? 'not-peering' : session.state !== 'established' ? 'session-down' : full ? 'max-paths' : 'not-advertised';
      cells.push({ leaf, node, expected: true, installed: false, state: cause === 'max-paths' ? 'truncated' : 'missing', cause });
    }
  }
  return { paths: { leaf, installed, expected }, cells };
}

export function analyseEcmp(bundle: Bundle, graph: TopologyGraph): EcmpAnalysis {
  const inputs = readEcmpInputs(bundle);
  const cni = detectCni(graph, inputs);
  const peering = computePeering(cni, inputs, graph);
  const maxPaths = maxPathsOf(inputs);
  const expectation = expectedAdvertisements(cni, inputs, graph, peering);
  const ctx: EcmpContext = { inputs, peering, maxPaths: maxPaths.value, ready: expectation.ready };

  const routes = new Map<string, Map<string, Route>>();
  for (const r of graph.routes) {
    const m = routes.get(r.prefix) ?? new Map<string, Route>();
    m.set(r.leaf, r);
    routes.set(r.prefix, m);
  }
  // A Kubernetes route carrying a service that nothing expects (config says not advertised, or the
  // service changed) is still shown, with no expected advertisers, so its paths show up as stale.
  const prefixes = new Map(expectation.prefixes.map((p) => [p.prefix, p]));
  for (const r of graph.routes) {
    if (!r.kubernetes || r.services.length === 0 || prefixes.has(r.prefix)) continue;
    const local = expectation.ips.some((i) => r.services.includes(i.service) && i.policy === 'Local');
    prefixes.set(r.prefix, {
      prefix: r.prefix,
      policy: local ? 'Local' : 'Cluster',
      services: [...r.services],
      advertisers: [],
      excluded: [],
    });
  }

  const leaves = anchorLeaves(peering);
  const analysed: PrefixAnalysis[] = [];
  const findings = [];
  for (const p of [...prefixes.values()].sort((a, b) => compareStrings(a.prefix, b.prefix))) {
    const onLeaf = routes.get(p.prefix);
    const rows = leaves.map((leaf) => cellsFor(ctx, p, leaf, onLeaf?.get(leaf)));
    const pa: PrefixAnalysis = { ...p, leaves: rows.map((r) => r.paths), cells: rows.flatMap((r) => r.cells) };
    analysed.push(pa);
    findings.push(...leafFindings(pa, maxPaths.value), ...prefixFindings(pa));
  }
  const ownedRanges = [...inputs.ippools.flatMap((p) => (p.spec?.cidr ? [p.spec.cidr] : [])), ...inputs.nodes.flatMap((n) => n.podCidrs)];
  const nodeIps = new Set(
    graph.nodes.filter((n) => n.kind === 'k8s-node' && typeof n.data.ip === 'string').map((n) => n.data.ip as string),
  );
  const unowned = graph.routes.filter(
    (r) =>
      r.kubernetes &&
      r.services.length === 0 &&
      isHostPrefix(r.prefix) &&
      !nodeIps.has(r.prefix.split('/')[0]!) &&
      !ownedRanges.some((c) => inCidr(r.prefix.split('/')[0]!, c)),
  );
  findings.push(...unownedPrefixFindings(unowned));
  return { cni, maxPaths, ips: expectation.ips, prefixes: analysed, findings };
}
