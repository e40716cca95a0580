import type { Logger } from '../logging';
import type { LabEventInput, LabEventResult } from './events';
import { hash32 } from './model/ids';
import type { GroundTruth, LabWorld, Scenario } from './model';

/** What the demo driver needs from a running lab. */
export interface DemoTarget {
  world(): LabWorld;
  truth(): GroundTruth;
  event(ev: LabEventInput): Promise<LabEventResult>;
}

export interface DemoDriver {
  /** Plays one step now (tests call it instead of waiting for the timer); resolves to the event played, if any. */
  step(): Promise<LabEventInput | undefined>;
  stop(): void;
}

/**
 * One demo step. Even steps make a small disturbance (a replica more, a pod killed, a BGP session flapped down, in
 * turn); odd steps put back whatever differs from the baseline (replica counts, sessions taken down — including
 * changes someone else made), or rest. So the lab stays alive but never drifts.
 * Pure: the choice depends only on the world, the baseline and the step number.
 */
export function nextDemoEvent(w: LabWorld, truth: GroundTruth, baseline: Scenario, stepNo: number): LabEventInput | undefined {
  if (stepNo % 2 === 1) return restoreEvent(w, baseline);
  const pick = <T>(items: T[], salt: string): T | undefined =>
    items[hash32(baseline.seed, 'demo', salt, stepNo) % Math.max(1, items.length)];
  const deployments = w.scenario.cluster.workloads.filter((x) => x.kind === 'Deployment' && x.replicas > 0);
  switch ((stepNo / 2) % 3) {
    case 0: {
      const d = pick(deployments, 'scale');
      return d && { kind: 'scale-deployment', namespace: d.namespace, name: d.name, replicas: d.replicas + 1 };
    }
    case 1: {
      const names = new Set(deployments.map((x) => `${x.namespace}/${x.name}`));
      const p = pick(
        w.pods.filter((x) => names.has(x.workload)),
        'kill',
      );
      return p && { kind: 'kill-pod', namespace: p.namespace, name: p.name };
    }
    default: {
      const s = pick(
        truth.sessions.filter((x) => x.state === 'established' && x.leaf !== null),
        'flap',
      );
      return s && s.leaf !== null ? { kind: 'session-down', leaf: s.leaf, node: s.node } : undefined;
    }
  }
}

/** The first difference from the baseline a demo step may have made, as the event that undoes it. */
function restoreEvent(w: LabWorld, baseline: Scenario): LabEventInput | undefined {
  for (const wl of w.scenario.cluster.workloads) {
    const base = baseline.cluster.workloads.find((b) => b.namespace === wl.namespace && b.name === wl.name);
    if (base && wl.kind === 'Deployment' && base.replicas !== wl.replicas)
      return { kind: 'scale-deployment', namespace: wl.namespace, name: wl.name, replicas: base.replicas };
  }
  const down = w.downSessions[0];
  if (down) {
    const [leaf, node] = down.split('|');
    return { kind: 'session-up', leaf: Number(leaf), node: node ?? '' };
  }
  return undefined;
}

/** Plays `nextDemoEvent` every `intervalMs` through the lab's own event path (so both servers follow). */
export function startDemoDriver(target: DemoTarget, baseline: Scenario, opts: { intervalMs: number; logger: Logger }): DemoDriver {
  let stepNo = 0;
  let busy = false;
  const step = async (): Promise<LabEventInput | undefined> => {
    const ev = nextDemoEvent(target.world(), target.truth(), baseline, stepNo++);
    if (!ev) return undefined;
    try {
      await target.event(ev);
      opts.logger.debug({ event: ev.kind }, 'demo event');
    } catch (err) {
      opts.logger.warn({ err: err instanceof Error ? err.message : String(err), event: ev.kind }, 'demo event rejected');
    }
    return ev;
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void step().finally(() => {
      busy = false;
    });
  }, opts.intervalMs);
  timer.unref();
  return { step, stop: () => clearInterval(timer) };
}
