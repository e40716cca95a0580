import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import type { Endpoint, NodeNetwork } from './node-network';

/**
 * A TCP load balancer on the node network (what HAProxy in `mode tcp` does in front of the API servers): each
 * connection goes to the first backend, in the configured order, that the node network can reach.
 */
export interface TcpForwarder {
  port: number;
  stop(): Promise<void>;
}

export async function startTcpForwarder(network: NodeNetwork, backends: Endpoint[]): Promise<TcpForwarder> {
  const open = new Set<Socket>();
  let next = 0;
  const server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => undefined);
    // Round robin over the backends that are up, as `balance roundrobin` with health checks would.
    const up = backends.map((b) => network.resolve(b.host, b.port)).filter((e): e is Endpoint => e !== undefined);
    const target = up[next++ % Math.max(1, up.length)];
    if (!target) return client.destroy();
    const upstream = connect({ host: target.host, port: target.port });
    open.add(upstream);
    upstream.once('close', () => open.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
