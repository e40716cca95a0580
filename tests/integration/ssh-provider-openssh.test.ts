import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeNetwork, startGatewayProxy, type GatewayProxy } from '../../lib/lab/network';
import { generateBootstrapSecrets, nodeBootstrap, type BootstrapSecrets } from '../../provisioner/bootstrap/index';
import { MachineError, type MachineContext, type MachineEvent, type MachineRef } from '../../provisioner/providers/machines';
import { createSshProvider, type SshProviderConfig } from '../../provisioner/providers/ssh/provider';
import { SshSession } from '../../provisioner/providers/ssh/session';
import type { ResolvedSpec } from '../../provisioner/spec/defaults';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';
import { startNetnsHosts, type NetnsHost, type NetnsHosts } from './ssh-netns-support';

/**
 * The SSH provider against Debian's OpenSSH server, one network namespace per host (see ssh-netns-support.ts):
 * the real sshd, sudo, bash and bootstrap script; only the commands that would change the test machine are stubs.
 */
const run = promisify(execFile);
let lab: NetnsHosts;
let r: ResolvedSpec;
let secrets: BootstrapSecrets;

beforeAll(async () => {
  lab = await startNetnsHosts(3);
  const doc = workedExampleDoc();
  const nodes = (doc.cluster as { nodes: Array<Record<string, unknown>> }).nodes;
  // nkt-master-1 on host-2, nkt-worker-1 on host-1; host-3 stays unused by the spec (refusals).
  const place = (i: number, h: NetnsHost) =>
    (nodes[i]!.placement = { type: 'bare-metal', sshHost: h.address, sshUser: lab.user, hostKey: h.fingerprint });
  place(0, lab.hosts[1]!);
  place(1, lab.hosts[2]!);
  place(2, lab.hosts[2]!);
  place(3, lab.hosts[0]!);
  r = resolvedOf(doc);
  secrets = generateBootstrapSecrets(r.spec.cluster.name);
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

const node = (name: string) => r.spec.cluster.nodes.find((n) => n.name === name)!;
const ref = (name: string): MachineRef => ({ cluster: r.spec.cluster.name, node: node(name) });
function context(): MachineContext & { events: MachineEvent[] } {
  const events: MachineEvent[] = [];
  return { events, signal: new AbortController().signal, emit: (e) => events.push(e) };
}
const provider = (extra: Partial<SshProviderConfig> = {}) => createSshProvider({ auth: { privateKey: lab.clientKey }, ...extra });
const count = (calls: string[], prefix: string) => calls.filter((c) => c.startsWith(prefix)).length;

/** A command on the host as the login user, through the same session code (host key pinned). */
async function onHost(h: NetnsHost, command: string): Promise<string> {
  const s = await SshSession.open(
    { node: h.name, host: h.address, port: 22, user: lab.user },
    { privateKey: lab.clientKey },
    { fingerprint: h.fingerprint },
  );
  try {
    return (await s.exec(command)).stdout.trim();
  } finally {
    s.close();
  }
}

describe('SSH provider against OpenSSH in network namespaces', () => {
  it('uploads the artefacts as root through sudo and runs every phase once; a re-run skips them', async () => {
    const p = provider();
    const boot = nodeBootstrap(r, secrets, node('nkt-worker-1'));
    const host = lab.hosts[0]!;
    try {
      const ctx = context();
      const before = await p.ensure(ref('nkt-worker-1'), boot, ctx);
      expect(before).toMatchObject({
        exists: true,
        createdByAkb: false,
        address: host.address,
        bootstrap: { state: 'not-started', phasesDone: [] },
      });
      expect(await p.waitForAddress(ref('nkt-worker-1'), ctx, { timeoutMs: 10_000 })).toBe(host.address);
      await p.waitForBootstrap(ref('nkt-worker-1'), boot, ctx, { timeoutMs: 60_000 });

      const calls = await host.calls();
      for (const c of [
        'swapoff -a',
        'modprobe br_netfilter',
        'netplan apply',
        'kubeadm config validate --config /etc/akb/kubeadm.yaml',
        'kubeadm join --config /etc/akb/kubeadm.yaml',
      ])
        expect(count(calls, c), c).toBe(1);
      expect(count(calls, 'kubeadm init')).toBe(0);
      // The phases' output streamed as events, phase by phase.
      expect(ctx.events).toContainEqual({
        type: 'output',
        node: 'nkt-worker-1',
        phase: 'kubeadm',
        stream: 'stdout',
        text: 'akb: phase kubeadm',
      });
      const observed = await p.observe(ref('nkt-worker-1'), context());
      expect(observed.bootstrap).toEqual({ state: 'succeeded', phasesDone: ['system', 'runtime', 'packages', 'kubeadm', 'finish'] });
      // Written as root (the login user is not root), with the modes of the artefacts; the join token is gone.
      expect(await onHost(host, 'id -un; stat -c "%U %a" /etc/netplan/60-akb.yaml /usr/local/lib/akb/bootstrap.sh')).toBe(
        `${lab.user}\nroot 600\nroot 755`,
      );
      expect(await onHost(host, 'sudo -n test -e /etc/akb/kubeadm.yaml; echo $?')).toBe('1');
      expect(await onHost(host, 'sudo -n cat /var/lib/akb/bootstrap-success.complete')).toMatch(/^\d{4}-\d\d-\d\dT/);

      const again = context();
      await p.ensure(ref('nkt-worker-1'), boot, again);
      await p.waitForBootstrap(ref('nkt-worker-1'), boot, again, { timeoutMs: 60_000 });
      await p.scrub(ref('nkt-worker-1'), boot, again);
      expect(await host.calls()).toEqual(calls);
      expect(again.events.filter((e) => e.type === 'progress' && /running phase|uploading/.test(e.message))).toEqual([]);
    } finally {
      await p.close();
    }
  });

  it('a failing phase’s stderr reaches the error, and the next run resumes at that phase', async () => {
    const p = provider();
    const boot = nodeBootstrap(r, secrets, node('nkt-master-1'));
    const host = lab.hosts[1]!;
    try {
      await host.failKubeadm(true);
      const ctx = context();
      await p.ensure(ref('nkt-master-1'), boot, ctx);
      const err = await p.waitForBootstrap(ref('nkt-master-1'), boot, ctx, { timeoutMs: 60_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MachineError);
      expect(err).toMatchObject({ node: 'nkt-master-1', phase: 'kubeadm' });
      expect((err as Error).message).toContain('node nkt-master-1, phase kubeadm: exit 1');
      expect((err as Error).message).toContain('[ERROR Port-10250]: Port 10250 is in use');
      expect(ctx.events).toContainEqual(
        expect.objectContaining({
          type: 'output',
          phase: 'kubeadm',
          stream: 'stderr',
          text: expect.stringContaining('[ERROR Port-10250]'),
        }),
      );
      expect((await p.observe(ref('nkt-master-1'), context())).bootstrap).toEqual({
        state: 'running',
        phasesDone: ['system', 'runtime', 'packages'],
      });

      await host.failKubeadm(false);
      const retry = context();
      await p.ensure(ref('nkt-master-1'), boot, retry);
      await p.waitForBootstrap(ref('nkt-master-1'), boot, retry, { timeoutMs: 60_000 });
      const calls = await host.calls();
      expect(count(calls, 'swapoff -a')).toBe(1);
      // Twice failed (the run and its one retry after kubeadm reset), then once more on the resumed run.
      expect(count(calls, 'kubeadm init --config /etc/akb/kubeadm.yaml --upload-certs')).toBe(3);
      expect(count(calls, 'kubeadm reset -f')).toBe(1);
      // The first master keeps the CA key it needs, as root only.
      expect(await onHost(host, 'sudo -n stat -c "%U %a" /etc/kubernetes/pki/ca.key')).toBe('root 600');
    } finally {
      await p.close();
    }
  });

  it('two runs at once (akb retrying while the first still runs) take turns: kubeadm runs once', async () => {
    const host = lab.hosts[2]!;
    const stranger = {
      ...node('nkt-worker-1'),
      name: 'twice',
      placement: { type: 'bare-metal' as const, sshHost: host.address, sshUser: lab.user, sshPort: 22, hostKey: host.fingerprint },
    };
    const boot = nodeBootstrap(r, secrets, node('nkt-worker-1'));
    const [a, b] = [provider(), provider()];
    try {
      await host.slowKubeadm(true);
      await a.ensure({ cluster: 'c', node: stranger }, boot, context());
      await Promise.all([a, b].map((p) => p.waitForBootstrap({ cluster: 'c', node: stranger }, boot, context(), { timeoutMs: 60_000 })));
      expect(count(await host.calls(), 'kubeadm join')).toBe(1);
      expect((await a.observe({ cluster: 'c', node: stranger }, context())).bootstrap.state).toBe('succeeded');
      // Release the host for the tests that follow (a reset removes akb's state and files).
      expect(await a.destroy({ cluster: 'c', node: stranger }, context())).toEqual({ node: 'twice', done: true });
      expect((await a.observe({ cluster: 'c', node: stranger }, context())).bootstrap).toEqual({ state: 'not-started', phasesDone: [] });
    } finally {
      await host.slowKubeadm(false);
      await a.close();
      await b.close();
    }
  });

  it('refuses an unknown host key and a changed one before logging in', async () => {
    const host = lab.hosts[2]!;
    const stranger = {
      ...node('nkt-worker-1'),
      name: 'stranger',
      placement: { type: 'bare-metal' as const, sshHost: host.address, sshUser: lab.user, sshPort: 22 },
    };
    const strangerRef: MachineRef = { cluster: 'c', node: stranger };
    const knownHosts = join(host.dir, 'known_hosts');
    const attempt = async (cfg: Partial<SshProviderConfig>, placement: { hostKey?: string } = {}) => {
      const p = provider(cfg);
      try {
        return await p
          .observe({ ...strangerRef, node: { ...stranger, placement: { ...stranger.placement, ...placement } } }, context())
          .then(
            () => 'trusted',
            (e: Error) => e.message,
          );
      } finally {
        await p.close();
      }
    };
    const logins = () => (host.sshdLog().match(/Accepted publickey/g) ?? []).length;
    const loginsBefore = logins();

    // Nothing pinned at all, and a known_hosts file without the host.
    await writeFile(knownHosts, `${lab.hosts[0]!.knownHostsLine}\n`);
    expect(await attempt({})).toMatch(
      new RegExp(
        `host key of stranger \\(${host.address}:22\\) is unknown: it presents ${host.fingerprint.replace(/[+/]/g, '\\$&')} \\(ssh-ed25519\\)`,
      ),
    );
    expect(await attempt({ knownHosts: { path: knownHosts, text: await readFile(knownHosts, 'utf8') } })).toContain(
      `pin it with an entry for ${host.address} in ${knownHosts} or placement.hostKey`,
    );
    // Pinned to another host's key: a changed key.
    expect(await attempt({}, { hostKey: lab.hosts[0]!.fingerprint })).toContain(
      `does not match the fingerprint pinned in the spec: expected ${lab.hosts[0]!.fingerprint}, got ${host.fingerprint}`,
    );
    // known_hosts with another key under this host's name: changed as well.
    const otherKey = lab.hosts[0]!.knownHostsLine.split(' ').slice(1).join(' ');
    expect(await attempt({ knownHosts: { path: knownHosts, text: `${host.address} ${otherKey}\n` } })).toContain(
      `does not match ${knownHosts}`,
    );
    expect(logins()).toBe(loginsBefore);

    // The right key, from a hashed known_hosts file (ssh-keygen -H), is trusted.
    await writeFile(knownHosts, `${host.knownHostsLine}\n`);
    await run('ssh-keygen', ['-H', '-f', knownHosts]);
    const hashed = await readFile(knownHosts, 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(await attempt({ knownHosts: { path: knownHosts, text: hashed } })).toBe('trusted');
    expect(await attempt({}, { hostKey: host.fingerprint })).toBe('trusted');
  });

  it('logs in with the ssh-agent’s key', async () => {
    const host = lab.hosts[2]!;
    const sock = join(host.dir, 'agent.sock');
    const { stdout } = await run('ssh-agent', ['-a', sock]);
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(stdout)?.[1]);
    try {
      await run('ssh-add', [lab.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const p = createSshProvider({ auth: { agent: sock } });
      const stranger = {
        ...node('nkt-worker-1'),
        placement: { type: 'bare-metal' as const, sshHost: host.address, sshUser: lab.user, sshPort: 22, hostKey: host.fingerprint },
      };
      try {
        expect((await p.observe({ cluster: 'c', node: stranger }, context())).exists).toBe(true);
      } finally {
        await p.close();
      }
      // Without the agent's key, authentication fails and says so.
      await run('ssh-add', ['-D'], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
      const q = createSshProvider({ auth: { agent: sock } });
      try {
        await expect(q.observe({ cluster: 'c', node: stranger }, context())).rejects.toThrow(
          `SSH authentication as ${lab.user} to nkt-worker-1`,
        );
      } finally {
        await q.close();
      }
    } finally {
      process.kill(pid);
    }
  });

  describe('through the node network’s gateway proxy', () => {
    let network: NodeNetwork;
    let proxy: GatewayProxy;
    beforeAll(async () => {
      network = new NodeNetwork();
      // The host is known on the node network as 192.168.35.31; only the proxy knows where that is.
      network.bind('192.168.35.31', 22, { host: lab.hosts[2]!.address, port: 22 }, 'host-3');
      proxy = await startGatewayProxy(network);
    });
    afterAll(async () => {
      await proxy.stop();
    });
    const behindProxy = (hostKey: string) => ({
      cluster: 'c',
      node: {
        ...node('nkt-worker-1'),
        placement: { type: 'bare-metal' as const, sshHost: '192.168.35.31', sshUser: lab.user, sshPort: 22, hostKey },
      },
    });

    it.each(['socks', 'socks4', 'http'] as const)('%s: reaches the host by its node address, its key still pinned', async (kind) => {
      const url = { socks: proxy.socksUrl, socks4: proxy.socksUrl.replace('socks5:', 'socks4:'), http: proxy.httpUrl }[kind];
      const p = provider({ proxyUrl: url });
      try {
        expect((await p.observe(behindProxy(lab.hosts[2]!.fingerprint), context())).address).toBe('192.168.35.31');
        await expect(p.observe(behindProxy(lab.hosts[0]!.fingerprint), context())).rejects.toThrow(
          'does not match the fingerprint pinned in the spec',
        );
      } finally {
        await p.close();
      }
    });

    it('an address that is not on the node network is refused by the proxy, and the error says so', async () => {
      const p = provider({ proxyUrl: proxy.socksUrl });
      const lost = behindProxy(lab.hosts[2]!.fingerprint);
      lost.node.placement.sshHost = '192.168.35.99';
      try {
        await expect(p.observe(lost, context())).rejects.toThrow(
          /cannot reach nkt-worker-1 \(192\.168\.35\.99:22 via socks5:\/\/127\.0\.0\.1:\d+\): SOCKS proxy .* could not connect to 192\.168\.35\.99:22/,
        );
        expect(proxy.refused).toContainEqual({ destination: '192.168.35.99:22', reason: "192.168.35.99 is not on the lab's node network" });
      } finally {
        await p.close();
      }
    });
  });
});
