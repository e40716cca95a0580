import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../logging';
import { startLabApic } from './server';

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError('--port must be an integer 0-65535 (0 = any free port)');
  return n;
}

/** `akb lab apic`: runs one lab APIC controller in the foreground until SIGINT/SIGTERM. */
export function registerLabApicCommand(program: Command): void {
  program
    .command('apic')
    .description('run a simulated Cisco APIC (REST + websocket) on loopback; prints its URL and lab credentials')
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, 0)
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--user <name>', 'login user name', 'admin')
    .option('--password <password>', 'login password', 'lab-password')
    .option('--http', 'serve plain HTTP instead of TLS', false)
    .action(async (o: { port: number; host: string; user: string; password: string; http: boolean }) => {
      const apic = await startLabApic({
        host: o.host,
        port: o.port,
        user: o.user,
        password: o.password,
        http: o.http,
        logger: createLogger({ level: 'warn' }),
      });
      // A lab: printing the credentials it accepts is the point.
      console.log(`lab APIC listening on ${apic.url}`);
      console.log(`credentials: user=${apic.credentials.user} password=${apic.credentials.password}`);
      if (apic.caPem) console.log(`CA certificate (verify TLS with it):\n${apic.caPem.trim()}`);
      await new Promise<void>((resolve) => {
        const done = (): void => resolve();
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
      await apic.stop();
    });
}
