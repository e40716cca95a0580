/**
 * Composition root of the service: decides between the embedded lab and real systems, builds the
 * sources, the live service and the websocket hub, and answers the HTTP endpoints that are not pages.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { ApicClient } from '../../aci/client';
import type { ApicClientOptionsInput } from '../../aci/options';
import { ClusterSource } from '../../k8s/cluster-source';
import { loadKubeConfig } from '../../k8s/kubeconfig';
import { startLab, type Lab } from '../../lab';
import type { Logger } from '../../logging';
import { buildGraph } from '../../topology/build-graph';
import { diff, isEmptyPatch } from '../../topology/patch';
import type { Bundle } from '../../topology/bundle-types';
import type { GraphPatch } from '../../topology/patch';
import type { SourceStatus } from '../../shared/source-status';
import { ApicLiveSource } from './apic-source';
import { ClusterLiveSource } from './cluster-live-source';
import { usesLab, type ServiceConfig } from './config';
import { createUiAuth } from './auth';
import { createHttpApi, openPaths } from './http-api';
import { createSecurityGate, type SecurityGate } from './security/gate';
import { LiveHub, type HubOptions } from './hub';
import { createMetrics, patchBytes } from './metrics';
import { EcmpHistory } from './ecmp-history';
import { handleEcmpRequest } from './ecmp-api';
import { LiveService, type LiveSource } from './service';
import { IncrementalLiveService } from './incremental-service';
import { InThreadAnalysis, type EcmpAnalyser } from './ecmp-analysis';
import { WorkerAnalysis } from './ecmp-worker-client';

/** What the runtime's users see of the service, whichever correlation runs it. */
export type GraphService = Pick<LiveService, 'graph' | 'sourceStatuses' | 'resyncSources' | 'ready' | 'bundle' | 'start' | 'stop'>;

export interface Runtime {
  lab: Lab | null;
  hub: LiveHub;
  /** The gate every request and upgrade passes; server.ts sends Next's own upgrades (dev HMR) through it too. */
  gate: SecurityGate;
  service: GraphService;
  apic: ApicClient | null;
  /** Answers health, API and metrics requests; false lets Next serve the page. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  stop(): Promise<void>;
}

type Env = Record<string, string | undefined>;

interface Connections {
  kubeConfig: KubeConfig;
  apic: ApicClientOptionsInput | null;
  fabric: Bundle['fabric'];
}

/** A secret's file; the error names the setting, never the value given (it may be the secret itself, pasted). */
function readSecretFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new Error(
      `cannot read ${what}: the file it names is ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}; give the path of a file that holds it`,
    );
  }
}

/** Connection settings for real systems, from validated configuration. */
export function realConnections(config: ServiceConfig, env: Env): Connections {
  let kubeConfig: KubeConfig;
  if (config.inCluster) {
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromCluster();
  } else {
    kubeConfig = loadKubeConfig({ path: config.kubeconfig, context: config.kubeContext });
  }
  let apic: ApicClientOptionsInput | null = null;
  if (config.apicUrls?.length && config.apicUser) {
    const auth: ApicClientOptionsInput['auth'] =
      config.apicCertName && config.apicKeyFile
        ? { type: 'certificate', user: config.apicUser, certName: config.apicCertName, privateKey: config.apicKeyFile }
        : {
            type: 'password',
            user: config.apicUser,
            password: config.apicPasswordFile
              ? readSecretFile(config.apicPasswordFile, 'the APIC password (--apic-password-file)')
              : (env.AKB_APIC_PASSWORD ?? ''),
          };
    apic = {
      controllers: config.apicUrls,
      auth,
      tls: { ...(config.apicCaFile ? { ca: config.apicCaFile } : {}), insecure: config.apicInsecure },
    };
  }
  return {
    kubeConfig,
    apic,
    fabric: { tenant: config.tenant ?? '', vrf: config.vrf ?? '', ...(config.l3out ? { l3out: config.l3out } : {}) },
  };
}

function labConnections(lab: Lab): Connections {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(lab.kubeconfigYaml());
  const { urls, user, password, caPem } = lab.apicConnection;
  return {
    kubeConfig,
    apic: { controllers: urls, auth: { type: 'password', user, password }, tls: caPem ? { ca: caPem } : {} },
    fabric: lab.fabric,
  };
}

export interface RuntimeOverrides {
  /** An already started lab to show (tests start it themselves to drive events and faults). */
  lab?: Lab;
  /** Coalescing window for source changes. */
  coalesceMs?: number;
  /** The sources' safety resync interval (default 10 min each). */
  resyncIntervalMs?: number;
  /**
   * `incremental` (default): each change costs what it touches, the ECMP analysis runs in a worker thread.
   * `full`: every coalesced change recomputes `buildGraph` of the whole bundle (the reference, for comparison).
   */
  correlation?: 'incremental' | 'full';
  /** Where the incremental service's ECMP analysis runs (default: a worker thread). */
  analysis?: 'worker' | 'in-thread';
  /** Observes each incremental settle (the bench's per-update cost). */
  onSettled?: (info: { workMs: number; longestSliceMs: number }) => void;
  /** More routes behind UI authentication, each for a path prefix (the provisioning section, composed by the entry point). */
  prefixRoutes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  /** Hub timing (tests that must keep stalled clients connected while they measure). */
  hub?: Pick<HubOptions, 'heartbeatMs' | 'pingTimeoutMs'>;
}

