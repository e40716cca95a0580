import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusKubeObjects, SECRETS, survivors } from '../fixtures/secret-corpus';
import { runAkb } from '../support/akb-cli';
import { kubectlFor, type KubectlRunner } from '../support/kubectl';
import { serveRuntime, type ServedRuntime } from './live-served-support';
import { serveLab, type ServedLab } from './roundtrip-support';
import { waitFor } from '../support/wait';

/**
 * Secrets in the support bundle and in memory, reproduced against the running service: the kube-router lab writes
 * BGP passwords into Node annotations (as akb's own kube-router plan does), and kubectl adds a corpus of
 * secret-bearing objects (env DSNs, shell-form args, probe headers, exec commands, Secrets…), before the service
 * starts (its list) and after (its watch). None of them is in `GET /api/v1/bundle` or in what the service holds;
 * `akb capture` writes the same reduction, 0600, unless `--raw`.
 */
let served: ServedLab;
let live: ServedRuntime;
let kubectl: KubectlRunner;
let labPassword: string;

function manifest(objects: Record<string, unknown[]>): string {
  // The lab serves these kinds (the corpus's CiliumBGPPeerConfig needs Cilium's CRDs, which this scenario lacks).
  const kinds = ['nodes', 'pods', 'services', 'daemonsets', 'secrets'];
  const items = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'corpus' } }, ...kinds.flatMap((k) => objects[k] ?? [])];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

beforeAll(async () => {
  served = await serveLab('kube-router');
  labPassword = served.lab.world().scenario.cluster.cni.peers.find((p) => p.password)!.password!;
  await writeFile(join(served.dir, 'kc'), served.lab.kubeconfigYaml());
  kubectl = kubectlFor(join(served.dir, 'kc'), served.dir);
  await writeFile(join(served.dir, 'corpus.json'), manifest(corpusKubeObjects()));
  // The lab serves no OpenAPI document for kubectl's client-side validation yet.
  await kubectl('apply', '--validate=false', '-f', join(served.dir, 'corpus.json'));
  // The APIC side: a description nobody reads, on an object akb does read.
  const { apic } = served.connect();
  const [vlifp] = await apic.query({ kind: 'class', className: 'l3extVirtualLIfP' });
  const dn = vlifp!.l3extVirtualLIfP!.attributes.dn!;
  await apic.post(dn, { l3extVirtualLIfP: { attributes: { dn, descr: SECRETS.apicDescription } } });
  await apic.close();
  live = await serveRuntime(served.lab);
  await waitFor(() => live.runtime.service.bundle().k8s.pods?.some((p) => p.metadata.name === 'corpus-app'), {
    what: 'the corpus in the live bundle',
  });
}, 120_000);

afterAll(async () => {
  await live?.stop();
  await served?.stop();
});

const url = () => `http://127.0.0.1:${(live.server.address() as { port: number }).port}`;

describe('the support bundle', () => {
  it('the lab and the corpus really carry the secrets (the API server serves them)', async () => {
    const nodes = await kubectl('get', 'nodes', '-o', 'json');
    expect(nodes).toContain(Buffer.from(labPassword).toString('base64'));
    const all = await kubectl('get', 'pods,daemonsets,secrets,services', '-n', 'corpus', '-o', 'json');
    expect(survivors(all)).toEqual(expect.arrayContaining(['envUrl', 'argShortFlag', 'probeHeader', 'routerPasswords', 'secretData']));
  });

  it('GET /api/v1/bundle carries none of them, listed or watched, and still the flags and annotation akb reads', async () => {
    await kubectl('annotate', 'pod', '-n', 'corpus', 'corpus-app', `example.com/late-token=${SECRETS.vaultAnnotation}-late`);
    await kubectl(
      'annotate',
      'node',
      'corpus-node-1',
      `kube-router.io/peer.passwords=${Buffer.from(SECRETS.peerPasswords).toString('base64')}`,
      '--overwrite',
    );
    const annotated = async () =>
      (await kubectl('get', 'pod', '-n', 'corpus', 'corpus-app', '-o', 'jsonpath={.metadata.resourceVersion}')).trim();
    const rv = await annotated();
    await waitFor(
      () => live.runtime.service.bundle().k8s.pods?.find((p) => p.metadata.name === 'corpus-app')?.metadata.resourceVersion === rv,
      { what: 'the watched change' },
    );
    const text = await (await fetch(`${url()}/api/v1/bundle`)).text();
    expect(survivors(text)).toEqual([]);
    expect(text).not.toContain(`${SECRETS.vaultAnnotation}-late`);
    expect(text).not.toContain(labPassword);
    expect(text).not.toContain(Buffer.from(labPassword).toString('base64'));
    expect(text).not.toContain('peer.passwords');
    expect(text).toContain('--cluster-asn=64512');
    expect(text).toContain('kube-router.io/peer.ips');
  });

  it('what the service holds in memory carries none of them either', () => {
    const held = JSON.stringify(live.runtime.service.bundle());
    expect(survivors(held)).toEqual([]);
    expect(held).not.toContain(Buffer.from(labPassword).toString('base64'));
  });
});

const akb = (args: string[]) => runAkb(args);

describe('akb capture', () => {
  it('writes the reduced bundle, mode 0600; --raw keeps what the servers returned', async () => {
    const out = join(served.dir, 'capture.json');
    const reduced = await akb(['capture', '--lab-dir', served.dir, '--out', out]);
    expect(reduced.code).toBe(0);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(survivors(await readFile(out, 'utf8'))).toEqual([]);
    const rawOut = join(served.dir, 'capture-raw.json');
    const raw = await akb(['capture', '--lab-dir', served.dir, '--out', rawOut, '--raw']);
    expect(raw.code).toBe(0);
    expect((await stat(rawOut)).mode & 0o777).toBe(0o600);
    expect(survivors(await readFile(rawOut, 'utf8'))).toEqual(
      expect.arrayContaining(['envUrl', 'probeHeader', 'apicDescription', 'peerPasswords']),
    );
  }, 90_000);

  it('says when TLS verification is off, and never echoes a secret given where a file path belongs', async () => {
    const apicUrl = served.lab.apicConnection.urls[0]!;
    const kc = join(served.dir, 'kc');
    const common = ['capture', '--apic-url', apicUrl, '--apic-user', 'admin', '--tenant', 'k8s', '--vrf', 'vrf1', '--kubeconfig', kc];
    const pasted = 'Pa55w0rd-pasted-as-a-path';
    const wrong = await akb([...common, '--apic-password-file', pasted]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--apic-password-file: cannot read the file it names/);
    expect(wrong.stderr + wrong.stdout).not.toContain(pasted);
    const key = await akb([...common.slice(0, -2), '--apic-cert-name', 'c', '--apic-key-file', pasted, '--kubeconfig', kc]);
    expect(key.stderr + key.stdout).not.toContain(pasted);
    await writeFile(join(served.dir, 'pw'), `${served.lab.apicConnection.password}\n`);
    const insecure = await akb([
      ...common,
      '--apic-password-file',
      join(served.dir, 'pw'),
      '--apic-insecure',
      '--out',
      join(served.dir, 'x.json'),
    ]);
    expect(insecure.stderr).toMatch(/TLS certificate verification is DISABLED/);
    expect(insecure.code).toBe(0);
  }, 90_000);
});
