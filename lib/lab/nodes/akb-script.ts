/**
 * Reads akb's bootstrap script the way the lab's machines run it: they do not execute shell, they recognise
 * akb's script (its marker line) and take from it what the phases do: the phase list, where markers and the
 * sentinel live, whether kubeadm inits or joins and with which configuration, what `scrub` removes, and which
 * staged static pods a joining master moves in. Anything else is refused, as a twin should.
 */
export interface AkbScript {
  phases: string[];
  stateDir: string;
  sentinel: string;
  kubeadm: { command: 'init' | 'join'; config: string; uploadCerts: boolean };
  scrub: string[];
  /** A joining master's staged static pods: moved into the manifests directory after the join. */
  staged?: { from: string; to: string };
}

export class ScriptError extends Error {}

const MARKER = /^# akb-bootstrap v1$/m;

/** `'a' 'b'` as sh would split it (single-quoted words, the only quoting akb writes). */
function shWords(text: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of text.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string));
  return out;
}

export function readAkbScript(text: string | undefined, path: string): AkbScript {
  if (text === undefined) throw new ScriptError(`${path}: No such file or directory`);
  if (!text.startsWith('#!/bin/bash\n') || !MARKER.test(text))
    throw new ScriptError(`${path}: not akb's bootstrap script (the lab runs no other program)`);
  const value = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(text)?.[1]?.replace(/^"|"$/g, '');
  const phases = value('PHASES')
    ?.split(/\s+/)
    .filter((p) => p !== '');
  const stateDir = value('STATE');
  const sentinel = value('SENTINEL');
  const kubeadm = /kubeadm (init|join) --config ([^\s;]+)( --upload-certs)?/.exec(text);
  if (!phases || !stateDir || !sentinel || !kubeadm)
    throw new ScriptError(`${path}: akb's script without PHASES, STATE, SENTINEL or a kubeadm command`);
  const scrub = /^scrub\(\) \{ rm -f -- (.*); \}$/m.exec(text)?.[1];
  const staged = /if \[ -d (\S+) \]; then mkdir -p (\S+) && cp \1\/\*\.yaml \2\/; fi/.exec(text);
  return {
    phases,
    stateDir,
    sentinel,
    kubeadm: { command: kubeadm[1] as 'init' | 'join', config: kubeadm[2] as string, uploadCerts: kubeadm[3] !== undefined },
    scrub: scrub ? shWords(scrub) : [],
    ...(staged ? { staged: { from: staged[1] as string, to: staged[2] as string } } : {}),
  };
}
