import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who a process is, precisely enough to tell later whether it is still running: a PID alone is not enough,
 * because PIDs are reused (a lock left by a killed process could otherwise be "held" by an unrelated one forever).
 * On Linux the kernel's boot ID and the process's start time (in clock ticks since boot) pin it down.
 */
export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id: every PID of an earlier boot is gone. */
  bootId?: string;
  /** Field 22 of /proc/<pid>/stat: differs when the PID was reused. */
  startTicks?: string;
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The start time of `pid` from /proc (undefined off Linux or when the process does not exist). */
export function processStartTicks(pid: number): string | undefined {
  const stat = readOptional(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[19];
}

export function currentProcess(): ProcessIdentity {
  const bootId = readOptional('/proc/sys/kernel/random/boot_id');
  const startTicks = processStartTicks(process.pid);
  return { pid: process.pid, host: hostname(), ...(bootId ? { bootId } : {}), ...(startTicks ? { startTicks } : {}) };
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/** Whether the process an identity describes still runs. `unknown` when it ran on another host. */
export function liveness(p: ProcessIdentity): Liveness {
  if (p.host !== hostname()) return 'unknown';
  const bootId = readOptional('/proc/sys/kernel/random/boot_id');
  if (p.bootId && bootId && p.bootId !== bootId) return 'dead';
  try {
    process.kill(p.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'dead';
  }
  if (p.startTicks) {
    const now = processStartTicks(p.pid);
    if (now !== undefined && now !== p.startTicks) return 'dead';
  }
  return 'alive';
}
