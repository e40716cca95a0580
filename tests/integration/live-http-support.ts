/**
 * A real LiveService fed by scripted sources, served by createHttpApi and a LiveHub on a real
 * http.Server on 127.0.0.1, wired the way server.ts wires them (API first, then "pages", /ws upgrades).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { wireMo } from '../../lib/aci/mo';
import { createHttpApi, openPaths, type HttpApiContext } from '../../lib/live/server/http-api';
import { createSecurityGate } from '../../lib/live/server/security/gate';
import { LiveHub } from '../../lib/live/server/hub';
import { createMetrics, patchBytes, type LiveMetrics } from '../../lib/live/server/metrics';
import { LiveService, type LiveSource } from '../../lib/live/server/service';
import { sourceStatus, type SourceStatus } from '../../lib/shared/source-status';
import type { UiAuth } from '../../lib/live/server/auth';
import { correlate, diff, isEmptyPatch, type Bundle } from '../../lib/topology';
import type { KubeObject } from '../../lib/k8s/models/object';

/** A source whose data and status the test sets; every change notifies the service like a watch event. */
export class ScriptedSource implements LiveSource {
  private listeners = new Set<() => void>();
  private state: SourceStatus = sourceStatus('starting');

  constructor(
    readonly name: string,
    private data: (bundle: Bundle) => void,
  ) {}

  status(): SourceStatus {
    return this.state;
  }
  fill(bundle: Bundle): void {
    this.data(bundle);
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Scripted data is a whole bundle at a time: it feeds the full-recompute service only. */
  onInputs(): () => void {
    return () => undefined;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  /** The test's data is always complete: a resync only re-announces it. */
  async resync(): Promise<void> {
    for (const l of this.listeners) l();
  }

  set(status: SourceStatus, data?: (bundle: Bundle) => void): void {
    this.state = status;
    if (data) this.data = data;
    for (const l of this.listeners) l();
  }
}

/** The credential the test plants in the cluster data; it must never come back out of the API. */
export const PLANTED_SECRET = 'planted-db-password-0451';

export function pods(names: string[]): KubeObject[] {
  return names.map((name) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'worker-1', containers: [{ name: 'app', image: 'web', env: [{ name: 'DB_PASSWORD', value: PLANTED_SECRET }] }] },
    status: { phase: 'Running', podIP: '10.1.0.5' },
  }));
}

export function kubeData(podNames: string[]): (bundle: Bundle) => void {
  return (bundle) => {
    bundle.k8s.nodes = [
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'worker-1' },
        status: { addresses: [{ type: 'InternalIP', address: '10.0.0.11' }] },
      },
    ];
    bundle.k8s.pods = pods(podNames);
    bundle.k8s.secrets = [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'db', namespace: 'default' },
        data: { password: Buffer.from(PLANTED_SECRET).toString('base64') },
      },
    ];
  };
}

export function apicData(bundle: Bundle): void {
  bundle.apic.fabricNode = [
    wireMo('fabricNode', {
      dn: 'topology/pod-1/node-101',
      id: '101',
      name: 'leaf-101',
      role: 'leaf',
      nodeType: 'unspecified',
      fabricSt: 'active',
    }),
  ];
}

export interface Harness {
  url: string;
  service: LiveService;
  hub: LiveHub;
  metrics: LiveMetrics;
  kube: ScriptedSource;
  apic: ScriptedSource;
  close(): Promise<void>;
}

/** `startingSources`: the sources begin as 'starting' and the test marks them synced (readiness tests). */
export async function startHarness(
  opts: { auth?: UiAuth | null; lab?: boolean; startingSources?: boolean; metricsOpen?: boolean } & Pick<
    HttpApiContext,
    'extraRoutes'
  > = {},
): Promise<Harness> {
  const metrics = createMetrics({ processMetrics: false });
  const auth = opts.auth ?? null;
  const gate = createSecurityGate({
    auth,
    config: { host: '127.0.0.1', dev: false },
    openPaths: openPaths({ metricsOpen: opts.metricsOpen }),
  });
  const hub = new LiveHub({ lab: opts.lab ?? false, gate });
  const kube = new ScriptedSource('kubernetes', kubeData(['web-1']));
  const apic = new ScriptedSource('apic', apicData);
  const service = new LiveService({
    sources: [kube, apic],
    fabric: { tenant: 'k8s', vrf: 'vrf1' },
    graph: { correlate, diff, isEmptyPatch },
    target: hub,
    coalesceMs: 5,
    onPublish: ({ latencyMs, patch }) => metrics.observePublish({ latencyMs, patchBytes: patchBytes(patch) }),
  });
  const api = createHttpApi({
    service,
    metrics,
    gate,
    lab: opts.lab ?? false,
    onScrape: () => {
      metrics.setWebsocketClients(hub.clientCount());
      metrics.setApicRequestCounts({ login: 1, query: 13 });
    },
    ...(opts.extraRoutes ? { extraRoutes: opts.extraRoutes } : {}),
  });
  const server: Server = createServer((req, res) => {
    if (api.handle(req, res)) return;
    // Stands in for Next.js: a page is only reached when the API let the request through.
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html>the akb page</html>');
  });
  server.on('upgrade', (req, socket, head) => {
    if (!hub.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Their data is complete from the start: synced, as a real source is once its initial listing is done.
  if (!opts.startingSources) {
    kube.set(sourceStatus('synced'));
    apic.set(sourceStatus('synced'));
  }
  await service.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    hub,
    metrics,
    kube,
    apic,
    close: async () => {
      await service.stop();
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
