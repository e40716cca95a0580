import type { KubeObject } from '../../k8s/models/object';
import type { Logger } from '../../logging';
import type { KubeStore, StoreEvent } from '../k8s';
import type { SessionTruth } from '../model/bgp';
import type { LabTwin } from '../twin';
import type { CniKind } from '../twin/cluster-types';
import { clusterEventsFor } from './cluster-events';
import { CNI_DAEMONS, sessionLogLines, startupLines } from './cni-logs';
import { EventRecorder, refOf } from './event-recorder';
import { array, podNode, record } from './scheduling';

/**
 * What a cluster's components report about what happens to it: Events (through EventRecorder) and container logs
 * (the store's PodLogs) — for every change to pods, nodes and deployments, whoever made it, and for every BGP
 * session of the CNI that comes up or goes down (an Event on the node's CNI pod and the daemon's log lines).
 * Reactions run on the next macrotask: store listeners must not write to the store while it notifies.
 */
export class ClusterReporter {
  private readonly recorder: EventRecorder;
  private queue: StoreEvent[] = [];
  private sessionChanges: { s: SessionTruth; up: boolean }[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly store: KubeStore,
    private readonly twin: LabTwin,
    private readonly cni: CniKind,
    private readonly logger: Logger,
  ) {
    this.recorder = new EventRecorder(store);
  }

  /** Logs the running cluster's state (start-up lines, established sessions), then follows changes. */
  start(): void {
    const now = new Date();
    for (const pod of this.store.list('pods').items) this.logStartup(pod, now);
    const cniPods = this.cniPods();
    for (const s of this.twin.sessions()) if (s.state === 'established') this.logSession(cniPods, s, true, now);
    this.stops.push(
      this.store.subscribe((ev) => {
        if (ev.resource.plural === 'events') return;
        this.queue.push(ev);
        this.schedule();
      }),
      this.twin.onSessions((previous, next) => {
        const key = (s: SessionTruth) => `${s.node}|${s.peerIp}`;
        const before = new Map(previous.map((s) => [key(s), s.state === 'established']));
        const after = new Map(next.map((s) => [key(s), s]));
        for (const s of next)
          if ((before.get(key(s)) ?? false) !== (s.state === 'established')) this.sessionChanges.push({ s, up: s.state === 'established' });
        for (const s of previous)
          if (s.state === 'established' && !after.has(key(s))) this.sessionChanges.push({ s: { ...s, state: 'idle' }, up: false });
        if (this.sessionChanges.length) this.schedule();
      }),
    );
  }

  stop(): void {
    this.stops.splice(0).forEach((f) => f());
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = undefined;
    const changes = this.queue;
    const sessions = this.sessionChanges;
    this.queue = [];
    this.sessionChanges = [];
    const now = new Date();
    try {
      for (const ev of changes) {
        for (const spec of clusterEventsFor(ev, this.store)) this.recorder.record(spec);
        if (ev.resource.group !== '' || ev.resource.plural !== 'pods') continue;
        if (ev.type === 'DELETED') this.store.logs.forget(ev.object.metadata.namespace ?? 'default', ev.object.metadata.name);
        else if (ev.type === 'ADDED' || (ev.previous && !podNode(ev.previous))) this.logStartup(ev.object, now);
      }
      const cniPods = sessions.length ? this.cniPods() : new Map<string, KubeObject>();
      for (const { s, up } of sessions) this.reportSession(cniPods, s, up, now);
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'lab cluster reporter failed');
    }
  }

  private logStartup(pod: KubeObject, at: Date): void {
    const node = podNode(pod);
    if (!node) return;
    for (const c of array<{ name?: string; image?: string }>(record(pod.spec).containers))
      for (const line of startupLines(String(c.name), String(c.image ?? ''), node, at))
        this.store.logs.append(pod.metadata.namespace ?? 'default', pod.metadata.name, String(c.name), line, at);
  }

  /** Node → its CNI pod (the daemon that speaks BGP for the node), from one listing for a whole batch of sessions. */
  private cniPods(): Map<string, KubeObject> {
    const label = CNI_DAEMONS[this.cni].podLabel;
    const byNode = new Map<string, KubeObject>();
    for (const pod of this.store.list('pods', { labelSelector: `k8s-app=${label}` }).items) {
      const node = podNode(pod);
      if (node && !byNode.has(node)) byNode.set(node, pod);
    }
    return byNode;
  }

  private logSession(cniPods: Map<string, KubeObject>, s: SessionTruth, up: boolean, at: Date): KubeObject | undefined {
    const pod = cniPods.get(s.node);
    const container = pod && array<{ name?: string }>(record(pod.spec).containers)[0]?.name;
    if (!pod || !container) return undefined;
    for (const line of sessionLogLines(this.cni, s, up, at))
      this.store.logs.append(pod.metadata.namespace ?? 'default', pod.metadata.name, container, line, at);
    return pod;
  }

  private reportSession(cniPods: Map<string, KubeObject>, s: SessionTruth, up: boolean, at: Date): void {
    const pod = this.logSession(cniPods, s, up, at);
    if (!pod) return;
    const leaf = s.leaf === null ? '' : ` (leaf ${s.leaf})`;
    this.recorder.record({
      regarding: refOf({ ...pod, kind: 'Pod', apiVersion: 'v1' }),
      reason: up ? 'BGPSessionEstablished' : 'BGPSessionDown',
      message: up ? `BGP session with ${s.peerIp}${leaf} is established` : `BGP session with ${s.peerIp}${leaf} is down (state ${s.state})`,
      type: up ? 'Normal' : 'Warning',
      component: CNI_DAEMONS[this.cni].component,
      host: s.node,
    });
  }
}
