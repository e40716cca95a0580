import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../lib/lab';
import { loadShippedScenario } from '../../lib/lab/model';
import { createSshProvider } from '../../provisioner/providers/ssh/provider';
import { readLabFile } from '../../lib/lab';

/**
 * A lab whose scenario has a free bare-metal host (an address, no node on it) runs an SSH host twin for it behind
 * the node network's gateway, and writes what akb needs to reach it into the lab directory.
 */
let lab: Lab;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'akb-lab-machines-'));
  const scenario = loadShippedScenario('demo');
  scenario.hosts.push({
    name: 'bm-free',
    kind: 'baremetal',
    address: '192.168.35.41',
    links: [{ kind: 'single', leaves: [104], ports: ['eth1/20'], nics: ['ens1f0'] }],
  });
  // A bare-metal host that already runs a node is not offered, even with an address.
  scenario.hosts.find((h) => h.name === 'worker-5')!.address = '192.168.35.25';
  lab = await startLab({ scenario, labDir: dir });
});
afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the lab’s machines', () => {
  it('one SSH host twin per free bare-metal host, its key and known_hosts in the lab directory (key 0600)', async () => {
    expect(lab.machines.sshHosts.map((h) => h.host)).toEqual(['bm-free']);
    const file = await readLabFile(dir);
    expect(file.nodeProxyUrl).toBe(lab.machines.gateway.socksUrl);
    expect((await stat(file.sshKeyFile!)).mode & 0o777).toBe(0o600);
    expect(await readFile(file.sshKnownHostsFile!, 'utf8')).toBe(`${lab.machines.sshHosts[0]!.knownHostsLine}\n`);
  });

  it('akb’s SSH provider reaches the host through the gateway with the lab directory’s key and known_hosts', async () => {
    const file = await readLabFile(dir);
    const p = createSshProvider({
      auth: { privateKey: await readFile(file.sshKeyFile!, 'utf8') },
      knownHosts: { path: file.sshKnownHostsFile!, text: await readFile(file.sshKnownHostsFile!, 'utf8') },
      proxyUrl: file.nodeProxyUrl,
    });
    const node = {
      name: 'bm-free',
      role: 'worker' as const,
      rack: '2',
      ipv4: '192.168.35.41',
      interface: 'ens1f0',
      placement: { type: 'bare-metal' as const, sshHost: '192.168.35.41', sshUser: 'akb', sshPort: 22 },
    };
    try {
      const o = await p.observe({ cluster: 'c', node }, { signal: new AbortController().signal, emit: () => undefined });
      expect(o).toMatchObject({ exists: true, address: '192.168.35.41', bootstrap: { state: 'not-started' } });
    } finally {
      await p.close();
    }
  });
});
