import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../lib/k8s/models/object';
import { ENV_VARS, loadServiceConfig, usesLab } from '../../lib/live/server/config';
import { EXAMPLE_OVERLAY } from './deploy-support';
import { CHART, CHART_EXAMPLE_VALUES, helm, helmTemplate, kustomizePinned } from './helm-support';

/**
 * The Helm chart (deploy/helm/akb) against the kustomize install (deploy/overlays/example) for the same
 * settings, with the pinned helm 3.17 and kubectl 1.32. The chart may differ only where Helm's conventions
 * differ, each named in `normalise`: Helm's own labels (release, chart, version), no Namespace object (helm
 * install --create-namespace makes it), and fixed ConfigMap/Secret names with checksum annotations rolling the
 * pods where kustomize hashes the names.
 */
let home: string;
let site: string;
const TOKEN = 'b3f1c0ffee5e1ec7ab1e5a1t0ken\n';
const PASSWORD = 'apic reader password\n';

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'akb-helm-'));
  // A site overlay made as deploy/README.md says (a copy of the example) with real-length secrets.
  site = join(home, 'site');
  await cp(EXAMPLE_OVERLAY, site, { recursive: true });
  const kustomization = (await readFile(join(site, 'kustomization.yaml'), 'utf8')).replace(
    '../../base',
    relative(site, join(EXAMPLE_OVERLAY, '..', '..', 'base')),
  );
  await writeFile(join(site, 'kustomization.yaml'), kustomization);
  await writeFile(join(site, 'secrets', 'ui-token'), TOKEN);
  await writeFile(join(site, 'secrets', 'apic-password'), PASSWORD);
});
afterAll(() => rm(home, { recursive: true, force: true }));

/** The example settings as chart values, the secrets from the same files the overlay reads. */
const exampleArgs = () => [
  '-f',
  CHART_EXAMPLE_VALUES,
  '--set-file',
  `ui.token=${join(site, 'secrets', 'ui-token')}`,
  '--set-file',
  `apic.credentials.password=${join(site, 'secrets', 'apic-password')}`,
];
const token = { set: ['--set', 'ui.token=0123456789abcdef01234567'] };

const HELM_LABELS = ['app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/version', 'helm.sh/chart'];
const HASHED = /^(akb-config|akb-apic-credentials|akb-ui-auth)-[a-z0-9]{10}$/;

/** Removes the documented differences: Helm's labels and checksum annotations, kustomize's name hashes. */
function normalise(objects: KubeObject[]): KubeObject[] {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'string') return v.replace(HASHED, '$1');
    if (!v || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (HELM_LABELS.includes(k) || k.startsWith('checksum/')) continue;
      const w = walk(x);
      if (k === 'annotations' && Object.keys(w as object).length === 0) continue;
      out[k] = w;
    }
    return out;
  };
  return objects
    .filter((o) => o.kind !== 'Namespace')
    .map((o) => walk(o) as KubeObject)
    .sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

const byKind = (objects: KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
type Dep = { spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } };
const deployment = (objects: KubeObject[]) => byKind(objects, 'Deployment')[0] as unknown as Dep;

