import type { Command } from 'commander';
import { resolve } from 'node:path';
import { createLogger } from '../../logging';
import { parsePort } from '../../node/cli-port';
import { startLabK8s } from './server';

interface LabK8sFlags {
  port: number;
  host: string;
  tls: boolean;
  kubeconfig: string;
  token?: string;
}

/**
 * `akb lab k8s`: runs the lab Kubernetes API server in the foreground until SIGINT/SIGTERM. HTTPS with a generated
 * CA by default, so the kubeconfig it writes works with kubectl as it is (client-go sends a bearer token only over
 * https). `--no-tls` serves plain HTTP without authentication and writes a kubeconfig without credentials.
 */
export function registerLabK8sCommand(lab: Command): void {
  const command = lab
    .command('k8s')
    .description('run a simulated Kubernetes API server on loopback and write a kubeconfig for it (kubectl works with it as it is)')
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, 0)
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--no-tls', 'serve plain HTTP with no authentication (kubectl never sends a token over http://)')
    .option('--kubeconfig <file>', 'where to write the kubeconfig', 'akb-lab.kubeconfig')
    .option('--token <token>', 'bearer token clients must send (default: random; it is only written to the kubeconfig)')
    .action(async (o: LabK8sFlags) => {
      if (!o.tls && o.token !== undefined)
        command.error('--token needs TLS: kubectl does not send bearer tokens over plain HTTP (drop --no-tls or --token)', { exitCode: 2 });
      const server = await startLabK8s({
        host: o.host,
        port: o.port,
        tls: o.tls,
        ...(o.tls ? { token: o.token } : { anonymous: true }),
        logger: createLogger({ level: 'warn' }),
      });
      const path = resolve(o.kubeconfig);
      await server.writeKubeconfig(path);
      console.log(`lab Kubernetes API server listening on ${server.url}${o.tls ? '' : ' (no authentication)'}`);
      console.log(`kubeconfig: ${path}`);
      console.log(`try: kubectl --kubeconfig ${path} get namespaces`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await server.stop();
    });
}
