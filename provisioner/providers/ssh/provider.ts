import type { ClusterNode } from '../../spec/schema';
import {
  MachineError,
  type MachineContext,
  type MachineDestroyResult,
  type MachineObservation,
  type MachineProvider,
  type MachineRef,
  type WaitOptions,
} from '../machines';
import {
  parseStatus,
  phaseCommand,
  removeFilesCommand,
  resetCommand,
  statusCommand,
  writeFileCommand,
  type BootstrapStatus,
} from './commands';
import { BOOTSTRAP_SCRIPT as BOOTSTRAP_SCRIPT_DEFAULT } from '../../bootstrap/script';
import type { HostKeyPolicy } from './host-keys';
import { HostKeyError, SshConnectError, SshSession, type SshAuth, type SshTarget } from './session';

/**
 * Bare-metal hosts over SSH. akb never owns the host: `ensure` uploads the node's bootstrap files (as root,
 * through sudo), `waitForBootstrap` runs the script's phases that are not done yet, streaming their output, and
 * `destroy` undoes the bootstrap. Every connection checks the host key against its pin first.
 */
export interface SshProviderConfig {
  auth: SshAuth;
  /** A known_hosts file (cluster.ssh.knownHosts): its path and text. Per-node `placement.hostKey` takes precedence. */
  knownHosts?: { path: string; text: string };
  /** SOCKS5 or HTTP CONNECT proxy to the node network (cluster.proxyUrl). */
  proxyUrl?: string;
  connectTimeoutMs?: number;
}

type BareMetal = Extract<ClusterNode['placement'], { type: 'bare-metal' }>;

function placementOf(m: MachineRef): BareMetal {
  if (m.node.placement.type !== 'bare-metal')
    throw new MachineError(m.node.name, `is placed on ${m.node.placement.type}, not on a bare-metal host`);
  return m.node.placement;
}

/** The end of a failing phase's stderr: what the operator needs to see, bounded. */
function stderrTail(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
  return lines.slice(-20).join('\n').slice(-2000);
}

