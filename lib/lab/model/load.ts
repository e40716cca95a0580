import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inCidr } from '../../net/ip';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { scenarioSchema, type Scenario } from './schema';

/** A scenario that failed validation; `issues` lists every bad field as `path: message`. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`invalid scenario ${source}:\n  ${issues.join('\n  ')}`);
    this.name = 'ScenarioError';
  }
}

function formatZodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** Cross-references zod cannot express: every id/name a field refers to must exist. */
export function crossCheck(s: Scenario): string[] {
  const errors: string[] = [];
  const leafIds = new Set(s.fabric.leaves.map((l) => l.id));
  const hosts = new Map(s.hosts.map((h) => [h.name, h]));
  const allIds = [...s.fabric.spines, ...s.fabric.leaves].map((n) => n.id);
  if (new Set(allIds).size !== allIds.length) errors.push('fabric: spine and leaf ids must be unique');
  s.fabric.vpcPairs.forEach((pair, i) =>
    pair.forEach((id, j) => {
      if (!leafIds.has(id)) errors.push(`fabric.vpcPairs.${i}.${j}: leaf ${id} is not in fabric.leaves`);
    }),
  );
  s.hosts.forEach((h, hi) => {
    if (h.behind !== undefined) {
      const sw = hosts.get(h.behind);
      if (!sw || (sw.kind !== 'ucs-fi' && sw.kind !== 'blade-switch'))
        errors.push(`hosts.${hi}.behind: "${h.behind}" must name a ucs-fi or blade-switch host`);
    } else if (h.links.length === 0) errors.push(`hosts.${hi}.links: a host not behind a blade switch needs at least one link`);
    h.links.forEach((l, li) => {
      const at = `hosts.${hi}.links.${li}`;
      l.leaves.forEach((id, j) => {
        if (!leafIds.has(id)) errors.push(`${at}.leaves.${j}: leaf ${id} is not in fabric.leaves`);
      });
      if (l.nics.length !== l.ports.length) errors.push(`${at}.nics: needs one NIC per port (${l.ports.length})`);
      if (l.kind === 'single' && (l.ports.length !== 1 || l.leaves.length !== 1))
        errors.push(`${at}: a single link has one leaf and one port`);
      if (l.kind === 'vpc') {
        const pair = s.fabric.vpcPairs.find((p) => p.includes(l.leaves[0] ?? -1) && p.includes(l.leaves[1] ?? -1));
        if (l.leaves.length !== 2 || !pair) errors.push(`${at}.leaves: a vpc link needs the two leaves of one fabric.vpcPairs entry`);
        if (l.ports.length % 2 !== 0) errors.push(`${at}.ports: a vpc needs the same number of ports on each leaf`);
      }
      if (l.kind !== 'single' && !l.policyGroup) errors.push(`${at}.policyGroup: required for pc and vpc links`);
    });
  });
  s.l3out.anchors.forEach((a, i) => {
    if (!leafIds.has(a.leaf)) errors.push(`l3out.anchors.${i}.leaf: leaf ${a.leaf} is not in fabric.leaves`);
    if (!inCidr(a.ip, s.l3out.nodeSubnet)) errors.push(`l3out.anchors.${i}.ip: ${a.ip} is outside l3out.nodeSubnet ${s.l3out.nodeSubnet}`);
  });
  const names = new Set<string>();
  s.cluster.nodes.forEach((n, i) => {
    if (names.has(n.name)) errors.push(`cluster.nodes.${i}.name: duplicate node name ${n.name}`);
    names.add(n.name);
    const h = hosts.get(n.host);
    if (!h || h.kind === 'ucs-fi' || h.kind === 'blade-switch')
      errors.push(`cluster.nodes.${i}.host: "${n.host}" must name an esxi, ahv or baremetal host`);
    if (n.ip && !inCidr(n.ip, s.l3out.nodeSubnet))
      errors.push(`cluster.nodes.${i}.ip: ${n.ip} is outside l3out.nodeSubnet ${s.l3out.nodeSubnet}`);
    // A planned node is provisioned where it says: its address is planned, and a bare-metal host is reached at its own.
    if (!s.cluster.built && !n.ip) errors.push(`cluster.nodes.${i}.ip: required when cluster.built is false (the planned address)`);
    if (!s.cluster.built && h?.kind === 'baremetal' && h.address !== n.ip)
      errors.push(
        `cluster.nodes.${i}.ip: must be ${h.address ?? 'the address'} of bare-metal host ${h.name} (hosts[].address), where akb reaches it`,
      );
  });
  const nets = new Set(s.cluster.secondaryNetworks.map((n) => n.name));
  s.cluster.workloads.forEach((w, i) =>
    w.networks.forEach((n, j) => {
      if (!nets.has(n)) errors.push(`cluster.workloads.${i}.networks.${j}: "${n}" is not in cluster.secondaryNetworks`);
    }),
  );
  return errors;
}

/** Validates an already-parsed document; throws ScenarioError listing every problem at once. */
export function parseScenario(doc: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(doc);
  if (!result.success) throw new ScenarioError(source, formatZodIssues(result.error));
  const cross = crossCheck(result.data);
  if (cross.length > 0) throw new ScenarioError(source, cross);
  return result.data;
}

export function parseScenarioYaml(text: string, source = 'scenario'): Scenario {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ScenarioError(source, [`(yaml): ${(e as Error).message}`]);
  }
  return parseScenario(doc, source);
}

export function loadScenarioFile(path: string): Scenario {
  return parseScenarioYaml(readFileSync(path, 'utf8'), path);
}

/** Directory of the shipped scenarios (lib/lab/scenarios). */
export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

export function shippedScenarioNames(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** The shipped scenarios whose cluster runs (every one but the greenfield sites, whose cluster akb builds). */
export function builtScenarioNames(): string[] {
  return shippedScenarioNames().filter((n) => loadShippedScenario(n).cluster.built);
}

export function loadShippedScenario(name: string): Scenario {
  if (!/^[a-z0-9-]+$/.test(name)) throw new ScenarioError(name, ['(name): must be one of ' + shippedScenarioNames().join(', ')]);
  return loadScenarioFile(join(SCENARIO_DIR, `${name}.yaml`));
}
