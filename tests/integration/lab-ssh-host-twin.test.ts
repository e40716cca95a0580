import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeNetwork } from '../../lib/lab/network';
import { NodeMimic } from '../../lib/lab/nodes';
import { startSshHostTwin, type SshHostTwin } from '../../lib/lab/ssh';

/** The lab's SSH host twin held against OpenSSH's own client (ssh, ssh-keyscan, ssh-keygen). */
const run = promisify(execFile);
let dir: string;
let twin: SshHostTwin;
let mimic: NodeMimic;
const key = ssh2.utils.generateKeyPairSync('ed25519');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-ssh-twin-'));
  await writeFile(join(dir, 'id'), key.private, { mode: 0o600 });
  const network = new NodeNetwork();
  mimic = new NodeMimic(network);
  twin = await startSshHostTwin({ host: 'bm-1', address: '192.168.35.31', user: 'akb', authorizedKey: key.public, mimic, network });
  await writeFile(join(dir, 'known_hosts'), `[127.0.0.1]:${twin.port} ${twin.knownHostsLine.split(' ').slice(1).join(' ')}\n`);
});
afterAll(async () => {
  await twin.stop();
  await mimic.stop();
  await rm(dir, { recursive: true, force: true });
});

function ssh(command: string, user = 'akb', stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = [
    '-i',
    join(dir, 'id'),
    '-p',
    String(twin.port),
    '-o',
    `UserKnownHostsFile=${join(dir, 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    `${user}@127.0.0.1`,
    command,
  ];
  return new Promise((resolve) => {
    const child = execFile('ssh', args, { timeout: 20_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin ?? '');
  });
}

describe('lab SSH host twin', () => {
  it('presents its own host key: ssh-keyscan and ssh-keygen see the fingerprint it announces', async () => {
    const { stdout } = await run('ssh-keyscan', ['-p', String(twin.port), '-t', 'ed25519', '127.0.0.1']);
    await writeFile(join(dir, 'scanned'), stdout);
    const fp = await run('ssh-keygen', ['-l', '-f', join(dir, 'scanned')]);
    expect(fp.stdout).toContain(twin.fingerprint);
  });

  it('OpenSSH logs in with the lab key and runs akb’s commands; a file is written only through sudo', async () => {
    expect(await ssh("install -D -m 0600 /dev/stdin '/etc/akb/x'", 'akb', 'secret')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Permission denied'),
    });
    expect((await ssh("sudo -n install -D -m 0600 /dev/stdin '/etc/akb/x'", 'akb', 'hello')).code).toBe(0);
    expect(mimic.get('host:bm-1')?.stat('/etc/akb/x')).toEqual({ content: 'hello', mode: 0o600 });
    // No script yet: the guarded status prints nothing and succeeds, as on a fresh host.
    expect(
      await ssh("if sudo -n test -x '/usr/local/lib/akb/bootstrap.sh'; then sudo -n '/usr/local/lib/akb/bootstrap.sh' status; fi"),
    ).toMatchObject({ code: 0, stdout: '' });
  });

  it('refuses any other command, and other users and keys', async () => {
    expect(await ssh('cat /etc/shadow')).toMatchObject({
      code: 127,
      stderr: expect.stringContaining("runs only akb's bootstrap commands"),
    });
    expect((await ssh('true', 'root')).stderr).toContain('Permission denied (publickey)');
    expect(twin.commands).toContain('cat /etc/shadow');
  });
});
