import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ENV_VARS, loadServiceConfig } from '../../lib/live/server/config';
import { planFiles } from '../output/files';
import { resolvedOf, workedExampleDoc } from '../test-support/fixtures';
import { AKB_SECRETS, akbManifests, akbSecretUses } from './akb';
import { DEPLOY_DIR, loadDeployFiles } from './akb-deploy-files';
import { goJson, kustomizeConfigMapSuffix } from './akb-kustomize-hash';
import { renderKustomization } from './akb-kustomize';
import { buildPlan } from './index';
import { SECRET_PLACEHOLDER } from './secrets';
import type { Manifest } from './manifest';

type Doc = ReturnType<typeof workedExampleDoc>;

function manifestsOf(edit: (d: Doc) => void = () => {}): Manifest[] {
  const doc = workedExampleDoc();
  edit(doc);
  return akbManifests(resolvedOf(doc));
}

const byKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
const configData = (ms: Manifest[]) => byKind(ms, 'ConfigMap')[0]!.data as Record<string, string>;
interface Container {
  env: Array<{ name: string }>;
  envFrom: Array<{ configMapRef: { name: string } }>;
  image: string;
}
const container = (ms: Manifest[]) =>
  (byKind(ms, 'Deployment')[0] as unknown as { spec: { template: { spec: { containers: Container[] } } } }).spec.template.spec
    .containers[0]!;

/** What akb's server would make of the rendered environment: its own parser, which throws on any problem. */
function serverConfig(ms: Manifest[]) {
  return loadServiceConfig({}, configData(ms));
}

describe('akb manifests rendered from deploy/', () => {
  it('sets only environment variables the server reads, and the server accepts them', () => {
    const ms = manifestsOf();
    const data = configData(ms);
    expect(Object.keys(data).length).toBeGreaterThan(8);
    for (const name of Object.keys(data)) expect(Object.keys(ENV_VARS), name).toContain(name);
    // The container's own env is for Node and Next; any akb setting there must be one the server reads.
    for (const { name } of container(ms).env.filter((e) => e.name.startsWith('AKB_'))) expect(Object.keys(ENV_VARS), name).toContain(name);
    expect(serverConfig(ms)).toMatchObject({
      apicUrls: ['https://fab1-apic1.example.com'],
      apicUser: 'akb',
      apicPasswordFile: '/var/run/secrets/akb/apic/password',
      tenant: 'calico_dev_v46',
      vrf: 'vrf',
      l3out: 'K8s_L3OUT',
      uiAuth: 'token',
      lab: false,
    });
    expect(container(ms).envFrom[0]!.configMapRef.name).toBe(byKind(ms, 'ConfigMap')[0]!.metadata.name);
  });

  it('certificate authentication: the key file and certificate name instead of a password', () => {
    const ms = manifestsOf((d) => ((d.fabric.apic as Record<string, unknown>).certificateName = 'akb-cert'));
    expect(serverConfig(ms)).toMatchObject({ apicCertName: 'akb-cert', apicKeyFile: '/var/run/secrets/akb/apic/key' });
    expect(configData(ms)).not.toHaveProperty('AKB_APIC_PASSWORD_FILE');
    const apic = byKind(ms, 'Secret').find((s) => s.metadata.name === 'akb-apic-credentials');
    expect(apic?.stringData).toEqual({ key: `{{akb.secret:${AKB_SECRETS.apicKey}}}` });
  });

  it('uses the VRF tenant, the image and the ingress host of the spec', () => {
    const ms = manifestsOf((d) => {
      (d.fabric.vrf as Record<string, unknown>).tenant = 'common';
      d.cluster.visualiser = { ingressHost: 'viz.example.org', image: 'registry.local:5000/akb@sha256:' + 'ab'.repeat(32) };
    });
    expect(configData(ms)).toMatchObject({ AKB_TENANT: 'common', AKB_VRF: 'vrf' });
    expect(container(ms).image).toBe('registry.local:5000/akb@sha256:' + 'ab'.repeat(32));
    const ingress = byKind(ms, 'Ingress')[0] as unknown as {
      metadata: { namespace: string };
      spec: { rules: Array<{ host: string }>; tls: Array<{ hosts: string[] }> };
    };
    expect(ingress.metadata.namespace).toBe('akb');
    expect(ingress.spec.rules.map((r) => r.host)).toEqual(['viz.example.org']);
    expect(ingress.spec.tls.map((t) => t.hosts)).toEqual([['viz.example.org']]);
  });

  it('has no Ingress without a host, and nothing at all when the visualiser is disabled', () => {
    expect(
      byKind(
        manifestsOf((d) => (d.cluster.visualiser = {})),
        'Ingress',
      ),
    ).toEqual([]);
    const off = workedExampleDoc();
    off.cluster.visualiser = { enabled: false };
    expect(akbManifests(resolvedOf(off))).toEqual([]);
    expect(akbSecretUses(resolvedOf(off))).toEqual([]);
  });

  it('the ClusterRole and its binding are the ones in deploy/base', () => {
    const ms = manifestsOf();
    const files = loadDeployFiles();
    const role = parse(files.get('base/clusterrole.yaml')!, { version: '1.1' });
    expect(byKind(ms, 'ClusterRole')).toHaveLength(1);
    expect(byKind(ms, 'ClusterRole')[0]).toMatchObject({ metadata: { name: role.metadata.name }, rules: role.rules });
    expect(byKind(ms, 'ClusterRole')[0]!.rules).toEqual(role.rules);
    expect(byKind(ms, 'ClusterRoleBinding')[0]).toMatchObject({
      roleRef: { name: role.metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: 'akb', namespace: 'akb' }],
    });
  });

  it('no secret value reaches any plan file: Secrets hold placeholders the plan lists', () => {
    const values = { AKB_APIC_PASSWORD: 'apic-Pa55-word-value', AKB_BGP_PASSWORD: 'bgp-Pa55-word-value' };
    const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
    Object.assign(process.env, values);
    try {
      const r = resolvedOf(workedExampleDoc());
      const files = planFiles(buildPlan(r));
      for (const [path, text] of files) for (const v of Object.values(values)) expect(text, path).not.toContain(v);
      const akb = files.get('kubernetes/20-akb.yaml')!;
      const used = [...akb.matchAll(SECRET_PLACEHOLDER)].map((m) => m[1]);
      expect(used.sort()).toEqual(
        akbSecretUses(r)
          .map((s) => s.name)
          .sort(),
      );
      for (const s of byKind(akbManifests(r), 'Secret')) {
        expect(s).not.toHaveProperty('data');
        for (const v of Object.values(s.stringData as Record<string, string>)) expect(v).toMatch(/^\{\{akb\.secret:[a-z0-9-]+\}\}$/);
      }
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });

  it('renders the same bytes every time', () => {
    const a = planFiles(buildPlan(resolvedOf(workedExampleDoc()))).get('kubernetes/20-akb.yaml');
    const b = planFiles(buildPlan(resolvedOf(workedExampleDoc()))).get('kubernetes/20-akb.yaml');
    expect(a).toBeDefined();
    expect(b).toBe(a);
  });
});

