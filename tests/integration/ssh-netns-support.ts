import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Debian's OpenSSH server as bare-metal hosts: one network namespace per host, reached over a veth pair, and
 * one private mount namespace per host with overlays on /etc, /var, /usr/local and /run, so what the
 * bootstrap writes as root stays inside the host and the machine running the tests is left untouched. The
 * commands that would change the machine (swapoff, modprobe, apt-get, kubeadm ...) are replaced inside the
 * host by stubs that record each call in `calls.log`; everything else (sudo, bash, install, the script) is real.
 * Needs root (CI runs as root).
 */
const run = promisify(execFile);

export const STUBBED = [
  'swapoff',
  'modprobe',
  'sysctl',
  'netplan',
  'apt-get',
  'apt-mark',
  'systemctl',
  'containerd',
  'curl',
  'gpg',
  'kubeadm',
] as const;

export interface NetnsHost {
  name: string;
  netns: string;
  address: string;
  port: number;
  /** `SHA256:…` of its ed25519 host key. */
  fingerprint: string;
  /** `<address> ssh-ed25519 AAAA…`: a known_hosts line. */
  knownHostsLine: string;
  dir: string;
  /** Every stubbed command the host ran, one `<command> <args>` a line. */
  calls(): Promise<string[]>;
  /** What sshd logged (the tail). */
  sshdLog(): string;
  /** Makes the kubeadm stub fail (as a preflight error would) until cleared. */
  failKubeadm(on: boolean): Promise<void>;
  /** Makes kubeadm init/join take two seconds (to overlap two runs). */
  slowKubeadm(on: boolean): Promise<void>;
}

export interface NetnsHosts {
  hosts: NetnsHost[];
  /** The client's private key (OpenSSH format) and the login user with passwordless sudo. */
  clientKey: string;
  clientKeyPath: string;
  user: string;
  stop(): Promise<void>;
}

const stub = (dir: string, name: string) => `#!/bin/sh
echo "${name} $*" >> ${dir}/calls.log
case "${name} $1 $2" in
  "kubeadm config validate") [ -f /etc/akb/kubeadm.yaml ] || { echo "open /etc/akb/kubeadm.yaml: no such file or directory" >&2; exit 1; } ;;
  "kubeadm init"*|"kubeadm join"*)
    if [ -f ${dir}/slow-kubeadm ]; then sleep 2; fi
    if [ -f ${dir}/fail-kubeadm ]; then
      echo "error execution phase preflight: [preflight] Some fatal errors occurred:" >&2
      echo "	[ERROR Port-10250]: Port 10250 is in use" >&2
      exit 1
    fi
    mkdir -p /etc/kubernetes; case "$1" in init) touch /etc/kubernetes/admin.conf ;; join) touch /etc/kubernetes/kubelet.conf ;; esac ;;
esac
exit 0
`;

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`sshd on ${host}:${port} did not come up within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startNetnsHosts(count: number, opts: { user?: string } = {}): Promise<NetnsHosts> {
  const user = opts.user ?? 'akbadmin';
  const base = await mkdtemp(join(tmpdir(), 'akb-sshns-'));
  // sshd reads authorized_keys as the login user, who must be able to reach it.
  await chmod(base, 0o755);
  const tag = `${process.pid % 10000}`;
  const subnet = 100 + (process.pid % 100);
  const procs: ChildProcess[] = [];
  const netnses: string[] = [];
  const hosts: NetnsHost[] = [];
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'akb-test-client', '-f', join(base, 'id_ed25519')]);
  const clientPub = await readFile(join(base, 'id_ed25519.pub'), 'utf8');
  const stop = async () => {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => (p.exitCode === null ? new Promise((r) => p.once('exit', r)) : undefined)));
    for (const ns of netnses) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  };
  try {
    for (let i = 1; i <= count; i++) {
      const name = `host-${i}`;
      const dir = join(base, name);
      const ns = `akb${tag}h${i}`;
      const outside = `ak${tag}o${i}`;
      const inside = `ak${tag}i${i}`;
      const address = `10.${subnet}.${i}.2`;
      await mkdir(join(dir, 'ov'), { recursive: true });
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(dir, 'ssh_host_ed25519_key')]);
      await writeFile(join(dir, 'authorized_keys'), clientPub, { mode: 0o644 });
      await writeFile(join(dir, 'calls.log'), '');
      await run('ip', ['netns', 'add', ns]);
      netnses.push(ns);
      await run('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
      await run('ip', ['link', 'set', inside, 'netns', ns]);
      await run('ip', ['addr', 'add', `10.${subnet}.${i}.1/30`, 'dev', outside]);
      await run('ip', ['link', 'set', outside, 'up']);
      await run('ip', ['-n', ns, 'addr', 'add', `${address}/30`, 'dev', inside]);
      await run('ip', ['-n', ns, 'link', 'set', inside, 'up']);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      await writeFile(
        join(dir, 'sshd_config'),
        [
          `ListenAddress ${address}:22`,
          `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
          `PidFile ${join(dir, 'sshd.pid')}`,
          'StrictModes no',
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'UsePAM no',
          'PermitRootLogin prohibit-password',
          'LogLevel VERBOSE',
          '',
        ].join('\n'),
      );
      const stubs = STUBBED.map(
        (c) => `cat > /usr/local/sbin/${c} <<'AKBSTUB'\n${stub(dir, c)}AKBSTUB\nchmod 755 /usr/local/sbin/${c}`,
      ).join('\n');
      // Runs inside the host's own mount namespace: overlays first, then the user, sudo rule and stubs, then sshd.
      const setup = `set -e
mount -t tmpfs tmpfs ${dir}/ov
for d in etc var usr/local run; do
  n=$(echo $d | tr / _); mkdir -p ${dir}/ov/$n.up ${dir}/ov/$n.work
  mount -t overlay overlay -o lowerdir=/$d,upperdir=${dir}/ov/$n.up,workdir=${dir}/ov/$n.work /$d
done
mkdir -p /run/sshd /var/home /usr/local/sbin
useradd -M -p '*' -d /var/home/${user} -s /bin/bash ${user}
mkdir -p /var/home/${user} && chown ${user} /var/home/${user}
echo '${user} ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/akb-test && chmod 0440 /etc/sudoers.d/akb-test
${stubs}
exec /usr/sbin/sshd -D -e -f ${dir}/sshd_config`;
      const proc = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', setup], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let log = '';
      proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-1_000_000)));
      procs.push(proc);
      await waitForPort(address, 22, 10_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${log}`);
      });
      const { stdout } = await run('ssh-keygen', ['-l', '-f', join(dir, 'ssh_host_ed25519_key.pub')]);
      const pub = (await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8')).trim().split(/\s+/);
      hosts.push({
        name,
        netns: ns,
        address,
        port: 22,
        fingerprint: stdout.split(/\s+/)[1] as string,
        knownHostsLine: `${address} ${pub[0]} ${pub[1]}`,
        dir,
        sshdLog: () => log,
        calls: async () => (await readFile(join(dir, 'calls.log'), 'utf8')).split('\n').filter((l) => l !== ''),
        failKubeadm: async (on) => {
          if (on) await writeFile(join(dir, 'fail-kubeadm'), '');
          else await rm(join(dir, 'fail-kubeadm'), { force: true });
        },
        slowKubeadm: async (on) => {
          if (on) await writeFile(join(dir, 'slow-kubeadm'), '');
          else await rm(join(dir, 'slow-kubeadm'), { force: true });
        },
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { hosts, clientKey: await readFile(join(base, 'id_ed25519'), 'utf8'), clientKeyPath: join(base, 'id_ed25519'), user, stop };
}
