import ssh2, { type Client as SshClient, type ClientChannel } from 'ssh2';

// ssh2 is CommonJS: Node's ESM loader gives it a default export only.
const { Client } = ssh2;
import { connectTcp, redactUrl } from '../../../lib/node/proxy-connect';
import { checkHostKey, type HostIdentity, type HostKeyPolicy } from './host-keys';

/**
 * One authenticated SSH connection to a host, its key checked against the pin before anything is sent, opened
 * directly or through the node network's proxy. Commands run on it one channel each, with stdin written and
 * output streamed back line by line.
 */

export interface SshAuth {
  /** An OpenSSH or PEM private key (from the spec's secret reference). */
  privateKey?: string;
  /** Path of an ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string;
}

export interface SshTarget extends HostIdentity {
  user: string;
  proxyUrl?: string;
}

/** Refused before authentication: the host is not the one pinned. */
export class HostKeyError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'HostKeyError';
  }
}

export class SshConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshConnectError';
  }
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  stdin?: string;
  onStdout?: (line: string) => void;
  onStderr?: (line: string) => void;
  signal?: AbortSignal;
  /** Keep at most this many characters of each stream in the result (the tail); default 64 KiB. */
  keep?: number;
}

/** Splits a byte stream into lines, calling `emit` per complete line (and for the rest at the end). */
function lineSplitter(emit: ((line: string) => void) | undefined): { push(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      if (!emit) return;
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      lines.forEach((l) => emit(l));
    },
    end() {
      if (emit && rest !== '') emit(rest);
      rest = '';
    },
  };
}

export class SshSession {
  private constructor(
    private readonly client: SshClient,
    readonly target: SshTarget,
  ) {}

  static async open(
    target: SshTarget,
    auth: SshAuth,
    policy: HostKeyPolicy,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<SshSession> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const where = `${target.node} (${target.host}:${target.port}${target.proxyUrl ? ` via ${redactUrl(target.proxyUrl)}` : ''})`;
    let sock;
    try {
      sock = await connectTcp({ host: target.host, port: target.port, proxyUrl: target.proxyUrl, timeoutMs, signal: opts.signal });
    } catch (err) {
      throw new SshConnectError(`cannot reach ${where}: ${(err as Error).message}`);
    }
    const client = new Client();
    let refused: string | undefined;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', (err: Error & { level?: string }) => {
        if (refused !== undefined) reject(new HostKeyError(refused));
        else if (err.level === 'client-authentication')
          reject(new SshConnectError(`SSH authentication as ${target.user} to ${where} failed: ${authMethods(auth)}`));
        else reject(new SshConnectError(`SSH to ${where} failed: ${err.message}`));
      });
      client.connect({
        sock,
        username: target.user,
        ...(auth.privateKey !== undefined ? { privateKey: auth.privateKey } : {}),
        ...(auth.agent !== undefined ? { agent: auth.agent } : {}),
        readyTimeout: timeoutMs,
        keepaliveInterval: 15_000,
        hostVerifier: (key: Buffer) => {
          const verdict = checkHostKey(target, key, policy);
          if (!verdict.trusted) refused = verdict.reason;
          return verdict.trusted;
        },
      });
    });
    return new SshSession(client, target);
  }

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    const keep = opts.keep ?? 65_536;
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
        if (err) return reject(new SshConnectError(`${this.target.node}: cannot start a command: ${err.message}`));
        let stdout = '';
        let stderr = '';
        const out = lineSplitter(opts.onStdout);
        const errs = lineSplitter(opts.onStderr);
        const onAbort = () => {
          stream.signal('TERM');
          stream.close();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (d: Buffer) => {
          stdout = (stdout + d.toString('utf8')).slice(-keep);
          out.push(d);
        });
        stream.stderr.on('data', (d: Buffer) => {
          stderr = (stderr + d.toString('utf8')).slice(-keep);
          errs.push(d);
        });
        stream.on('close', (code: number | null, signal?: string) => {
          opts.signal?.removeEventListener('abort', onAbort);
          out.end();
          errs.end();
          if (opts.signal?.aborted) return reject(new Error(`${this.target.node}: aborted`));
          resolve({ code: code ?? null, ...(signal ? { signal } : {}), stdout, stderr });
        });
        stream.end(opts.stdin ?? '');
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

function authMethods(auth: SshAuth): string {
  const m = [
    auth.privateKey !== undefined ? 'the private key' : undefined,
    auth.agent !== undefined ? 'the ssh-agent keys' : undefined,
  ].filter(Boolean);
  return m.length > 0
    ? `${m.join(' and ')} refused`
    : 'no private key (cluster.ssh.privateKey) and no ssh-agent (SSH_AUTH_SOCK) configured';
}