describe('the kustomize subset', () => {
  it('names a generated ConfigMap as kustomize does (known answer from kubectl kustomize deploy/base)', () => {
    const base = {
      AKB_HOST: '0.0.0.0',
      AKB_PORT: '3000',
      AKB_LOG_LEVEL: 'info',
      AKB_LAB: 'false',
      AKB_UI_AUTH: 'token',
      AKB_UI_AUTH_FILE: '/var/run/secrets/akb/ui/token',
    };
    expect(kustomizeConfigMapSuffix(base)).toBe('kk52c5m54b');
    expect(kustomizeConfigMapSuffix({ ...base, AKB_PORT: '3001' })).not.toBe('kk52c5m54b');
  });

  it('writes JSON as Go does (HTML-safe escapes, \\u form for backspace and form feed)', () => {
    expect(goJson({ a: '<&>\u2028', b: '\b\f\\b' })).toBe('{"a":"\\u003c\\u0026\\u003e\\u2028","b":"\\u0008\\u000c\\\\b"}');
  });

  it('rejects a kustomization field it does not implement, naming it', () => {
    const files = new Map(loadDeployFiles());
    files.set('base/kustomization.yaml', `${files.get('base/kustomization.yaml')!}\npatches:\n  - path: x.yaml\n`);
    expect(() => renderKustomization(files, 'base', { resources: [], images: {}, configMapMerge: {} })).toThrow(/patches not supported/);
    expect(() => renderKustomization(loadDeployFiles(), 'base', { resources: [], images: {}, configMapMerge: { nope: {} } })).toThrow(
      /nope/,
    );
  });

  it('names the missing directory when deploy/ is not there', () => {
    expect(() => loadDeployFiles(join(DEPLOY_DIR, 'no-such-dir'))).toThrow(/no-such-dir.*deploy\/ directory/);
  });
});