describe('helm lint and helm template of deploy/helm/akb', () => {
  it('helm lint --strict passes with the example values', async () => {
    const out = await helm(home, ['lint', CHART, '--strict', '--namespace', 'akb', ...exampleArgs()]);
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders the same objects as kubectl kustomize of the example overlay for the same settings', async () => {
    const theirs = await kustomizePinned(home, site);
    const ours = await helmTemplate(home, exampleArgs());
    expect(theirs.map((o) => o.kind)).toContain('Namespace');
    expect(normalise(ours).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      normalise(theirs).map((o) => `${o.kind}/${o.metadata.name}`),
    );
    expect(normalise(ours)).toEqual(normalise(theirs));
    // The differences removed above are Helm's own, and they roll the pods as kustomize's hashes do.
    const annotations = (deployment(ours).spec.template as unknown as { metadata: { annotations: Record<string, string> } }).metadata
      .annotations;
    expect(Object.keys(annotations).sort()).toEqual(['checksum/config', 'checksum/secrets']);
  });

  it('renders with defaults plus a token: no Ingress, a NetworkPolicy and a PDB, a configuration akb accepts', async () => {
    const objects = await helmTemplate(home, token.set);
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Secret',
      'Service',
      'ServiceAccount',
    ]);
    const data = (byKind(objects, 'ConfigMap')[0] as KubeObject & { data: Record<string, string> }).data;
    for (const name of Object.keys(data)) expect(Object.keys(ENV_VARS), `unknown variable ${name}`).toContain(name);
    const config = loadServiceConfig({ inCluster: true }, { ...data, AKB_UI_AUTH_FILE: undefined, AKB_UI_TOKEN: 'x'.repeat(16) });
    expect(config).toMatchObject({ host: '0.0.0.0', port: 3000, uiAuth: 'token' });
    expect(usesLab(config, data)).toBe(false);
  });

  it('takes each documented value: image digest, replicas, scheduling, resources, extra env, ingress class, auth', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const objects = await helmTemplate(home, [
      ...token.set,
      '--set',
      `image.digest=${digest},replicaCount=3,nodeSelector.zone=a,resources.limits.memory=2Gi`,
      '--set-json',
      'tolerations=[{"key":"dedicated","operator":"Exists","effect":"NoSchedule"}]',
      '--set-json',
      'affinity={"podAntiAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[]}}',
      '--set-json',
      'extraEnv=[{"name":"AKB_EXTRA","value":"1"}]',
      '--set',
      'ingress.enabled=true,ingress.className=nginx,ingress.host=akb.lab.example.net',
      '--set',
      'networkPolicy.enabled=false,podDisruptionBudget.enabled=false',
    ]);
    const pod = deployment(objects).spec.template.spec;
    const c = pod.containers[0]!;
    expect(deployment(objects).spec.replicas).toBe(3);
    expect(c.image).toBe(`registry.example.com/akb@${digest}`);
    expect(pod.nodeSelector).toEqual({ zone: 'a' });
    expect(pod.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.affinity).toEqual({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [] } });
    expect((c.resources as { limits: Record<string, string> }).limits.memory).toBe('2Gi');
    expect((c.env as { name: string }[]).map((e) => e.name)).toContain('AKB_EXTRA');
    const ingress = byKind(objects, 'Ingress')[0] as KubeObject & {
      spec: { ingressClassName: string; rules: { host: string }[]; tls?: unknown };
    };
    expect(ingress.spec).toMatchObject({ ingressClassName: 'nginx', rules: [{ host: 'akb.lab.example.net' }] });
    expect(ingress.spec.tls).toBeUndefined();
    expect(byKind(objects, 'NetworkPolicy')).toEqual([]);
    expect(byKind(objects, 'PodDisruptionBudget')).toEqual([]);
  });

  it('uses existing Secrets when named, and certificate authentication with a private CA', async () => {
    const objects = await helmTemplate(home, [
      '--set',
      'ui.existingSecret=site-ui,apic.credentials.existingSecret=site-apic,apic.credentials.existingSecretHasCa=true',
      '--set',
      'apic.urls[0]=https://apic1.example.com,apic.user=akb,apic.tenant=common,apic.vrf=v,apic.certificateName=akb-cert',
    ]);
    expect(byKind(objects, 'Secret')).toEqual([]);
    const volumes = deployment(objects).spec.template.spec.volumes as { name: string; secret?: { secretName: string } }[];
    expect(volumes.filter((v) => v.secret).map((v) => v.secret!.secretName)).toEqual(['site-apic', 'site-ui']);
    const data = (byKind(objects, 'ConfigMap')[0] as KubeObject & { data: Record<string, string> }).data;
    expect(data).toMatchObject({
      AKB_APIC_CERT_NAME: 'akb-cert',
      AKB_APIC_KEY_FILE: '/var/run/secrets/akb/apic/key',
      AKB_APIC_CA_FILE: '/var/run/secrets/akb/apic/ca.pem',
    });
    expect(data.AKB_APIC_PASSWORD_FILE).toBeUndefined();
  });

  it.each([
    [['--set', 'ui.token=short'], /ui\.token: give a token of at least 16 characters/],
    [['--set', 'ui.auth=ldap'], /ui\.auth: "ldap" is not one of none, token, basic, header/],
    [[...token.set, '--set', 'apic.urls[0]=https://apic1.example.com'], /apic\.user, apic\.tenant and apic\.vrf: required/],
    [[...token.set, '--set', 'apic.urls[0]=apic1,apic.user=u,apic.tenant=t,apic.vrf=v'], /apic\.urls: "apic1" is not an http\(s\) URL/],
    [
      [...token.set, '--set', 'apic.urls[0]=https://a.example.com,apic.user=u,apic.tenant=t,apic.vrf=v'],
      /apic\.credentials\.password: required/,
    ],
    [[...token.set, '--set', 'image.digest=latest'], /image\.digest: "latest" is not a digest/],
  ])('refuses %j naming the value', async (args, message) => {
    await expect(helmTemplate(home, args)).rejects.toThrow(message);
  });
});
