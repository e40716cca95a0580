import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { silentLogger, type Logger } from '../../logging';
import type { IssuedCertificate } from '../../pki/x509';
import type { KubeObject } from '../../topology/bundle-types';
import { KubeStore, startLabK8s, type LabK8sServer } from '../k8s';
import { UserEndpointSliceReconciler } from '../controllers/endpoint-slices';
import { UserWorkloadReconciler } from '../controllers/user-workloads';
import type { NodeNetwork } from '../network/node-network';
import { startTcpForwarder, type TcpForwarder } from '../network/tcp-forwarder';
import { authenticateToken, signClusterInfo } from './bootstrap-tokens';
import { reconcileNodeReadiness } from './node-readiness';

/**
 * A Kubernetes cluster the lab's machines built: one store (its etcd), one API server listener per master with
 * that master's serving certificate (issued from the cluster's own CA, so a client that trusts another CA, or
 * names an address outside the certificate, fails its TLS check), each bound to `<master>:6443` on the node
 * network, and the VIP bound to an HAProxy-like forwarder once a master runs the load balancer's static pods.
 *
 * Authentication is the API server's: client certificates from the cluster CA (kubeadm's admin and the kubelets),
 * bootstrap tokens (read-only here: they serve discovery and TLS bootstrap), anonymous reads of
 * kube-public/cluster-info only. Controllers: the bootstrap signer, node readiness (NotReady until a CNI runs),
 * and the lab's workload controllers (Deployments and DaemonSets run on Ready nodes).
 */
export type Access = 'write' | 'read' | undefined;

const ADMIN_GROUPS = ['kubeadm:cluster-admins', 'system:masters', 'system:nodes'];

export class LabKubeCluster {
  readonly store = new KubeStore({ installedCrds: [] });
  private readonly apiServers = new Map<string, { server: LabK8sServer; address: string }>();
  private vip: { forwarder: TcpForwarder; address: string; port: number } | undefined;
  private readonly workloads = new UserWorkloadReconciler(this.store);
  private readonly slices = new UserEndpointSliceReconciler(this.store);
  private scheduled: NodeJS.Immediate | undefined;
  private readonly unsubscribe: () => void;
  private reconciling = false;

  constructor(
    readonly name: string,
    /** The cluster CA's certificate: what client certificates are verified against. */
    readonly caPem: string,
    private readonly network: NodeNetwork,
    private readonly logger: Logger = silentLogger,
  ) {
    this.unsubscribe = this.store.subscribe(() => {
      if (this.reconciling) return;
      this.scheduled ??= setImmediate(() => this.reconcile());
    });
  }

  /** The controllers' pass, deferred after store events so watches see writes in order. */
  reconcile(): void {
    this.scheduled = undefined;
    this.reconciling = true;
    try {
      signClusterInfo(this.store);
      reconcileNodeReadiness(this.store);
      this.workloads.reconcile(() => false);
      this.slices.reconcile(() => false);
    } catch (err) {
      this.logger.warn({ cluster: this.name, err: err instanceof Error ? err.message : String(err) }, 'lab cluster controller failed');
    } finally {
      this.reconciling = false;
    }
  }

  authorize = (req: IncomingMessage): Access => {
    const sock = req.socket as TLSSocket;
    if (sock.authorized) {
      const subject = sock.getPeerCertificate().subject as { O?: string | string[] } | undefined;
      const orgs = ([] as string[]).concat(subject?.O ?? []);
      return orgs.some((o) => ADMIN_GROUPS.includes(o)) ? 'write' : 'read';
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) return authenticateToken(this.store, bearer) ? 'read' : undefined;
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/api/v1/namespaces/kube-public/configmaps/cluster-info') return 'read';
    return undefined;
  };

  /** Starts `node`'s API server with its serving certificate and binds it at `address:6443`. */
  async startApiServer(node: string, address: string, serving: IssuedCertificate): Promise<LabK8sServer> {
    const running = this.apiServers.get(node);
    if (running) return running.server;
    const server = await startLabK8s({
      store: this.store,
      serving: { certPem: serving.certPem, keyPem: serving.keyPem, caPem: this.caPem, clientCaPem: this.caPem },
      authorize: this.authorize,
      logger: this.logger,
    });
    this.apiServers.set(node, { server, address });
    this.network.bind(address, 6443, { host: '127.0.0.1', port: server.port }, `${this.name}/${node}/kube-apiserver`);
    return server;
  }

  hasApiServer(node: string): boolean {
    return this.apiServers.has(node);
  }

  /** HAProxy on the VIP, held by the keepalived master: forwards to the first reachable backend. */
  async holdVip(address: string, port: number, backends: Array<{ host: string; port: number }>, holder: string): Promise<void> {
    if (this.vip) return;
    const forwarder = await startTcpForwarder(this.network, backends);
    this.vip = { forwarder, address, port };
    this.network.bind(address, port, { host: '127.0.0.1', port: forwarder.port }, `${this.name}/${holder}/haproxy`);
  }

  nodes(): KubeObject[] {
    return this.store.list('nodes').items;
  }

  /** A node left (kubeadm reset, machine destroyed): its API server stops, its Node goes. */
  async removeNode(node: string): Promise<void> {
    const s = this.apiServers.get(node);
    if (s) {
      this.apiServers.delete(node);
      this.network.unbindOwner(`${this.name}/${node}/kube-apiserver`);
      await s.server.stop();
    }
    if (this.store.tryGet('nodes', node)) this.store.delete('nodes', node);
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    if (this.scheduled) clearImmediate(this.scheduled);
    for (const [node, s] of this.apiServers) {
      this.network.unbindOwner(`${this.name}/${node}/kube-apiserver`);
      await s.server.stop();
    }
    this.apiServers.clear();
    if (this.vip) {
      this.network.unbind(this.vip.address, this.vip.port);
      await this.vip.forwarder.stop();
      this.vip = undefined;
    }
  }
}
