import { describe, expect, it } from 'vitest';
import { validateSpec } from './validate';
import { workedExampleDoc } from '../test-support/fixtures';

/** The spec fields of bare-metal hosts and the node network proxy. */
type Node = { placement: Record<string, unknown> };
function withBareMetalWorker(edit: (d: ReturnType<typeof workedExampleDoc>, n: Node) => void) {
  const d = workedExampleDoc();
  const n = (d.cluster as { nodes: Node[] }).nodes[3]!;
  n.placement = { type: 'bare-metal', sshHost: '192.168.35.4' };
  edit(d, n);
  return validateSpec(d);
}
const problems = (r: ReturnType<typeof validateSpec>) => (r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`));

describe('bare-metal hosts and the node network proxy in the spec', () => {
  it('a bare-metal host must have its key pinned, by fingerprint or a known_hosts file', () => {
    expect(problems(withBareMetalWorker(() => {}))).toEqual([
      expect.stringMatching(/^cluster\.nodes\[3\]\.placement\.hostKey: is required to pin the host's SSH key/),
    ]);
    expect(problems(withBareMetalWorker((_d, n) => (n.placement.hostKey = 'SHA256:Bpln1aGaJEBzC0tG0iZlQ/GMN0QLo4i+4CHG4Z7WHQ0')))).toEqual(
      [],
    );
    expect(
      problems(withBareMetalWorker((d) => ((d.cluster as Record<string, unknown>).ssh = { knownHosts: '/etc/akb/known_hosts' }))),
    ).toEqual([]);
  });

  it('a malformed fingerprint or proxy URL names the field and the expected form', () => {
    expect(problems(withBareMetalWorker((_d, n) => (n.placement.hostKey = 'MD5:aa:bb')))).toEqual([
      expect.stringMatching(/^cluster\.nodes\[3\]\.placement\.hostKey: must be an OpenSSH fingerprint "SHA256:/),
    ]);
    const bad = withBareMetalWorker((d, n) => {
      n.placement.hostKey = 'SHA256:Bpln1aGaJEBzC0tG0iZlQ/GMN0QLo4i+4CHG4Z7WHQ0';
      (d.cluster as Record<string, unknown>).proxyUrl = 'ftp://jump:21';
    });
    expect(problems(bad)).toEqual([expect.stringMatching(/^cluster\.proxyUrl: must be a proxy URL socks5:\/\/host:port/)]);
    const ok = withBareMetalWorker((d, n) => {
      n.placement.hostKey = 'SHA256:Bpln1aGaJEBzC0tG0iZlQ/GMN0QLo4i+4CHG4Z7WHQ0';
      (d.cluster as Record<string, unknown>).proxyUrl = 'socks5://127.0.0.1:1080';
      (d.cluster as Record<string, unknown>).ssh = { privateKey: 'file:/home/me/.ssh/id_ed25519' };
    });
    expect(problems(ok)).toEqual([]);
  });
});
