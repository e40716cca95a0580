import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createLogger } from '../../logging';
import { parsePort } from '../../node/cli-port';
import { startLabApic } from './server';

interface LabApicFlags {
  port: number;
  host: string;
  user: string;
  password?: string;
  passwordFile: string;
  caFile: string;
  http: boolean;
}

/**
 * `akb lab apic`: runs one lab APIC controller in the foreground until SIGINT/SIGTERM. Like `akb lab k8s` writes a
 * kubeconfig, it writes what APIC clients need to connect as they are: the password (mode 0600) and, over TLS (the
 * default), the CA that signed the server certificate, so clients verify TLS instead of turning verification off.
 */
export function registerLabApicCommand(program: Command): void {
  program
    .command('apic')
    .description('run a simulated Cisco APIC (REST + websocket) on loopback; writes its password and CA certificate to files')
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, 0)
    .option('--host <addr>', 'bind address', '127.0.0.1')
    .option('--user <name>', 'login user name', 'admin')
    .option('--password <password>', 'login password (default: random)')
    .option('--password-file <file>', 'where to write the password (mode 0600)', 'akb-lab-apic-password')
    .option('--ca-file <file>', 'where to write the CA certificate (PEM) that clients verify TLS with', 'akb-lab-apic-ca.pem')
    .option('--http', 'serve plain HTTP instead of TLS', false)
    .action(async (o: LabApicFlags) => {
      const password = o.password ?? randomBytes(12).toString('hex');
      const apic = await startLabApic({
        host: o.host,
        port: o.port,
        user: o.user,
        password,
        http: o.http,
        logger: createLogger({ level: 'warn' }),
      });
      const passwordFile = resolve(o.passwordFile);
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      await chmod(passwordFile, 0o600); // writeFile's mode only applies to a new file
      let caFile: string | undefined;
      if (apic.caPem) {
        caFile = resolve(o.caFile);
        await writeFile(caFile, apic.caPem);
      }
      console.log(`lab APIC listening on ${apic.url}`);
      console.log(`user: ${o.user}   password file: ${passwordFile}${caFile ? `   CA certificate: ${caFile}` : ''}`);
      const connect = [`--apic-url ${apic.url}`, `--apic-user ${o.user}`, `--apic-password-file ${passwordFile}`];
      if (caFile) connect.push(`--apic-ca-file ${caFile}`);
      console.log(`akb connects with: ${connect.join(' ')}`);
      await new Promise<void>((done) => {
        process.once('SIGINT', () => done());
        process.once('SIGTERM', () => done());
      });
      await apic.stop();
    });
}
