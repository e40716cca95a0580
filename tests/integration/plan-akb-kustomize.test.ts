import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../provisioner/plan/index';
import { resolvedOf, workedExampleDoc } from '../../provisioner/test-support/fixtures';
import type { ResolvedSpec } from '../../provisioner/spec/defaults';

/**
 * The plan's akb manifests against `kubectl kustomize` of a site overlay written the way
 * deploy/README.md tells a user to (a copy of the example overlay with the spec's values). The one
 * documented difference: the plan's Secrets hold placeholders as stringData under unhashed names.
 */
const DEPLOY = fileURLToPath(new URL('../../deploy', import.meta.url));

type Doc = { kind: string; metadata: { name: string }; [k: string]: unknown };

function kubectlKustomize(dir: string): Promise<Doc[]> {
  return new Promise((resolve, reject) => {
    execFile('kubectl', ['kustomize', dir], (err, stdout, stderr) => {
      if (err) return reject(new Error(`kubectl kustomize failed: ${stderr || err.message}`));
      resolve(parseAllDocuments(stdout).map((d) => d.toJSON() as Doc));
    });
  });
}

/** Splits an image reference as a user would for kustomize's images: newName and newTag. */
function splitImage(image: string): { newName: string; newTag?: string } {
  const m = /^(.*?)(?::([^/:]+))?$/.exec(image)!;
  return m[2] === undefined ? { newName: m[1]! } : { newName: m[1]!, newTag: m[2] };
}

/** A site overlay for the spec, as deploy/README.md describes: values typed in, secrets in files. */
async function writeSiteOverlay(dir: string, r: ResolvedSpec, secretText: Record<string, string>): Promise<void> {
  const { fabric: f, cluster: c } = r.spec;
  const cert = f.apic.certificateName;
  const literals = [
    `AKB_APIC_URLS=${f.apic.urls.join(',')}`,
    `AKB_APIC_USER=${f.apic.username}`,
    ...(cert
      ? [`AKB_APIC_CERT_NAME=${cert}`, 'AKB_APIC_KEY_FILE=/var/run/secrets/akb/apic/key']
      : ['AKB_APIC_PASSWORD_FILE=/var/run/secrets/akb/apic/password']),
    `AKB_TENANT=${f.vrf.tenant ?? f.tenant}`,
    `AKB_VRF=${f.vrf.name}`,
    `AKB_L3OUT=${f.l3out.name}`,
  ];
  const host = c.visualiser.ingressHost;
  await mkdir(join(dir, 'secrets'), { recursive: true });
  for (const [name, text] of Object.entries(secretText)) await writeFile(join(dir, 'secrets', name), text);
  if (host) {
    const example = await readFile(join(DEPLOY, 'overlays/example/ingress.yaml'), 'utf8');
    await writeFile(join(dir, 'ingress.yaml'), example.replaceAll('akb.example.com', host));
  }
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: 'akb',
    labels: [{ pairs: { 'app.kubernetes.io/name': 'akb', 'app.kubernetes.io/part-of': 'akb' } }],
    resources: [relative(dir, join(DEPLOY, 'base')), ...(host ? ['ingress.yaml'] : [])],
    images: [{ name: 'akb', ...splitImage(c.visualiser.image) }],
    configMapGenerator: [{ name: 'akb-config', behavior: 'merge', literals }],
    secretGenerator: [
      { name: 'akb-apic-credentials', files: [cert ? 'key=secrets/apic-key' : 'password=secrets/apic-password'] },
      { name: 'akb-ui-auth', files: ['token=secrets/ui-token'] },
    ],
  };
  await writeFile(join(dir, 'kustomization.yaml'), stringify(kustomization));
}

const HASHED = /^(akb-apic-credentials|akb-ui-auth)-[a-z0-9]{10}$/;

/** kubectl's output with the documented difference undone: Secret names unhashed, data as stringData. */
function withPlanSecrets(docs: Doc[]): Doc[] {
  return docs.map((d) => {
    if (d.kind === 'Secret') {
      const { data, ...rest } = d as Doc & { data: Record<string, string> };
      expect(d.metadata.name).toMatch(HASHED);
      const stringData = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      return { ...rest, metadata: { ...d.metadata, name: d.metadata.name.replace(HASHED, '$1') }, stringData };
    }
    if (d.kind === 'Deployment') {
      const text = JSON.stringify(d).replace(/"secretName":"(akb-apic-credentials|akb-ui-auth)-[a-z0-9]{10}"/g, '"secretName":"$1"');
      return JSON.parse(text) as Doc;
    }
    return d;
  });
}

const variants: Array<[string, (d: ReturnType<typeof workedExampleDoc>) => void]> = [
  ['the worked example', () => {}],
  [
    'another host, a registry with a port, a VRF in common, three APICs',
    (d) => {
      (d.cluster.visualiser as Record<string, unknown>) = {
        ingressHost: 'akb.lab.example.net',
        image: 'registry.example.net:5000/team/akb:1.2.3',
      };
      (d.fabric.vrf as Record<string, unknown>).tenant = 'common';
      (d.fabric.apic as Record<string, unknown>).urls = ['https://a.example.com', 'https://b.example.com:8443', 'https://c.example.com'];
    },
  ],
  [
    'certificate authentication, no Ingress, a named L3Out',
    (d) => {
      (d.fabric.apic as Record<string, unknown>).certificateName = 'akb-cert';
      d.fabric.l3out = { name: 'calico_l3out' };
      (d.cluster.visualiser as Record<string, unknown>) = { enabled: true };
    },
  ],
];

describe('akb manifests equal kubectl kustomize of a site overlay with the same values', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'akb-kustomize-'));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it.each(variants)('%s', async (label, edit) => {
    const doc = workedExampleDoc();
    edit(doc);
    const r = resolvedOf(doc);
    const ours = buildPlan(r).manifests.akb;
    // The overlay's secret files hold exactly the plan's placeholders, so the stringData must match too.
    const secrets = Object.fromEntries(
      ours
        .filter((m) => m.kind === 'Secret')
        .flatMap((m) => Object.entries(m.stringData as Record<string, string>))
        .map(([key, v]) => [{ password: 'apic-password', key: 'apic-key', token: 'ui-token' }[key]!, v]),
    );
    const dir = join(root, label.replace(/\W+/g, '-'));
    await writeSiteOverlay(dir, r, secrets);
    const theirs = withPlanSecrets(await kubectlKustomize(dir));
    expect(ours.map((m) => `${m.kind}/${m.metadata.name}`)).toEqual(theirs.map((m) => `${m.kind}/${m.metadata.name}`));
    expect(ours).toEqual(theirs);
  });
});
