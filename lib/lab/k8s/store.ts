import { randomBytes, randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../k8s/models/object';
import { serverSideApply } from './apply';
import { decodeContinue, encodeContinue } from './continue-token';
import { errors, KubeApiError } from './errors';
import { jsonPatch, mergePatch, type PatchType } from './patch';
import { PodLogs } from './pod-logs';
import { ResourceRegistry } from './registry';
import { strategicMergePatch } from './strategic-merge';
import { crdManifest, groupVersion, KNOWN_CRDS, resourceFromCrd, type ResourceDef } from './resources';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { checkKind, validateMeta } from './validate';

/**
 * The lab's Kubernetes object store: the in-process API (no HTTP) that lab controllers and tests use, and the
 * backing of the HTTP server. One resourceVersion counter for all resources, like etcd's revision, and a
 * bounded event history so watches can resume; older resourceVersions are "compacted" (410 Expired).
 */
export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: StoreEventType;
  resource: ResourceDef;
  object: KubeObject;
  /** The state before a MODIFIED (for selector watches that must turn it into ADDED/DELETED). */
  previous?: KubeObject;
  resourceVersion: number;
}
export type StoreListener = (event: StoreEvent) => void;
/** `pods`, `deployments.apps`, `bgppeers.crd.projectcalico.org`, a kind or short name, or a resolved def. */
export type ResourceRef = string | ResourceDef;

