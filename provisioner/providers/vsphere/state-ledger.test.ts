import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ClusterState } from '../../apply/state/cluster-state';
import { stateCloneLedger, vmResourceId } from './state-ledger';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

it('keeps an in-flight clone in the cluster state, survives a reload, and records the VM as created once it exists', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'akb-state-ledger-'));
  dirs.push(dir);
  const ledger = stateCloneLedger(await ClusterState.load(dir, 'prod'), 'job-1');
  await ledger.put({ node: 'w1', instanceUuid: 'u1', requestedAt: '2026-12-04T00:00:00.000Z' });
  await ledger.put({ node: 'w1', instanceUuid: 'u1', requestedAt: '2026-12-04T00:00:00.000Z', task: 'task-7' });

  // A new process (the re-run after a kill) reads it back from state.json.
  const state = await ClusterState.load(dir, 'prod');
  const again = stateCloneLedger(state, 'job-2');
  expect(await again.get('w1')).toEqual({ node: 'w1', instanceUuid: 'u1', requestedAt: '2026-12-04T00:00:00.000Z', task: 'task-7' });
  expect(state.get(vmResourceId('w1'))).toMatchObject({ provider: 'vsphere', origin: 'created', status: 'pending' });

  await again.settle('w1', 'u1');
  expect(await again.get('w1')).toBeUndefined();
  expect(state.get(vmResourceId('w1'))).toMatchObject({ origin: 'created', status: 'applied', job: 'job-2', data: { instanceUuid: 'u1' } });

  await again.forget('w1');
  expect(state.get(vmResourceId('w1'))).toBeUndefined();
  expect((await ClusterState.load(dir, 'prod')).get(vmResourceId('w1'))).toBeUndefined();
});
