import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labControlRequest, type Lab } from '../../lib/lab';
import { cleanup, kubeConfigOf, startTestLab } from './lab-runtime-support';
import { CoreV1Api } from '@kubernetes/client-node';

/**
 * `POST /events/batch` on the lab's control endpoint: a burst applied as one change (the benchmark's event storm
 * uses it when one sync per event would be slower than the storm). All events or none.
 */
let lab: Lab;

beforeAll(async () => {
  lab = await startTestLab();
}, 30_000);

afterAll(cleanup);

async function postBatch(body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await labControlRequest(lab.control, '/events/batch', { body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const frontendPods = async (): Promise<number> => {
  const pods = await kubeConfigOf(lab).makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'shop', labelSelector: 'app=frontend' });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp).length;
};

describe('lab event batches', () => {
  it('applies every event in order and the API server serves the result', async () => {
    const node = lab.world().nodes[0]!.name;
    const leaf = lab.world().scenario.fabric.leaves[0]!.id;
    const { status, json } = await postBatch({
      events: [
        { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 2 },
        { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 5 },
        { kind: 'session-down', leaf, node },
      ],
    });
    expect(status).toBe(200);
    expect((json.events as { kind: string }[]).map((e) => e.kind)).toEqual(['scale-deployment', 'scale-deployment', 'session-down']);
    // The later scale wins: events are applied in order, not merged.
    expect(await frontendPods()).toBe(5);
    expect(lab.world().downSessions).toContain(`${leaf}|${node}`);
    expect(json.generation).toBe(lab.world().generation);
  });

  it('rejects the whole batch when one event names something the lab does not have, naming the event', async () => {
    const before = lab.world();
    const { status, json } = await postBatch({
      events: [
        { kind: 'scale-deployment', namespace: 'shop', name: 'frontend', replicas: 1 },
        { kind: 'fail-node', node: 'no-such-node' },
      ],
    });
    expect(status).toBe(404);
    expect(json.issues).toEqual([expect.stringMatching(/^events\.1 \(fail-node\): .*no-such-node/)]);
    expect(lab.world()).toBe(before);
    expect(await frontendPods()).toBe(5);
  });

  it('rejects malformed batches with the field and what is valid', async () => {
    const notList = await postBatch({ kind: 'kill-pod' });
    expect(notList.status).toBe(400);
    expect(notList.json.issues).toEqual([expect.stringMatching(/^events: /)]);
    const badField = await postBatch({ events: [{ kind: 'scale-deployment', name: 'frontend', replicas: -1 }] });
    expect(badField.status).toBe(400);
    expect(badField.json.issues).toEqual([expect.stringMatching(/^events\.0\.replicas: /)]);
    const empty = await postBatch({ events: [] });
    expect(empty.json.issues).toEqual(['events: must hold at least one event']);
  });
});
