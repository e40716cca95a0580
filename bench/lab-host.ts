/**
 * The lab in a process of its own (spawned by lab-process.ts), as the real APIC and API server would be: the
 * lab's work of applying events and serving requests must not share an event loop with the service measured.
 * It writes `<labDir>/lab.json` (connections, control URL), counts the requests its servers receive and answers
 * the parent over the IPC channel. Usage: lab-host.ts <scale> <labDir>.
 */
import { z } from 'zod';
import { startLab } from '../lib/lab';
import { generateScenario } from '../lib/lab/model';
import { countServerRequests } from './request-counter';
import { SCALE_NAMES, SCALES, SCENARIO_SEED } from './scales';

export type HostMessage = { type: 'ready'; labStartMs: number } | { type: 'counts'; kubernetes: number; apic: number };

export type ParentMessage = { type: 'counts'; reset: boolean } | { type: 'stop' };

const [scaleName, labDir] = z.tuple([z.enum(SCALE_NAMES), z.string().min(1)]).parse(process.argv.slice(2));
const scale = SCALES[scaleName];
const send = (m: HostMessage): void => {
  process.send?.(m);
};

const t0 = performance.now();
const lab = await startLab({
  scenario: generateScenario({ leaves: scale.leaves, nodes: scale.nodes, pods: scale.pods, services: scale.services, seed: SCENARIO_SEED }),
  labDir,
});
const apicPorts = lab.apicConnection.urls.map((u) => Number(new URL(u).port));
const counter = countServerRequests([lab.k8s.port, ...apicPorts]);
send({ type: 'ready', labStartMs: performance.now() - t0 });

process.on('message', (raw: ParentMessage) => {
  if (raw.type === 'counts') {
    send({ type: 'counts', kubernetes: counter.count(lab.k8s.port), apic: apicPorts.reduce((sum, p) => sum + counter.count(p), 0) });
    if (raw.reset) counter.reset();
    return;
  }
  counter.stop();
  void lab.stop().then(() => process.exit(0));
});
// The parent went away: do not linger as an orphan holding ports.
process.on('disconnect', () => void lab.stop().then(() => process.exit(0)));
