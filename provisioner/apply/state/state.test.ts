import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterState, StateError } from './cluster-state';
import { JOURNAL_FILE, JournalWriter, readJournal, readJournalFrom } from './journal';
import { acquireLock, LockHeldError, LOCK_FILE } from './lock';
import { currentProcess } from './process-identity';
import { SecretStore, SecretStoreError, SECRETS_FILE } from './secret-store';
import { removeStaleTemporaries, writeFileAtomic } from './atomic-file';

/**
 * The state directory's primitives under the failure they exist for: a process killed with SIGKILL at a random
 * instant (real child processes, real files). Each kill is followed by what the next run does.
 */
const CHILD = join(import.meta.dirname, '../test-support/state-child.ts');
let root: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'akb-state-'));
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = join(root, name);
  await rm(dir, { recursive: true, force: true });
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  return dir;
}

/** Starts the child and resolves with it and its first output line. */
function child(mode: string, dir: string, arg?: string): Promise<{ proc: ChildProcess; line: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dir, ...(arg ? [arg] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ proc, line: out.slice(0, nl) });
    });
    proc.once('exit', (code) => reject(new Error(`child ${mode} exited (${code}) before it was ready`)));
  });
}

function killed(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
    proc.once('exit', () => resolve());
    proc.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('atomic writes', () => {
  it('a reader sees a whole version after kill -9 at random instants, and the next run clears the leftovers', async () => {
    const dir = await freshDir('atomic');
    await writeFileAtomic(join(dir, 'state.json'), JSON.stringify({ i: -1, fill: '' }));
    for (let round = 0; round < 3; round++) {
      const { proc } = await child('atomic', dir);
      await sleep(20 + Math.random() * 80);
      await killed(proc);
      const doc = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as { i: number; fill: string };
      expect(doc.fill).toBe(doc.i < 0 ? '' : String(doc.i % 10).repeat(65536));
    }
    await removeStaleTemporaries(dir);
    expect((await readdir(dir)).filter((f) => f !== 'state.json')).toEqual([]);
  });
});

describe('the cluster lock', () => {
  it('one job per cluster: a second job is refused, naming the job that holds it', async () => {
    const dir = await freshDir('lock');
    const { lock } = await acquireLock(dir, 'job-a', 'apply');
    await expect(acquireLock(dir, 'job-b', 'destroy')).rejects.toThrow(/apply job job-a \(pid \d+/);
    await lock.release();
    const again = await acquireLock(dir, 'job-b', 'destroy');
    expect(again.tookOver).toBeUndefined();
    await again.lock.release();
  });

  it('a lock left by a process killed with SIGKILL is detected and taken over', async () => {
    const dir = await freshDir('stale');
    const { proc } = await child('lock', dir, 'killed-job');
    await expect(acquireLock(dir, 'mine', 'apply')).rejects.toBeInstanceOf(LockHeldError);
    await killed(proc);
    const { lock, tookOver } = await acquireLock(dir, 'mine', 'apply');
    expect(tookOver).toMatchObject({ job: 'killed-job', pid: proc.pid });
    await lock.assertHeld();
    await lock.release();
  });

  it('a lock whose PID now belongs to another process (PID reuse) is stale', async () => {
    const dir = await freshDir('reuse');
    const me = currentProcess();
    const lock = { ...me, startTicks: '1', job: 'old', command: 'apply', acquiredAt: new Date(0).toISOString(), nonce: 'n1' };
    await writeFile(join(dir, LOCK_FILE), JSON.stringify(lock));
    const got = await acquireLock(dir, 'new', 'apply');
    expect(got.tookOver).toMatchObject({ job: 'old' });
    await got.lock.release();
  });

  it('several processes racing for one stale lock: exactly one wins', async () => {
    const dir = await freshDir('race');
    const { proc } = await child('lock', dir, 'dead');
    await killed(proc);
    const racers = await Promise.all([1, 2, 3, 4].map((i) => child('race-lock', dir, `racer-${i}`)));
    const lines = racers.map((r) => r.line);
    expect(lines.filter((l) => l === 'won')).toHaveLength(1);
    expect(lines.filter((l) => l === 'lost LockHeldError')).toHaveLength(3);
    for (const r of racers) await killed(r.proc);
  });
});

describe('the journal', () => {
  it('keeps every complete record across kill -9, skips the torn one, and the next writer starts a fresh line', async () => {
    const dir = await freshDir('journal');
    const { proc } = await child('journal', dir, 'killed');
    await sleep(100 + Math.random() * 100);
    await killed(proc);
    const before = await readJournal(dir);
    const seqs = before.records.map((r) => r.seq as number);
    expect(seqs.length).toBeGreaterThan(0);
    expect(seqs).toEqual(seqs.map((_, i) => i));
    // A torn final line (no newline yet) is not returned and does not count as a record.
    await writeFile(join(dir, JOURNAL_FILE), (await readFile(join(dir, JOURNAL_FILE), 'utf8')) + '{"time":"x","job":"torn","se');
    const writer = await JournalWriter.open(dir);
    await writer.append({ job: 'next', seq: 0 });
    await writer.close();
    const after = await readJournal(dir);
    expect(after.tornLines).toBe(1);
    expect(after.records.at(-1)).toMatchObject({ job: 'next', seq: 0 });
    expect(after.records.filter((r) => r.job === 'killed')).toHaveLength(seqs.length);
    const tail = await readJournalFrom(dir, before.size);
    expect(tail.records.map((r) => r.job)).toEqual(['next']);
  });
});

describe('the secret store', () => {
  it('round-trips values encrypted at rest; the file holds no value in clear', async () => {
    const dir = await freshDir('secrets');
    const store = await SecretStore.open(dir, 'the key material');
    const token = await store.ensure('ui-token', () => 'tok-0123456789abcdef');
    expect(await store.ensure('ui-token', () => 'other')).toBe(token);
    await store.set('pki.ca.key', '-----BEGIN PRIVATE KEY-----\nMIIE...\n-----END PRIVATE KEY-----');
    const text = await readFile(join(dir, SECRETS_FILE), 'utf8');
    expect(text).not.toContain('tok-0123456789abcdef');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(Buffer.from('tok-0123456789abcdef').toString('base64'));
    const reopened = await SecretStore.open(dir, 'the key material');
    expect(reopened.get('ui-token')).toBe(token);
    expect(reopened.names()).toEqual(['pki.ca.key', 'ui-token']);
    await reopened.delete('pki.ca.key');
    expect((await SecretStore.open(dir, 'the key material')).names()).toEqual(['ui-token']);
  });

  it('refuses another key, a tampered entry and an entry moved under another name', async () => {
    const dir = await freshDir('secrets-bad');
    const store = await SecretStore.open(dir, 'key-one');
    await store.set('a-secret', 'value-aaaaaaaa');
    await store.set('b-secret', 'value-bbbbbbbb');
    await expect(SecretStore.open(dir, 'key-two')).rejects.toThrow(/created with another key/);
    const file = JSON.parse(await readFile(join(dir, SECRETS_FILE), 'utf8')) as { entries: Record<string, unknown> };
    const swapped = { ...file, entries: { ...file.entries, 'a-secret': file.entries['b-secret'] } };
    await writeFile(join(dir, SECRETS_FILE), JSON.stringify(swapped));
    await expect(SecretStore.open(dir, 'key-one')).rejects.toThrow(/entry "a-secret" fails authentication/);
    await expect(SecretStore.open(dir, 'key-one')).rejects.toBeInstanceOf(SecretStoreError);
  });

  it('read-only (diff) keeps generated values in memory and writes nothing', async () => {
    const dir = await freshDir('secrets-ro');
    const store = await SecretStore.open(dir, 'k-material', { readOnly: true });
    expect(await store.ensure('ui-token', () => 'generated-123456')).toBe('generated-123456');
    expect(await readdir(dir)).toEqual([]);
    await expect(store.set('x', 'y')).rejects.toThrow(/read-only/);
  });
});

describe('the state file', () => {
  it('serialises concurrent updates and refuses the state of another cluster', async () => {
    const dir = await freshDir('cluster-state');
    const state = await ClusterState.load(dir, 'prod');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        state.put(`aci:uni/tn-a/obj-${i}`, { provider: 'aci', origin: 'created', status: 'applied', job: 'j', data: {} }),
      ),
    );
    const again = await ClusterState.load(dir, 'prod');
    expect(again.entries('aci:')).toHaveLength(20);
    await expect(ClusterState.load(dir, 'staging')).rejects.toBeInstanceOf(StateError);
    await expect(ClusterState.load(dir, 'staging')).rejects.toThrow(/belongs to cluster "prod"/);
  });
});
