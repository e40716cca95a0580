/** The parent's handle on lab-host.ts: the lab's connection file, its request counts, events, stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { labControlRequest, readLabControl, readLabFile, type LabFile } from '../lib/lab';
import type { HostMessage, ParentMessage } from './lab-host';
import type { ScaleName } from './scales';

export interface LabProcess {
  file: LabFile;
  labStartMs: number;
  /** Requests the lab servers received since the last reset; `reset` starts a new count. */
  counts(reset?: boolean): Promise<{ kubernetes: number; apic: number }>;
  /** Applies events as one change (`POST /events/batch`): all or none; resolves once both lab servers hold them. */
  events(inputs: Record<string, unknown>[]): Promise<void>;
  stop(): Promise<void>;
}

function nextMessage<T extends HostMessage['type']>(child: ChildProcess, type: T): Promise<Extract<HostMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: HostMessage) => {
      if (m.type !== type) return;
      cleanup();
      resolve(m as Extract<HostMessage, { type: T }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`the lab process exited (${String(code)}) before sending "${type}"`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startLabProcess(scale: ScaleName, labDir: string, heapMb: number): Promise<LabProcess> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, '--import', 'tsx', join(import.meta.dirname, 'lab-host.ts'), scale, labDir],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const ready = await nextMessage(child, 'ready');
  const file = await readLabFile(labDir);
  const control = await readLabControl(labDir);
  const post = (m: ParentMessage) => child.send(m);
  return {
    file,
    labStartMs: ready.labStartMs,
    async counts(reset = false) {
      const reply = nextMessage(child, 'counts');
      post({ type: 'counts', reset });
      const { kubernetes, apic } = await reply;
      return { kubernetes, apic };
    },
    async events(inputs) {
      const res = await labControlRequest(control, '/events/batch', { body: { events: inputs } });
      if (!res.ok) throw new Error(`lab event batch of ${inputs.length} rejected (${res.status}): ${await res.text()}`);
      await res.arrayBuffer().catch(() => undefined);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      post({ type: 'stop' });
      await exited;
    },
  };
}
