/**
 * Helpers for lab runtime tests: akb's own clients (ApicClient, client-node KubeConfig) pointed at a started lab,
 * a fabric read with akb's fixed query list, and a poll-until helper.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { ApicClient } from '../../lib/aci';
import { fabricQueries } from '../../lib/aci/fabric-queries';
import type { MoAttributes, WireMo } from '../../lib/aci/mo';
import { startLab, type Lab, type StartLabOptions } from '../../lib/lab';

const running: { stop(): Promise<void> }[] = [];

/** Starts a lab (plain HTTP unless asked, to keep TLS key generation out of most tests) and registers its stop. */
export async function startTestLab(opts: StartLabOptions = {}): Promise<Lab> {
  const lab = await startLab({ k8s: { tls: false }, apic: { http: true }, ...opts });
  running.push(lab);
  return lab;
}

export function onCleanup(stop: () => Promise<void>): void {
  running.push({ stop });
}

/** For afterEach: stops everything started since the last call, newest first. */
export async function cleanup(): Promise<void> {
  for (const r of running.splice(0).reverse()) await r.stop();
}

export function kubeConfigOf(lab: Lab): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(lab.kubeconfigYaml());
  return kc;
}

export function apicClientOf(lab: Lab): ApicClient {
  const c = lab.apicConnection;
  const client = new ApicClient({
    controllers: c.urls,
    auth: { type: 'password', user: c.user, password: c.password },
    tls: c.caPem ? { ca: c.caPem } : {},
    requestTimeoutMs: 5_000,
    reconnectMinBackoffMs: 20,
    reconnectMaxBackoffMs: 200,
  });
  running.push({ stop: async () => client.close() });
  return client;
}

export function attrs(mo: WireMo): MoAttributes {
  return Object.values(mo)[0]!.attributes;
}

export function childrenOf(mo: WireMo): WireMo[] {
  return Object.values(mo)[0]!.children ?? [];
}

/** The fabric as akb reads it: every query of `fabricQueries`, keyed by class. */
export async function readFabric(lab: Lab, client = apicClientOf(lab)): Promise<Record<string, WireMo[]>> {
  const out: Record<string, WireMo[]> = {};
  for (const q of fabricQueries(lab.fabric)) out[q.className] = await client.query(q.query);
  return out;
}