export interface KubeStoreOptions {
  /** Catalogue CRDs installed at start (`plural` or `plural.group`); default all of KNOWN_CRDS. */
  installedCrds?: readonly string[];
  /** How many events are kept for watch resumption (default 1000). */
  watchWindow?: number;
}
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}
export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}
export interface WriteOptions {
  resource?: ResourceRef;
  namespace?: string;
  subresource?: 'status';
  /**
   * `dryRun=All`: every check and defaulting of a real write, the resulting object returned, nothing stored, no
   * event, no resourceVersion consumed (what `kubectl diff` and `--dry-run=server` rely on).
   */
  dryRun?: boolean;
}
export interface PatchOptions extends WriteOptions {
  fieldManager?: string;
  force?: boolean;
}
export interface WriteResult {
  object: KubeObject;
  created: boolean;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const CRD_PLURAL = 'customresourcedefinitions';

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Key order does not matter: a re-sent object with the same content is a no-op, as in the apiserver. */
function sameContent(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

/**
 * The apiserver serialises ObjectMeta with `omitempty`: an empty labels or annotations map (left by a patch that
 * removed the last key) is not part of the object, so it is never returned and never a difference.
 */
function dropEmptyMeta(o: KubeObject): void {
  for (const key of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    const v = o.metadata[key] as unknown;
    if (v !== undefined && v !== null && typeof v === 'object' && Object.keys(v).length === 0) delete o.metadata[key];
  }
}

/**
 * A Secret's `stringData` is write-only: the apiserver merges it into `data` (base64, stringData winning) and never
 * stores it, so readers (a CNI reading its BGP password) only ever see `data`. A Secret without a type is Opaque.
 */
function foldStringData(def: { group: string; plural: string }, obj: KubeObject): void {
  if (def.group !== '' || def.plural !== 'secrets') return;
  const o = obj as KubeObject & { type?: string; data?: Record<string, string>; stringData?: Record<string, string> };
  // The apiserver's defaulting: a Secret without a type is Opaque (`kubectl create secret generic` sends none).
  if (!o.type) o.type = 'Opaque';
  if (o.stringData === undefined) return;
  const data = { ...(o.data ?? {}) };
  for (const [k, v] of Object.entries(o.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  o.data = data;
  delete o.stringData;
}

function withoutMetaAndStatus(o: KubeObject): unknown {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

export class KubeStore {
  readonly registry = new ResourceRegistry();
  /** What the pods' containers wrote to stdout, served by `pods/<name>/log`. */
  readonly logs = new PodLogs();
  /**
   * Fault injection: while `loseWatchEvents` is set, open watch streams are not sent the changes made (the history
   * still records them, so a watch that resumes later replays them). Models a watch that silently missed events.
   */
  readonly faults = { loseWatchEvents: false };
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners = new Set<StoreListener>();
  private history: StoreEvent[] = [];
  private revision = 0;
  /** Watches from a resourceVersion below this have lost events: 410. */
  private compactedRevision = 0;
  private readonly window: number;

  constructor(opts: KubeStoreOptions = {}) {
    this.window = opts.watchWindow ?? 1000;
    for (const ns of SYSTEM_NAMESPACES) this.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const crd of opts.installedCrds ?? KNOWN_CRDS) this.installCrd(crd);
  }

  get resourceVersion(): string {
    return String(this.revision);
  }

  /** Creates the CustomResourceDefinition of a catalogue CRD (`bgppeers`, `ippools.crd.projectcalico.org`). */
  installCrd(name: string): KubeObject {
    return this.create(crdManifest(name));
  }

  resource(ref: ResourceRef): ResourceDef {
    if (typeof ref !== 'string') return ref;
    const def = this.registry.resolve(ref);
    if (!def) throw errors.noResource(ref);
    return def;
  }

  private key(def: ResourceDef, namespace: string | undefined, name: string): string {
    return `${def.group}/${def.plural}/${def.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  private resourceOf(obj: KubeObject, opts: WriteOptions): ResourceDef {
    if (opts.resource) return this.resource(opts.resource);
    const def = obj.apiVersion && obj.kind ? this.registry.byKind(obj.apiVersion, obj.kind) : undefined;
    if (!def) throw errors.badRequest(`no resource serves kind "${obj.kind ?? ''}" in "${obj.apiVersion ?? ''}" (set apiVersion and kind)`);
    return def;
  }

  tryGet(ref: ResourceRef, name: string, namespace?: string): KubeObject | undefined {
    const def = this.resource(ref);
    const obj = this.objects.get(this.key(def, namespace, name));
    return obj && structuredClone(obj);
  }

  get(ref: ResourceRef, name: string, namespace?: string): KubeObject {
    const def = this.resource(ref);
    const obj = this.tryGet(def, name, namespace);
    if (!obj) throw errors.notFound(def.group, def.plural, name);
    return obj;
  }

  list(ref: ResourceRef, opts: ListOptions = {}): ListResult {
    const def = this.resource(ref);
    const byLabel = parseLabelSelector(opts.labelSelector);
    const byField = parseFieldSelector(opts.fieldSelector, def.plural);
    const prefix = `${def.group}/${def.plural}/${def.namespaced && opts.namespace ? `${opts.namespace}/` : ''}`;
    let revision = this.revision;
    let after = '';
    if (opts.continue) ({ revision, after } = decodeContinue(opts.continue, this.compactedRevision));
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const matching: [string, KubeObject][] = [];
    for (const k of keys) {
      const obj = this.objects.get(k) as KubeObject;
      if (byLabel(obj) && byField(obj)) matching.push([k, obj]);
    }
    const page = opts.limit && opts.limit > 0 ? matching.slice(0, opts.limit) : matching;
    const result: ListResult = { items: page.map(([, o]) => structuredClone(o)), resourceVersion: String(revision) };
    const last = page[page.length - 1];
    if (page.length < matching.length && last) {
      result.continue = encodeContinue(revision, last[0]);
      result.remainingItemCount = matching.length - page.length;
    }
    return result;
  }

  create(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = this.resourceOf(input, opts);
    checkKind(def, input);
    const obj = structuredClone(input);
    obj.apiVersion = groupVersion(def.group, def.versions[0] as string);
    obj.kind = def.kind;
    if (def.namespaced) obj.metadata.namespace = opts.namespace ?? obj.metadata.namespace ?? 'default';
    else delete obj.metadata.namespace;
    const generateName = obj.metadata.generateName;
    if (!obj.metadata.name && typeof generateName === 'string' && generateName) {
      obj.metadata.name = `${generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
    }
    dropEmptyMeta(obj);
    validateMeta(def, obj);
    foldStringData(def, obj);
    if (def.namespaced && !this.objects.has(this.key(this.resource('namespaces'), undefined, obj.metadata.namespace as string))) {
      throw errors.notFound('', 'namespaces', obj.metadata.namespace as string);
    }
    const key = this.key(def, obj.metadata.namespace, obj.metadata.name);
    if (this.objects.has(key)) throw errors.alreadyExists(def.group, def.plural, obj.metadata.name);
    if (def.plural === 'namespaces') obj.status = { phase: 'Active', ...(obj.status as object | undefined) };
    this.registerIfCrd(def, obj, opts.dryRun);
    Object.assign(obj.metadata, { uid: randomUUID(), creationTimestamp: rfc3339(new Date()), generation: 1 });
    delete obj.metadata.deletionTimestamp;
    if (opts.dryRun) {
      delete obj.metadata.resourceVersion;
      return structuredClone(obj);
    }
    return this.commit('ADDED', def, key, obj);
  }

  update(input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const def = this.resourceOf(input, opts);
    checkKind(def, input);
    const namespace = def.namespaced ? (opts.namespace ?? input.metadata.namespace ?? 'default') : undefined;
    const key = this.key(def, namespace, input.metadata.name);
    const current = this.objects.get(key);
    if (!current) throw errors.notFound(def.group, def.plural, input.metadata.name);
    const sentVersion = input.metadata.resourceVersion;
    if (sentVersion && sentVersion !== current.metadata.resourceVersion) throw errors.conflict(def.group, def.plural, input.metadata.name);

    let next: KubeObject;
    if (opts.subresource === 'status') next = { ...structuredClone(current), status: structuredClone(input.status) };
    else {
      next = structuredClone(input);
      if (def.statusSubresource) next.status = structuredClone(current.status);
      if (next.metadata.managedFields === undefined && current.metadata.managedFields)
        next.metadata.managedFields = structuredClone(current.metadata.managedFields);
    }
    if (next.status === undefined) delete next.status;
    dropEmptyMeta(next);
    foldStringData(def, next);
    next.apiVersion = current.apiVersion;
    next.kind = current.kind;
    // Identity and server-set fields cannot change through an update.
    next.metadata = {
      ...next.metadata,
      name: current.metadata.name,
      uid: current.metadata.uid,
      creationTimestamp: current.metadata.creationTimestamp,
      resourceVersion: current.metadata.resourceVersion,
      generation: current.metadata.generation,
    };
    if (namespace !== undefined) next.metadata.namespace = namespace;
    else delete next.metadata.namespace;
    if (sameContent(next, current)) return structuredClone(current);
    if (!sameContent(withoutMetaAndStatus(next), withoutMetaAndStatus(current)))
      next.metadata.generation = Number(current.metadata.generation ?? 0) + 1;
    this.registerIfCrd(def, next, opts.dryRun);
    if (opts.dryRun) return structuredClone(next);
    return this.commit('MODIFIED', def, key, next, current);
  }

  /** merge/strategic/json patch or server-side apply of one object. Apply creates the object if absent. */
  patch(ref: ResourceRef, name: string, body: unknown, type: PatchType, opts: PatchOptions = {}): WriteResult {
    const def = this.resource(ref);
    const namespace = def.namespaced ? (opts.namespace ?? 'default') : undefined;
    const current = this.tryGet(def, name, namespace);
    const write = { ...opts, resource: def, namespace };
    if (type === 'application/apply-patch+yaml') {
      if (!opts.fieldManager)
        throw new KubeApiError(
          422,
          'Invalid',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
          { causes: [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }] },
        );
      const config = structuredClone(body as KubeObject);
      checkKind(def, config);
      if (config.metadata?.name !== undefined && config.metadata.name !== name)
        throw errors.badRequest(`metadata.name "${config.metadata.name}" of the body does not match the URL name "${name}"`);
      if (config.metadata?.managedFields !== undefined)
        throw errors.badRequest('metadata.managedFields must be nil in an applied configuration');
      if (def.statusSubresource && opts.subresource !== 'status') delete config.status;
      const version = typeof config.apiVersion === 'string' ? config.apiVersion : groupVersion(def.group, def.versions[0] as string);
      const merged = serverSideApply({
        live: current,
        config: { ...config, metadata: { ...config.metadata, name } },
        manager: opts.fieldManager,
        force: opts.force ?? false,
        apiVersion: version,
        now: rfc3339(new Date()),
        qualifiedName: { group: def.group, kind: def.plural, name },
      });
      if (!current) return { object: this.create({ ...merged, apiVersion: version, kind: def.kind }, write), created: true };
      delete merged.metadata.resourceVersion;
      return { object: this.update(merged, write), created: false };
    }
    if (!current) throw errors.notFound(def.group, def.plural, name);
    const patched = (
      type === 'application/json-patch+json'
        ? jsonPatch(current, body)
        : type === 'application/strategic-merge-patch+json'
          ? strategicMergePatch(current, body)
          : mergePatch(current, body)
    ) as KubeObject;
    if (patched === null || typeof patched !== 'object' || typeof patched.metadata !== 'object')
      throw errors.badRequest('the patch removed metadata; the result is not an object');
    patched.metadata.name = name;
    return { object: this.update(patched, write), created: false };
  }

  /** Server-side apply of a whole manifest (the in-process form of `kubectl apply --server-side`). */
  apply(config: KubeObject, opts: { fieldManager: string; force?: boolean }): WriteResult {
    const def = this.resourceOf(config, {});
    return this.patch(def, config.metadata.name, config, 'application/apply-patch+yaml', { ...opts, namespace: config.metadata.namespace });
  }

  delete(ref: ResourceRef, name: string, namespace?: string, opts: { dryRun?: boolean } = {}): KubeObject {
    const def = this.resource(ref);
    const key = this.key(def, def.namespaced ? (namespace ?? 'default') : undefined, name);
    const current = this.objects.get(key);
    if (!current) throw errors.notFound(def.group, def.plural, name);
    if (opts.dryRun) return structuredClone(current);
    // Contained objects go first, so watchers see them deleted before their namespace or CRD.
    if (def.group === '' && def.plural === 'namespaces') this.deleteWhere((k) => k.split('/')[2] === name && !k.startsWith('/namespaces/'));
    if (def.plural === CRD_PLURAL && def.group === 'apiextensions.k8s.io') {
      const removed = this.registry.removeCustom(name);
      if (removed) this.deleteWhere((k) => k.startsWith(`${removed.group}/${removed.plural}/`), removed);
    }
    this.objects.delete(key);
    return this.commit('DELETED', def, key, structuredClone(current));
  }

  private deleteWhere(match: (key: string) => boolean, def?: ResourceDef): void {
    for (const [key, obj] of [...this.objects]) {
      if (!match(key)) continue;
      const owner = def ?? this.registry.byKind(obj.apiVersion ?? '', obj.kind ?? '');
      this.objects.delete(key);
      if (owner) this.commit('DELETED', owner, key, structuredClone(obj));
    }
  }

  private registerIfCrd(def: ResourceDef, obj: KubeObject, dryRun = false): void {
    if (def.plural !== CRD_PLURAL || def.group !== 'apiextensions.k8s.io') return;
    const derived = resourceFromCrd(obj);
    if (Array.isArray(derived))
      throw errors.invalid(
        def.kind,
        def.group,
        obj.metadata.name,
        derived.map((p) => ({ reason: 'FieldValueInvalid', ...p })),
      );
    // The apiserver accepts the names and establishes the resource at once here (no competing CRD to lose to).
    const spec = obj.spec as { names?: Record<string, unknown> } | undefined;
    obj.status = {
      acceptedNames: structuredClone(spec?.names ?? {}),
      storedVersions: [derived.versions[0]],
      conditions: ['NamesAccepted', 'Established'].map((type) => ({
        type,
        status: 'True',
        reason: type === 'Established' ? 'InitialNamesAccepted' : 'NoConflicts',
        message: type === 'Established' ? 'the initial names have been accepted' : 'no conflicts found',
      })),
    };
    if (!dryRun) this.registry.setCustom(obj.metadata.name, derived);
  }

  private commit(type: StoreEventType, def: ResourceDef, key: string, obj: KubeObject, previous?: KubeObject): KubeObject {
    this.revision += 1;
    obj.metadata.resourceVersion = String(this.revision);
    if (type !== 'DELETED') this.objects.set(key, obj);
    const event: StoreEvent = { type, resource: def, object: obj, ...(previous ? { previous } : {}), resourceVersion: this.revision };
    this.history.push(event);
    if (this.history.length > this.window) {
      const dropped = this.history.splice(0, this.history.length - this.window);
      this.compactedRevision = (dropped[dropped.length - 1] as StoreEvent).resourceVersion;
    }
    for (const listener of this.listeners) listener(event);
    return structuredClone(obj);
  }

  /** Calls `listener` synchronously after every change. Listeners must not modify the event's objects. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Events after `resourceVersion`, or undefined when some of them were already compacted away. */
  eventsSince(resourceVersion: number): StoreEvent[] | undefined {
    if (resourceVersion < this.compactedRevision) return undefined;
    return this.history.filter((e) => e.resourceVersion > resourceVersion);
  }

  /**
   * Drops the whole event history, as an etcd compaction does: every watch that resumes from an older
   * resourceVersion gets 410 Expired and its client must relist.
   */
  compact(): void {
    this.history = [];
    this.compactedRevision = this.revision;
  }

  /** The oldest resourceVersion a watch can still resume from. */
  get oldestResumableVersion(): number {
    return this.compactedRevision;
  }
}