export function createSshProvider(cfg: SshProviderConfig): MachineProvider {
  const sessions = new Map<string, SshSession>();

  const targetOf = (m: MachineRef): { target: SshTarget; policy: HostKeyPolicy } => {
    const p = placementOf(m);
    return {
      target: { node: m.node.name, host: p.sshHost, port: p.sshPort, user: p.sshUser, ...(cfg.proxyUrl ? { proxyUrl: cfg.proxyUrl } : {}) },
      policy: p.hostKey !== undefined ? { fingerprint: p.hostKey } : cfg.knownHosts ? { knownHosts: cfg.knownHosts } : {},
    };
  };

  /** A session is reused only for the same host, user and pin: a changed pin must be checked again. */
  const sessionKey = (m: MachineRef) => {
    const { target, policy } = targetOf(m);
    return JSON.stringify([m.node.name, target.host, target.port, target.user, policy.fingerprint ?? policy.knownHosts?.text ?? '']);
  };

  const session = async (m: MachineRef, ctx: MachineContext): Promise<SshSession> => {
    const key = sessionKey(m);
    const open = sessions.get(key);
    if (open) return open;
    const { target, policy } = targetOf(m);
    ctx.emit({
      type: 'progress',
      node: m.node.name,
      message: `connecting to ${target.user}@${target.host}:${target.port}`,
      waitingFor: 'SSH',
    });
    try {
      const s = await SshSession.open(target, cfg.auth, policy, { timeoutMs: cfg.connectTimeoutMs, signal: ctx.signal });
      sessions.set(key, s);
      return s;
    } catch (err) {
      if (err instanceof HostKeyError || err instanceof SshConnectError) throw new MachineError(m.node.name, err.message);
      throw err;
    }
  };

  /** Runs one command; a dropped connection is reopened once (the command shapes are all safe to repeat). */
  const run = async (m: MachineRef, ctx: MachineContext, command: string, opts: Parameters<SshSession['exec']>[1] = {}) => {
    for (let attempt = 0; ; attempt++) {
      const s = await session(m, ctx);
      try {
        return await s.exec(command, { signal: ctx.signal, ...opts });
      } catch (err) {
        sessions.delete(sessionKey(m));
        s.close();
        if (attempt > 0 || !(err instanceof SshConnectError) || ctx.signal.aborted) throw err;
      }
    }
  };

  const user = (m: MachineRef) => ({ user: placementOf(m).sshUser });

  const status = async (m: MachineRef, ctx: MachineContext, script: string): Promise<BootstrapStatus> => {
    const r = await run(m, ctx, statusCommand(user(m), script));
    if (r.code !== 0) throw new MachineError(m.node.name, `cannot read the bootstrap state (exit ${r.code}): ${stderrTail(r.stderr)}`);
    return parseStatus(r.stdout);
  };

  const observation = (m: MachineRef, st: BootstrapStatus, scrubbed: boolean): MachineObservation => ({
    node: m.node.name,
    exists: true,
    createdByAkb: false,
    power: 'on',
    address: placementOf(m).sshHost,
    bootstrap: { state: st.succeeded ? 'succeeded' : st.phasesDone.length > 0 ? 'running' : 'not-started', phasesDone: st.phasesDone },
    scrubbed,
  });

  const provider: MachineProvider = {
    placement: 'bare-metal',

    async observe(m, ctx) {
      // The script's finish phase removes the bootstrap-only files before it writes the sentinel: succeeded is scrubbed.
      const st = await status(m, ctx, BOOTSTRAP_SCRIPT_DEFAULT);
      return observation(m, st, st.succeeded);
    },

    async ensure(m, boot, ctx) {
      const st = await status(m, ctx, boot.script);
      if (st.succeeded) return observation(m, st, false);
      ctx.emit({ type: 'progress', node: m.node.name, message: `uploading ${boot.files.length} bootstrap files`, waitingFor: 'upload' });
      for (const f of boot.files) {
        const r = await run(m, ctx, writeFileCommand(user(m), f.path, f.mode), { stdin: f.content });
        if (r.code !== 0) throw new MachineError(m.node.name, `cannot write ${f.path} (exit ${r.code}): ${stderrTail(r.stderr)}`, 'upload');
      }
      return observation(m, st, false);
    },

    async waitForAddress(m, ctx) {
      // The host's address is its SSH address; reaching it with the pinned key is the proof it is there.
      await session(m, ctx);
      return placementOf(m).sshHost;
    },

    async waitForBootstrap(m, boot, ctx, opts: WaitOptions) {
      const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(opts.timeoutMs)]);
      const scoped: MachineContext = { signal, emit: (e) => ctx.emit(e) };
      const st = await status(m, scoped, boot.script);
      for (const phase of boot.phases) {
        if (st.phasesDone.includes(phase)) continue;
        ctx.emit({ type: 'progress', node: m.node.name, message: `running phase ${phase}`, waitingFor: `phase ${phase}` });
        const emit = (stream: 'stdout' | 'stderr') => (text: string) =>
          ctx.emit({ type: 'output', node: m.node.name, phase, stream, text });
        let r;
        try {
          r = await run(m, scoped, phaseCommand(user(m), boot.script, phase), { onStdout: emit('stdout'), onStderr: emit('stderr') });
        } catch (err) {
          if (signal.aborted && !ctx.signal.aborted)
            throw new MachineError(m.node.name, `did not finish within ${Math.round(opts.timeoutMs / 1000)} s`, phase);
          throw err;
        }
        if (r.code !== 0) throw new MachineError(m.node.name, `exit ${r.code ?? r.signal}: ${stderrTail(r.stderr)}`, phase);
      }
      const after = await status(m, scoped, boot.script);
      if (!after.succeeded) throw new MachineError(m.node.name, `every phase ran but the sentinel ${boot.sentinel} is missing`);
    },

    async scrub(m, boot, ctx) {
      const paths = boot.files.filter((f) => f.bootstrapOnly).map((f) => f.path);
      if (paths.length === 0) return;
      const r = await run(m, ctx, removeFilesCommand(user(m), paths));
      if (r.code !== 0)
        throw new MachineError(m.node.name, `cannot remove the bootstrap secrets (exit ${r.code}): ${stderrTail(r.stderr)}`, 'scrub');
    },

    async destroy(m, ctx): Promise<MachineDestroyResult> {
      const r = await run(m, ctx, resetCommand(user(m), BOOTSTRAP_SCRIPT_DEFAULT));
      if (r.code !== 0) return { node: m.node.name, done: false, detail: `reset failed (exit ${r.code}): ${stderrTail(r.stderr)}` };
      return { node: m.node.name, done: true };
    },

    async close() {
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
  return provider;
}
