import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { kustomizeConfigMapSuffix } from './akb-kustomize-hash';
import type { DeployFiles } from './akb-deploy-files';
import type { Manifest } from './manifest';
import { compareStrings } from '../../lib/shared/compare';

/**
 * The part of kustomize that deploy/base uses, so the plan renders what `kubectl kustomize` renders for
 * an overlay with the spec's values (tests/integration/plan-akb-kustomize.test.ts compares the two).
 * The kustomization schema is strict: a field deploy/base starts using that this renderer does not
 * implement fails the plan loudly instead of being silently ignored.
 */
const kustomizationSchema = z.strictObject({
  apiVersion: z.literal('kustomize.config.k8s.io/v1beta1'),
  kind: z.literal('Kustomization'),
  namespace: z.string().min(1),
  labels: z
    .array(
      z.strictObject({
        pairs: z.record(z.string(), z.string()),
        includeSelectors: z.boolean().default(false),
        includeTemplates: z.boolean().default(false),
      }),
    )
    .default([]),
  resources: z.array(z.string().regex(/^[\w.-]+\.yaml$/, 'must be a YAML file in the same directory')),
  configMapGenerator: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        literals: z.array(z.string().regex(/^[-._a-zA-Z0-9]+=/, 'must be KEY=VALUE')).default([]),
      }),
    )
    .default([]),
});

const objectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
  }),
});

/** What a site overlay adds to the base: the example overlay's operations, with the spec's values. */
export interface Overlay {
  /** Objects of the overlay (Secrets, Ingress): they get the base's namespace and labels. */
  resources: readonly Manifest[];
  /** Container image name in the base → the full image reference to use instead (kustomize `images`). */
  images: Readonly<Record<string, string>>;
  /** configMapGenerator `behavior: merge`: generator name → literals to add or replace. */
  configMapMerge: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

type Obj = z.infer<typeof objectSchema>;

/** Renders `dir` (e.g. "base") of the deploy files with the overlay applied, in kustomize's output order. */
export function renderKustomization(files: DeployFiles, dir: string, overlay: Overlay): Manifest[] {
  const k = parseKustomization(files, `${dir}/kustomization.yaml`);
  const base: Obj[] = k.resources.flatMap((r) => parseObjects(files, `${dir}/${r}`));
  const generated = k.configMapGenerator.map((g) => {
    const merge = overlay.configMapMerge[g.name] ?? {};
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: g.name },
      data: sortedRecord({ ...parseLiterals(g.literals), ...merge }),
    };
  });
  const unknown = Object.keys(overlay.configMapMerge).filter((n) => !k.configMapGenerator.some((g) => g.name === n));
  if (unknown.length > 0)
    throw new Error(`overlay merges into ConfigMap generator(s) ${unknown.join(', ')}, which ${dir}/kustomization.yaml does not define`);
  const own = [...base, ...generated];
  for (const l of k.labels) for (const o of own) applyLabels(o, l.pairs, l.includeSelectors, l.includeSelectors || l.includeTemplates);
  const added = overlay.resources.map((m) => structuredClone(m) as Obj);
  const allPairs = Object.assign({}, ...k.labels.map((l) => l.pairs)) as Record<string, string>;
  for (const o of added) applyLabels(o, allPairs, false, false);
  const all = [...own, ...added];
  for (const o of all) applyNamespace(o, k.namespace);
  for (const o of all) for (const c of containersOf(o)) setImage(c, overlay.images);
  for (const cm of generated) {
    const hashed = `${cm.metadata.name}-${kustomizeConfigMapSuffix(cm.data)}`;
    for (const o of all) renameReferences(o, 'configMap', cm.metadata.name, hashed);
    cm.metadata.name = hashed;
  }
  return all.sort(compareLegacyOrder) as Manifest[];
}

function parseKustomization(files: DeployFiles, path: string): z.infer<typeof kustomizationSchema> {
  const [doc] = parseObjectsRaw(files, path);
  const parsed = kustomizationSchema.safeParse(doc);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) =>
        `${i.path.join('.') || '(root)'}: ${i.code === 'unrecognized_keys' ? `${i.keys.join(', ')} not supported by provisioner/plan/akb-kustomize.ts` : i.message}`,
    );
    throw new Error(`deploy/${path}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The Kubernetes objects of one deploy/ file (e.g. the example overlay's Ingress), validated. */
export function parseDeployObjects(files: DeployFiles, path: string): Manifest[] {
  return parseObjects(files, path) as Manifest[];
}

function parseObjects(files: DeployFiles, path: string): Obj[] {
  return parseObjectsRaw(files, path).map((doc, i) => {
    const parsed = objectSchema.safeParse(doc);
    if (!parsed.success)
      throw new Error(
        `deploy/${path} document ${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      );
    return parsed.data;
  });
}

function parseObjectsRaw(files: DeployFiles, path: string): unknown[] {
  const text = files.get(path);
  if (text === undefined) throw new Error(`deploy/${path}: no such file`);
  // YAML 1.1 as kubectl reads it: `defaultMode: 0440` is octal (288), not the decimal 440 of YAML 1.2.
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`deploy/${path}: ${d.errors[0]!.message}`);
      return d.toJSON() as unknown;
    })
    .filter((d) => d !== null);
}

