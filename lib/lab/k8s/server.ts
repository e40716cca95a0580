import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../logging';
import { handleRequest, type RouterContext } from './http-router';
import { kubeconfigYaml } from './kubeconfig';
import { KubeStore } from './store';
import { labTlsMaterial } from '../tls';

export interface LabK8sOptions {
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** TCP port; default 0 (any free port). */
  port?: number;
  /** Serve HTTPS with a generated CA (its PEM is `caPem` and embedded in the kubeconfig). */
  tls?: boolean;
  /**
   * Serve this certificate instead of the lab's own (implies TLS): a lab-built cluster's API server, its serving
   * certificate issued from that cluster's CA. `caPem` is what clients must trust; with `clientCaPem`, client
   * certificates are requested and verified against it (see `authorize`).
   */
  serving?: { certPem: string; keyPem: string; caPem: string; clientCaPem?: string };
  /** Decides each request's access instead of the bearer-token check (client certificates, bootstrap tokens). */
  authorize?: (req: IncomingMessage) => 'write' | 'read' | undefined;
  /** Bearer token clients must send; default a random one. */
  token?: string;
  /**
   * No authentication: every request may read and write, and the kubeconfig carries no credentials. For a
   * plain-HTTP server used with kubectl, which never sends a bearer token over http:// (client-go adds
   * credentials only for https).
   */
  anonymous?: boolean;
  /** Reuse an existing store (e.g. to "restart" the API server on the same port with the same data). */
  store?: KubeStore;
  /** CRD plurals installed in a new store (default all known); ignored when `store` is given. */
  installedCrds?: string[];
  /** Watch event window of a new store (default 1000); ignored when `store` is given. */
  watchWindow?: number;
  /** A token that may read but gets 403 on writes. */
  readOnlyToken?: string;
  /** Interval of BOOKMARK events on watches that allow them; default 15 s. */
  bookmarkIntervalMs?: number;
  logger?: Logger;
}

export interface LabK8sServer {
  url: string;
  /** The bearer token clients must send; empty for an anonymous server. */
  token: string;
  caPem?: string;
  port: number;
  store: KubeStore;
  kubeconfigYaml(): string;
  writeKubeconfig(path: string): Promise<void>;
  /** Ends every open watch stream normally (as a watch timeout would), keeping the listener; returns how many. */
  closeWatches(): number;
  /** Ends open watch streams and connections, then closes the listener. The store survives. */
  stop(): Promise<void>;
}

/** Starts the lab Kubernetes API server (WIRE.md PART B) on loopback. */
export async function startLabK8s(opts: LabK8sOptions = {}): Promise<LabK8sServer> {
  const logger = opts.logger ?? silentLogger;
  const store = opts.store ?? new KubeStore({ installedCrds: opts.installedCrds, watchWindow: opts.watchWindow });
  if (opts.anonymous && opts.token !== undefined) throw new Error('an anonymous lab Kubernetes API server takes no token');
  const token = opts.anonymous ? '' : (opts.token ?? randomBytes(24).toString('hex'));
  const host = opts.host ?? '127.0.0.1';
  const tls = opts.serving ?? (opts.tls ? labTlsMaterial() : undefined);
  const watches = new Set<() => void>();

  const ctx: RouterContext = {
    store,
    token: opts.anonymous ? undefined : token,
    readOnlyToken: opts.readOnlyToken,
    ...(opts.authorize ? { authorize: opts.authorize } : {}),
    serverAddress: '',
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 15_000,
    trackWatch: (close, done) => {
      watches.add(close);
      void done.then(() => watches.delete(close));
    },
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handleRequest(ctx, req, res).catch((err: unknown) =>
      logger.warn({ err, method: req.method, path: req.url?.split('?')[0] }, 'lab k8s request failed'),
    );
  };
  // Client certificates are asked for but optional (as kube-apiserver does): `authorize` decides what they grant.
  const clientCa = opts.serving?.clientCaPem;
  const server: Server = tls
    ? createHttpsServer(
        { cert: tls.certPem, key: tls.keyPem, ...(clientCa ? { ca: clientCa, requestCert: true, rejectUnauthorized: false } : {}) },
        onRequest,
      )
    : createHttpServer(onRequest);
  // Watches are long-lived: no request timeout, and keep-alive sockets may idle.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'https' : 'http'}://${hostInUrl}:${port}`;
  ctx.serverAddress = `${hostInUrl}:${port}`;
  logger.info({ url }, 'lab Kubernetes API server listening');

  const config = (): string => kubeconfigYaml({ server: url, ...(opts.anonymous ? {} : { token }), caPem: tls?.caPem });
  return {
    url,
    token,
    port,
    store,
    ...(tls ? { caPem: tls.caPem } : {}),
    kubeconfigYaml: config,
    writeKubeconfig: (path) => writeFile(path, config(), { mode: 0o600 }),
    closeWatches: () => {
      const open = [...watches];
      open.forEach((close) => close());
      return open.length;
    },
    stop: async () => {
      for (const close of [...watches]) close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
