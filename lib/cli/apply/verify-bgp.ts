import type { KubeConfig } from '@kubernetes/client-node';
import type { ApicClient } from '../../aci/client';
import { wcard } from '../../aci/filter';
import { classQuery } from '../../aci/query';
import { listClusterResources } from '../../k8s/list-once';
import type { ClusterResource } from '../../k8s/resources';
import { captureBundle } from '../../live/server/capture';
import { buildGraph } from '../../topology/build-graph';
import type { Bundle } from '../../topology/bundle-types';
import { analyseBgp } from '../../topology/ecmp/bgp-health';
import { describeDown, downSessions, type DownSession } from '../../topology/ecmp/session-causes';
import { WaitTimeoutError, type Step, type StepContext } from '../../../provisioner/providers/step';

/**
 * `verify:bgp`: the job is done only when the fabric shows it. Reads the APIC and the cluster as the visualiser does
 * (the same bundle, graph and BGP health analysis) until every session the configuration expects between the plan's
 * nodes and anchor leaves is established; on timeout it names each pair that is down and the likely cause.
 */

export interface VerifyContext {
  apic: ApicClient;
  kubeConfig: KubeConfig;
  /** The VRF's tenant (switch state is kept per `<tenant>:<vrf>`), the VRF, the L3Out and its tenant. */
  fabric: { vrfTenant: string; vrf: string; l3outTenant: string; l3out: string };
  /** `leaf:<id>` of the plan's anchor leaves. */
  leaves: string[];
  /** `node:<name>` of the plan's nodes; empty: every node of the cluster. */
  nodes: string[];
  timeoutMs: number;
  intervalMs?: number;
}

export const VERIFY_STEP = 'verify:bgp';

/**
 * Calico's projectcalico.org/v3 API (its API server), where akb writes. On a cluster whose API server stores them as
 * crd.projectcalico.org/v1 objects both lists return the same objects; where the two are kept apart (the lab), the
 * objects akb applied are only here. Merged into the bundle's keys by name, v3 winning, as the lab's twin reads them.
 */
const CALICO_V3: readonly ClusterResource[] = (['bgpconfigurations', 'bgppeers', 'ippools'] as const).map((plural) => ({
  key: plural,
  group: 'projectcalico.org',
  versions: ['v3'],
  plural,
  namespaced: false,
  optional: true,
}));

async function capture(v: VerifyContext): Promise<Bundle> {
  const { bundle } = await captureBundle({
    apic: v.apic,
    kubeConfig: v.kubeConfig,
    fabric: { tenant: v.fabric.vrfTenant, vrf: v.fabric.vrf, l3out: v.fabric.l3out },
  });
  const out = `uni/tn-${v.fabric.l3outTenant}/out-${v.fabric.l3out}/`;
  // The L3Out's configuration (it may sit in another tenant than the VRF) and the AS each side is told to expect.
  const [peers, svis, asps, fabricAs, v3] = await Promise.all([
    v.apic.query(classQuery('bgpPeerP', { filter: wcard('bgpPeerP.dn', out) })),
    v.apic.query(classQuery('l3extVirtualLIfP', { filter: wcard('l3extVirtualLIfP.dn', out) })),
    v.apic.query(classQuery('bgpAsP', { filter: wcard('bgpAsP.dn', out) })),
    v.apic.get('uni/fabric/bgpInstP-default/as'),
    listClusterResources(v.kubeConfig, CALICO_V3, { reduce: true }),
  ]);
  for (const [key, objects] of Object.entries(v3.k8s)) {
    const names = new Set(objects.map((o) => o.metadata.name));
    bundle.k8s[key] = [...(bundle.k8s[key] ?? []).filter((o) => !names.has(o.metadata.name)), ...objects];
  }
  const merge = (key: string, extra: Bundle['apic'][string]) => {
    const seen = new Set((bundle.apic[key] ?? []).map((m) => JSON.stringify(m)));
    bundle.apic[key] = [...(bundle.apic[key] ?? []), ...extra.filter((m) => !seen.has(JSON.stringify(m)))];
  };
  merge('bgpPeerP', peers);
  merge('l3extVirtualLIfP', svis);
  merge('bgpAsP', [...asps, ...(fabricAs ? [fabricAs] : [])]);
  return bundle;
}

export function verifyBgpStep(v: VerifyContext, dependsOn: string[]): Step<undefined> {
  let lastDown: DownSession[] = [];
  return {
    id: VERIFY_STEP,
    dependsOn,
    title: 'every expected BGP session established on the anchor leaves (read from the APIC)',
    checkOnly: true,
    observe: async () => undefined,
    diff: () => [],
    act: async () => undefined,
    async wait(ctx: StepContext) {
      const scope = { leaves: v.leaves, ...(v.nodes.length > 0 ? { nodes: v.nodes } : {}) };
      try {
        await ctx.poll(
          'the BGP sessions between the nodes and the anchor leaves',
          async () => {
            const bundle = await capture(v);
            const graph = buildGraph(bundle);
            const health = analyseBgp(bundle, graph);
            const expected = health.sessions.filter(
              (s) => s.expectedBy.length > 0 && v.leaves.includes(s.leaf) && (v.nodes.length === 0 || v.nodes.includes(s.node)),
            );
            lastDown = downSessions(bundle, graph, health, scope);
            if (expected.length === 0)
              return { done: false, status: 'no session expected yet (no CNI peer or fabric peer covers the nodes)' };
            const up = expected.filter((s) => s.state === 'established').length;
            if (up === expected.length) return { done: true, value: undefined };
            return {
              done: false,
              status: `${up}/${expected.length} established; down: ${lastDown.slice(0, 2).map(describeDown).join('; ')}${lastDown.length > 2 ? `; and ${lastDown.length - 2} more` : ''}`,
              progress: { done: up, total: expected.length },
            };
          },
          { timeoutMs: v.timeoutMs, intervalMs: v.intervalMs ?? 2000 },
        );
      } catch (err) {
        if (!(err instanceof WaitTimeoutError) || lastDown.length === 0) throw err;
        throw new Error(
          `BGP sessions still down after ${Math.round(v.timeoutMs / 1000)} s (${lastDown.length}):\n${lastDown.map((d) => `  ${describeDown(d)}`).join('\n')}`,
        );
      }
    },
  };
}
