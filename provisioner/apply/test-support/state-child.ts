/**
 * A child process for the state tests: it takes a lock, writes atomically or appends to a journal in a loop, and
 * is killed with SIGKILL by the test at a random instant. Prints "ready" once it holds what it was asked to.
 */
import { writeFileAtomic } from '../state/atomic-file';
import { JournalWriter } from '../state/journal';
import { acquireLock } from '../state/lock';

const [mode, dir, arg] = process.argv.slice(2);

async function main(): Promise<void> {
  if (mode === 'lock') {
    await acquireLock(dir!, arg ?? 'child-job', 'apply');
    process.stdout.write('ready\n');
    setInterval(() => undefined, 1000);
    return;
  }
  if (mode === 'race-lock') {
    try {
      await acquireLock(dir!, arg ?? 'racer', 'apply');
      process.stdout.write('won\n');
    } catch (err) {
      process.stdout.write(`lost ${(err as Error).name}\n`);
    }
    setInterval(() => undefined, 1000);
    return;
  }
  if (mode === 'atomic') {
    process.stdout.write('ready\n');
    for (let i = 0; ; i++) {
      // Large enough that a torn write would be visible: 64 KiB of one digit, with its count.
      await writeFileAtomic(`${dir}/state.json`, JSON.stringify({ i, fill: String(i % 10).repeat(65536) }));
    }
  }
  if (mode === 'journal') {
    const j = await JournalWriter.open(dir!);
    process.stdout.write('ready\n');
    for (let i = 0; ; i++) await j.append({ job: arg ?? 'j', seq: i, fill: 'x'.repeat(4000) });
  }
}
void main();
