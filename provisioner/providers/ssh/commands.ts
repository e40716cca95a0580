import { shQuote } from '../../bootstrap/script';

/**
 * The only commands akb runs on a bare-metal host. They are fixed shapes (paths quoted, secrets only on stdin,
 * never on a command line where `ps` or a log would show them), so what akb does on a host is easy to audit,
 * and the lab's SSH host twins can interpret exactly these.
 */
export interface RemoteUser {
  /** The login user; anything but root runs the commands through `sudo -n` (fails instead of prompting). */
  user: string;
}

const sudo = (u: RemoteUser) => (u.user === 'root' ? '' : 'sudo -n ');

/** Writes stdin to `path` as root with `mode`, creating parent directories. */
export function writeFileCommand(u: RemoteUser, path: string, mode: number): string {
  return `${sudo(u)}install -D -m 0${mode.toString(8)} /dev/stdin ${shQuote(path)}`;
}

/** Prints `done <phase>` per marker and `succeeded` once the sentinel exists; nothing before the script is there. */
export function statusCommand(u: RemoteUser, script: string): string {
  return `if ${sudo(u)}test -x ${shQuote(script)}; then ${sudo(u)}${shQuote(script)} status; fi`;
}

export function phaseCommand(u: RemoteUser, script: string, phase: string): string {
  return `${sudo(u)}${shQuote(script)} ${phase}`;
}

export function removeFilesCommand(u: RemoteUser, paths: string[]): string {
  return `${sudo(u)}rm -f -- ${paths.map(shQuote).join(' ')}`;
}

export function resetCommand(u: RemoteUser, script: string): string {
  return `if ${sudo(u)}test -x ${shQuote(script)}; then ${sudo(u)}${shQuote(script)} reset; fi`;
}

export interface BootstrapStatus {
  phasesDone: string[];
  succeeded: boolean;
}

export function parseStatus(stdout: string): BootstrapStatus {
  const lines = stdout.split('\n').map((l) => l.trim());
  return {
    phasesDone: lines.filter((l) => l.startsWith('done ')).map((l) => l.slice(5)),
    succeeded: lines.includes('succeeded'),
  };
}
