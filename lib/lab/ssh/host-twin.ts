import { createHash, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import ssh2, { type Connection, type ParsedKey, type ServerChannel } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader gives it a default export only.
const { Server, utils } = ssh2;
import { silentLogger, type Logger } from '../../logging';
import type { NodeNetwork } from '../network/node-network';
import type { NodeMimic } from '../nodes/mimic';

/**
 * An SSH server playing one bare-metal host of the scenario, at `<address>:22` on the lab's node network. Its
 * host key is its own (pin it as for a real host); it accepts the lab's client key for one user, and runs only
 * the commands akb's SSH provider sends: writing a file from stdin as root, and akb's bootstrap script (status,
 * a phase, scrub, reset), which the node mimic interprets. A write without sudo by a non-root user is refused
 * as a real host would; anything else is "command not found".
 */
export interface SshHostTwinOptions {
  /** Scenario host name (the machine's identity in the mimic). */
  host: string;
  /** Its address on the node network. */
  address: string;
  user: string;
  /** The client public key allowed to log in (OpenSSH one-line form). */
  authorizedKey: string;
  mimic: NodeMimic;
  network: NodeNetwork;
  logger?: Logger;
}

export interface SshHostTwin {
  host: string;
  address: string;
  port: number;
  /** `SHA256:…` of its host key, as ssh-keygen -lf prints it. */
  fingerprint: string;
  /** A known_hosts line for it. */
  knownHostsLine: string;
  /** Every command received, in order (for tests and the lab's truth). */
  commands: string[];
  stop(): Promise<void>;
}

const q = (s: string) => s.replace(/'\\''/g, "'");
const WRITE = /^(sudo -n )?install -D -m (0[0-7]{3,4}) \/dev\/stdin '((?:[^']|'\\'')+)'$/;
const GUARDED = /^if (sudo -n )?test -x '((?:[^']|'\\'')+)'; then (sudo -n )?'\2' (status|reset); fi$/;
const SCRIPT = /^(sudo -n )?'((?:[^']|'\\'')+)' ([a-z]+)$/;
const REMOVE = /^(sudo -n )?rm -f -- (.+)$/;

function words(text: string): string[] {
  return [...text.matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => q(m[1] as string));
}

export async function startSshHostTwin(o: SshHostTwinOptions): Promise<SshHostTwin> {
  const logger = o.logger ?? silentLogger;
  const keys = utils.generateKeyPairSync('ed25519');
  const hostKey = utils.parseKey(keys.public) as ParsedKey;
  const blob = hostKey.getPublicSSH();
  const fingerprint = `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  const allowed = utils.parseKey(o.authorizedKey);
  if (allowed instanceof Error) throw new Error(`lab SSH host ${o.host}: the authorized key does not parse: ${allowed.message}`);
  const machineId = `host:${o.host}`;
  const commands: string[] = [];
  const clients = new Set<Connection>();

  const root = (sudo: string | undefined) => sudo !== undefined || o.user === 'root';
  const denied = (stream: ServerChannel, what: string) => {
    stream.stderr.write(`${what}: Permission denied\n`);
    stream.exit(1);
    stream.end();
  };

  const exec = async (command: string, stream: ServerChannel, stdin: () => Promise<string>): Promise<void> => {
    commands.push(command);
    const machine = o.mimic.machine(machineId, { kind: 'bare-metal', host: o.host, hostname: o.host });
    const finish = (code: number, out: string[] = [], err: string[] = []) => {
      if (out.length) stream.write(`${out.join('\n')}\n`);
      if (err.length) stream.stderr.write(`${err.join('\n')}\n`);
      stream.exit(code);
      stream.end();
    };
    let m: RegExpExecArray | null;
    if ((m = WRITE.exec(command))) {
      const path = q(m[3] as string);
      const content = await stdin();
      if (!root(m[1])) return denied(stream, `install: cannot create regular file '${path}'`);
      machine.write(path, content, parseInt(m[2] as string, 8));
      return finish(0);
    }
    if ((m = GUARDED.exec(command))) {
      if (!root(m[1]) || !root(m[3])) return denied(stream, `sudo: a password is required`);
      if (!machine.exists(q(m[2] as string))) return finish(0);
      const r = await o.mimic.run(machineId, m[4] as string);
      return finish(r.code, r.stdout, r.stderr);
    }
    if ((m = SCRIPT.exec(command))) {
      if (!root(m[1])) return denied(stream, `${q(m[2] as string)}`);
      if (!machine.exists(q(m[2] as string))) return finish(127, [], [`sudo: ${q(m[2] as string)}: command not found`]);
      // Lines stream as the phase writes them, as over a real session.
      const r = await o.mimic.run(machineId, m[3] as string, {
        onLine: (s, line) => (s === 'stdout' ? stream.write(`${line}\n`) : stream.stderr.write(`${line}\n`)),
      });
      return finish(r.code);
    }
    if ((m = REMOVE.exec(command))) {
      if (!root(m[1])) return denied(stream, 'rm: cannot remove');
      for (const p of words(m[2] as string)) machine.remove(p);
      return finish(0);
    }
    logger.debug({ host: o.host, command }, 'lab SSH host refused a command');
    return finish(
      127,
      [],
      [`bash: line 1: ${command.split(' ')[0]}: command not found (lab host ${o.host} runs only akb's bootstrap commands)`],
    );
  };

  const server = new Server({ hostKeys: [keys.private] }, (client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey' || ctx.username !== o.user) return ctx.reject(['publickey']);
      const same =
        ctx.key.algo === allowed.type &&
        ctx.key.data.length === allowed.getPublicSSH().length &&
        timingSafeEqual(ctx.key.data, allowed.getPublicSSH());
      if (!same) return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('exec', (acceptExec, _reject, info) => {
          const stream = acceptExec();
          const chunks: Buffer[] = [];
          let ended = false;
          const waiters: Array<() => void> = [];
          stream.on('data', (d: Buffer) => chunks.push(d));
          stream.on('end', () => {
            ended = true;
            waiters.forEach((w) => w());
          });
          const stdin = () =>
            (ended ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))).then(() => Buffer.concat(chunks).toString('utf8'));
          exec(info.command, stream, stdin).catch((err: unknown) => {
            logger.warn({ host: o.host, err: err instanceof Error ? err.message : String(err) }, 'lab SSH host command failed');
            stream.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
            stream.exit(1);
            stream.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  o.network.bind(o.address, 22, { host: '127.0.0.1', port }, `ssh:${o.host}`);
  return {
    host: o.host,
    address: o.address,
    port,
    fingerprint,
    knownHostsLine: `${o.address} ${hostKey.type} ${blob.toString('base64')}`,
    commands,
    stop: async () => {
      o.network.unbindOwner(`ssh:${o.host}`);
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