export async function startRuntime(
  config: ServiceConfig,
  logger: Logger,
  env: Env = process.env,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  // First: a bad UI secret must stop start-up before anything (the lab, connections) is started.
  const auth = createUiAuth(config, env);
  const ownsLab = !overrides.lab;
  const lab =
    overrides.lab ??
    (usesLab(config, env)
      ? await startLab({
          scenario: config.labScenario,
          labDir: config.labDir,
          demo: config.labDemo,
          logger: logger.child({ component: 'lab' }),
        })
      : null);
  const connections = lab ? labConnections(lab) : realConnections(config, env);
  const apic = connections.apic ? new ApicClient({ ...connections.apic, logger: logger.child({ component: 'apic' }) }) : null;

  // A cluster that went away is retried every few seconds at most: an operator watching a restart wants it back soon.
  const resync = overrides.resyncIntervalMs === undefined ? {} : { resyncIntervalMs: overrides.resyncIntervalMs };
  const cluster = new ClusterSource({
    kubeConfig: connections.kubeConfig,
    retryMaxMs: 5_000,
    logger: logger.child({ component: 'kubernetes' }),
    ...resync,
  });
  const sources: LiveSource[] = [new ClusterLiveSource(cluster)];
  if (apic) sources.push(new ApicLiveSource(apic, connections.fabric, { logger: logger.child({ component: 'apic-source' }), ...resync }));
  else logger.warn('no APIC configured: showing the Kubernetes side only');

  logger.info(uiAuthSummary(config, env), `UI authentication: ${config.uiAuth}`);
  const gate = createSecurityGate({ auth, config, openPaths: openPaths(), logger: logger.child({ component: 'gate' }) });
  const metrics = createMetrics();
  const hub = new LiveHub({ lab: lab !== null, logger, gate, maxClients: config.wsMaxClients, ...overrides.hub });
  const ecmpHistory = new EcmpHistory();
  const onPublish = ({ latencyMs, patch }: { latencyMs: number; patch: GraphPatch | null }) =>
    metrics.observePublish({ latencyMs, patchBytes: patch ? patchBytes(patch) : null });
  const setSources = (statuses: Record<string, SourceStatus>) => {
    hub.setSources(statuses);
    metrics.setSources(statuses);
  };
  const service: GraphService =
    overrides.correlation === 'full'
      ? new LiveService({
          sources,
          fabric: connections.fabric,
          graph: { correlate: buildGraph, diff, isEmptyPatch },
          target: {
            publish(graph, patch, bundle) {
              hub.publish(graph, patch);
              metrics.setRevision(graph.revision);
              ecmpHistory.record(graph, bundle);
            },
            setSources,
          },
          logger,
          coalesceMs: overrides.coalesceMs,
          onPublish,
        })
      : new IncrementalLiveService({
          sources,
          fabric: connections.fabric,
          analyser: startAnalyser(connections.fabric, overrides.analysis ?? 'worker', logger),
          target: {
            publish(revision, graph, patch) {
              hub.publish(graph, patch);
              metrics.setRevision(revision);
            },
            setSources,
            analysed: (result) => ecmpHistory.absorb(result.history),
          },
          logger,
          coalesceMs: overrides.coalesceMs,
          onPublish,
          ...(overrides.onSettled ? { onSettled: overrides.onSettled } : {}),
        });
  await service.start();

  const ecmpRoute = (req: IncomingMessage, res: ServerResponse) => {
    handleEcmpRequest(req, res, {
      history: ecmpHistory,
      current: () => {
        const graph = service.graph();
        return graph ? { graph, bundle: service.bundle() } : null;
      },
    });
  };
  const api = createHttpApi({
    service,
    metrics,
    gate,
    lab: lab !== null,
    extraRoutes: { '/api/v1/ecmp': ecmpRoute, '/api/v1/bgp': ecmpRoute },
    ...(overrides.prefixRoutes ? { prefixRoutes: overrides.prefixRoutes } : {}),
    onScrape: () => {
      metrics.setWebsocketClients(hub.clientCount());
      if (apic) metrics.setApicRequestCounts({ ...apic.counts });
    },
  });
  const handleHttp = (req: IncomingMessage, res: ServerResponse): boolean => api.handle(req, res);

  return {
    lab,
    hub,
    gate,
    service,
    apic,
    handleHttp,
    async stop() {
      await hub.close();
      await service.stop();
      await apic?.close();
      if (ownsLab) await lab?.stop();
    },
  };
}

/** The ECMP analysis in a worker thread, or in this one where asked (or where a worker cannot start). */
function startAnalyser(fabric: Bundle['fabric'], where: 'worker' | 'in-thread', logger: Logger): EcmpAnalyser {
  if (where === 'worker') {
    try {
      return new WorkerAnalysis(fabric, logger);
    } catch (err) {
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'ECMP analysis worker did not start; analysing in the service thread',
      );
    }
  }
  return new InThreadAnalysis(fabric);
}

/** What the start-up log says about UI authentication: the mode and what it trusts, never a secret. */
function uiAuthSummary(config: ServiceConfig, env: Env): Record<string, unknown> {
  switch (config.uiAuth) {
    case 'none':
      return {
        uiAuth: 'none',
        host: config.host,
        allowUnauthenticated: config.allowUnauthenticated,
        allowedHosts: config.allowedHosts ?? [],
      };
    case 'header':
      return {
        uiAuth: 'header',
        header: config.uiAuthHeader,
        trustedProxies: config.uiAuthTrustedProxies ?? [],
        proxySecret: Boolean(config.uiAuthProxySecretFile || env.AKB_UI_AUTH_PROXY_SECRET),
      };
    default:
      return { uiAuth: config.uiAuth };
  }
}
