import { parse } from 'yaml';
import { readAkbScript, ScriptError, type AkbScript } from './akb-script';
import { kubeadmInit } from './kubeadm-init';
import { KubeadmError, validateKubeadmConfig } from './kubeadm-config';
import { kubeadmJoin, kubeletSync, type NodeEnv } from './node-join';
import type { MimicMachine } from './machine';

/**
 * Runs akb's bootstrap script on a lab machine as the script's `case` would: `status`, `scrub`, `reset`, `all`
 * or one phase, with its markers, its sentinel and kubeadm's own skip rules. What a phase does to the operating
 * system (swap, modules, packages) is recorded in its output; what matters to the cluster (the address netplan
 * sets, kubeadm init/join) is done for real against the lab's node network.
 */
export const BOOTSTRAP_SCRIPT = '/usr/local/lib/akb/bootstrap.sh';

export interface RunResult {
  code: number;
  stdout: string[];
  stderr: string[];
}

export interface PhaseHooks {
  /** A VM reports its state through VMware Tools (guestinfo.akb.bootstrap). */
  report?: (value: string) => void;
  /** Each line as it is written, for streaming. */
  onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Undoes the machine's membership of its cluster (kubeadm reset). */
  reset?: (m: MimicMachine) => Promise<void>;
}

class PhaseFailed extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function netplanAddress(m: MimicMachine): string | undefined {
  const text = m.read('/etc/netplan/60-akb.yaml');
  if (!text) return undefined;
  const doc = parse(text) as { network?: { ethernets?: Record<string, { addresses?: string[] }> } };
  const first = Object.values(doc.network?.ethernets ?? {})[0]?.addresses?.find((a) => !a.includes(':'));
  return first?.replace(/\/\d+$/, '');
}

async function phaseBody(phase: string, m: MimicMachine, s: AkbScript, env: NodeEnv, out: (line: string) => void): Promise<void> {
  switch (phase) {
    case 'system': {
      const address = netplanAddress(m);
      if (!address) throw new PhaseFailed(1, '/etc/netplan/60-akb.yaml: no IPv4 address for the node interface');
      m.address = address;
      out('* Applying /etc/sysctl.d/60-akb.conf ...');
      return;
    }
    case 'runtime':
      m.write('/etc/containerd/config.toml', 'version = 2\n# SystemdCgroup = true\n', 0o644);
      out('Setting up containerd (1.7.24-0ubuntu1~24.04.1) ...');
      return;
    case 'packages': {
      const list = m.read(BOOTSTRAP_SCRIPT)?.match(/kubelet=(\S+?)-\*/)?.[1] ?? '';
      m.write(
        '/etc/apt/sources.list.d/kubernetes.list',
        'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/ /\n',
        0o644,
      );
      out(`Setting up kubeadm (${list}-1.1) ...`);
      out(`Setting up kubelet (${list}-1.1) ...`);
      return;
    }
    case 'kubeadm': {
      const isInit = s.kubeadm.command === 'init';
      if (m.exists(isInit ? '/etc/kubernetes/admin.conf' : '/etc/kubernetes/kubelet.conf'))
        return out(`akb: kubeadm ${s.kubeadm.command} already done`);
      const run = async () => {
        const cfg = validateKubeadmConfig(m.read(s.kubeadm.config) ?? failMissing(s.kubeadm.config));
        const lines = isInit ? await kubeadmInit(m, cfg, s.kubeadm.uploadCerts, env) : await kubeadmJoin(m, cfg, env);
        lines.forEach(out);
      };
      try {
        await run();
      } catch (err) {
        if (!(err instanceof KubeadmError)) throw err;
        // The script's one retry after `kubeadm reset -f`; a configuration error fails the same way twice.
        try {
          await run();
        } catch (again) {
          if (again instanceof KubeadmError)
            throw new PhaseFailed(1, `${err.message}\nakb: ${s.kubeadm.command} failed, resetting and retrying once\n${again.message}`);
          throw again;
        }
      }
      if (s.staged && m.list(s.staged.from).length > 0)
        for (const p of m.list(s.staged.from))
          m.write(`${s.staged.to}/${p.slice(s.staged.from.length + 1)}`, m.read(p) ?? '', m.stat(p)?.mode);
      return;
    }
    case 'finish':
      for (const p of s.scrub) m.remove(p);
      m.write(s.sentinel, `${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}\n`, 0o644);
      return;
    default:
      throw new PhaseFailed(127, `${BOOTSTRAP_SCRIPT}: line 1: phase_${phase}: command not found`);
  }
}

function failMissing(path: string): never {
  throw new KubeadmError(`open ${path}: no such file or directory`);
}

export async function runBootstrap(m: MimicMachine, arg: string, env: NodeEnv, hooks: PhaseHooks = {}): Promise<RunResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const out = (line: string) => {
    stdout.push(line);
    hooks.onLine?.('stdout', line);
  };
  const err = (line: string) => {
    for (const l of line.split('\n')) {
      stderr.push(l);
      hooks.onLine?.('stderr', l);
    }
  };
  let script: AkbScript;
  try {
    script = readAkbScript(m.read(BOOTSTRAP_SCRIPT), BOOTSTRAP_SCRIPT);
  } catch (e) {
    if (!(e instanceof ScriptError)) throw e;
    err(e.message);
    return { code: 127, stdout, stderr };
  }
  const marker = (p: string) => `${script.stateDir}/phases/${p}.done`;
  const runPhase = async (p: string): Promise<number> => {
    if (m.exists(marker(p))) {
      out(`akb: phase ${p} already done`);
      return 0;
    }
    hooks.report?.(`running:${p}`);
    out(`akb: phase ${p}`);
    try {
      await phaseBody(p, m, script, env, out);
      await kubeletSync(m, env);
    } catch (e) {
      const failed = e instanceof PhaseFailed ? e : new PhaseFailed(1, e instanceof Error ? e.message : String(e));
      err(failed.message);
      m.write(`${script.stateDir}/phases/${p}.err`, `${failed.message}\n`, 0o644);
      hooks.report?.(`failed:${p}: ${(failed.message.split('\n').at(-1) ?? '').slice(0, 200)}`);
      err(`akb: phase ${p} failed (exit ${failed.code})`);
      return failed.code;
    }
    m.write(marker(p), '', 0o644);
    return 0;
  };
  switch (arg) {
    case 'status':
      for (const p of script.phases) if (m.exists(marker(p))) out(`done ${p}`);
      if (m.exists(script.sentinel)) out('succeeded');
      return { code: 0, stdout, stderr };
    case 'scrub':
      for (const p of script.scrub) m.remove(p);
      return { code: 0, stdout, stderr };
    case 'reset':
      await hooks.reset?.(m);
      m.removeTree(script.stateDir);
      m.removeTree('/etc/akb');
      m.removeTree('/etc/kubernetes');
      m.joined = undefined;
      return { code: 0, stdout, stderr };
    case 'all':
      for (const p of script.phases) {
        const code = await runPhase(p);
        if (code !== 0) return { code, stdout, stderr };
      }
      hooks.report?.('succeeded');
      return { code: 0, stdout, stderr };
    default: {
      if (!script.phases.includes(arg)) {
        err(`usage: ${BOOTSTRAP_SCRIPT} all|status|scrub|reset|<phase> (phases: ${script.phases.join(' ')})`);
        return { code: 2, stdout, stderr };
      }
      const code = await runPhase(arg);
      if (code === 0 && arg === script.phases.at(-1)) hooks.report?.('succeeded');
      return { code, stdout, stderr };
    }
  }
}
