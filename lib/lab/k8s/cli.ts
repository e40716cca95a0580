import { InvalidArgumentError, type Command } from 'commander';
import { resolve } from 'node:path';
import { createLogger } from '../../logging';
import { startLabK8s } from './server';

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('--port must be an integer 0-65535 (0 = any free port)');
  return n;
}

interface LabK8sFlags {
  port: number;
  host: string;
  tls: boolean;
  kubeconfig: string;
  token?: string;
}

/** `akb lab k8s`: runs the lab Kubernetes API server in the foreground until SIGINT/SIGTERM. */
export function registerLabK8sCommand(lab: Command): void {
  lab
    .command('k8s')
    .description('run a simulated Kubernetes API server on loopback and write a kubeconfig for it')
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, 0)
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--tls', 'serve HTTPS with a generated CA (embedded in the kubeconfig)', false)
    .option('--kubeconfig <file>', 'where to write the kubeconfig', 'akb-lab.kubeconfig')
    .option('--token <token>', 'bearer token clients must send (default: random; it is only written to the kubeconfig)')
    .action(async (o: LabK8sFlags) => {
      const server = await startLabK8s({ host: o.host, port: o.port, tls: o.tls, token: o.token, logger: createLogger({ level: 'warn' }) });
      const path = resolve(o.kubeconfig);
      await server.writeKubeconfig(path);
      console.log(`lab Kubernetes API server listening on ${server.url}`);
      console.log(`kubeconfig: ${path}`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await server.stop();
    });
}