/** `KEY=VALUE` literals; kustomize strips one pair of matching quotes around the value. */
export function parseLiterals(literals: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of literals) {
    const i = l.indexOf('=');
    const value = l.slice(i + 1);
    out[l.slice(0, i)] = /^(["']).*\1$/s.test(value) && value.length >= 2 ? value.slice(1, -1) : value;
  }
  return out;
}

function sortedRecord(r: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => compareStrings(a, b)));
}

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/** Kustomize `labels`: metadata always; with includeSelectors also selectors and pod templates. */
function applyLabels(o: Obj, pairs: Record<string, string>, selectors: boolean, templates: boolean): void {
  o.metadata.labels = { ...o.metadata.labels, ...pairs };
  const spec = o.spec as Record<string, unknown> | undefined;
  if (o.kind === 'Service' && selectors && spec) spec.selector = { ...(spec.selector as object | undefined), ...pairs };
  if (!WORKLOADS.has(o.kind) || !spec) return;
  // A field kustomize creates goes first (selector before template, metadata before spec), for readers.
  if (selectors) {
    const sel = (spec.selector ?? {}) as { matchLabels?: Record<string, string> };
    o.spec = withFirst(spec, 'selector', { ...sel, matchLabels: { ...sel.matchLabels, ...pairs } });
  }
  if (templates) {
    const s = o.spec as Record<string, unknown>;
    const t = (s.template ?? {}) as { metadata?: { labels?: Record<string, string> } };
    s.template = withFirst(t, 'metadata', { ...t.metadata, labels: { ...t.metadata?.labels, ...pairs } });
  }
}

function withFirst(o: object, key: string, value: unknown): Record<string, unknown> {
  return { [key]: value, ...Object.fromEntries(Object.entries(o).filter(([k]) => k !== key)) };
}

const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
  'RuntimeClass',
]);

/** Kustomize `namespace`: namespaced objects, and ServiceAccount subjects of bindings that name none. */
function applyNamespace(o: Obj, ns: string): void {
  if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = ns;
  if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
    for (const s of (o.subjects ?? []) as Array<{ kind?: string; namespace?: string }>) {
      if (s.kind === 'ServiceAccount' && (s.namespace === undefined || s.namespace === 'default')) s.namespace = ns;
    }
  }
}

interface PodSpec {
  containers?: Array<Record<string, unknown>>;
  initContainers?: Array<Record<string, unknown>>;
  volumes?: Array<Record<string, unknown>>;
}

function podSpecOf(o: Obj): PodSpec | undefined {
  const spec = o.spec as { template?: { spec?: PodSpec } } | undefined;
  return WORKLOADS.has(o.kind) ? spec?.template?.spec : undefined;
}

function containersOf(o: Obj): Array<Record<string, unknown>> {
  const p = podSpecOf(o);
  return [...(p?.containers ?? []), ...(p?.initContainers ?? [])];
}

/** Kustomize `images`: matches the image name without tag or digest. */
function setImage(c: Record<string, unknown>, images: Readonly<Record<string, string>>): void {
  if (typeof c.image !== 'string') return;
  const name = c.image.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
  const replacement = images[name];
  if (replacement !== undefined) c.image = replacement;
}

/** Kustomize's name reference transformer for ConfigMaps and Secrets referenced from a pod template. */
function renameReferences(o: Obj, kind: 'configMap' | 'secret', from: string, to: string): void {
  const p = podSpecOf(o);
  if (!p) return;
  const fix = (ref: unknown, field = 'name') => {
    const r = ref as Record<string, unknown> | undefined;
    if (r && r[field] === from) r[field] = to;
  };
  for (const c of containersOf(o)) {
    for (const e of (c.envFrom ?? []) as Array<Record<string, unknown>>) fix(e[`${kind}Ref`]);
    for (const e of (c.env ?? []) as Array<{ valueFrom?: Record<string, unknown> }>) fix(e.valueFrom?.[`${kind}KeyRef`]);
  }
  for (const v of p.volumes ?? []) {
    fix(v[kind], kind === 'secret' ? 'secretName' : 'name');
    for (const s of (v.projected as { sources?: Array<Record<string, unknown>> } | undefined)?.sources ?? []) fix(s[kind]);
  }
}

// Kustomize's legacy output order (kyaml/resid/gvk.go): these kinds first, in this order, webhooks last,
// everything else in between by group/version/kind; then by namespace and name.
const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

function kindRank(kind: string): number {
  const first = ORDER_FIRST.indexOf(kind);
  if (first >= 0) return first - ORDER_FIRST.length;
  const last = ORDER_LAST.indexOf(kind);
  return last >= 0 ? last + 1 : 0;
}

function gvkKey(o: Obj): string {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/', 2) : ['', o.apiVersion];
  return [group || '~G', version || '~V', o.kind].join('_');
}

function compareLegacyOrder(a: Obj, b: Obj): number {
  const keys = (o: Obj) => [kindRank(o.kind), gvkKey(o), o.metadata.namespace ?? '', o.metadata.name] as const;
  const ka = keys(a);
  const kb = keys(b);
  if (ka[0] !== kb[0]) return ka[0] - kb[0];
  for (let i = 1; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}
