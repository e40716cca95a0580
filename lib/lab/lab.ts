import { randomBytes } from 'node:crypto';
import { silentLogger, type Logger } from '../logging';
import { ApicTree, startLabApic, type LabApic, type LabApicRequestRecord } from './apic';
import { startDemoDriver, type DemoDriver } from './demo';
import { ClusterReporter, LabControllers } from './controllers';
import {
  applyLabEvent,
  LabEventError,
  parseLabEvent,
  parseLabEventBatch,
  startLabControl,
  type LabControl,
  writeLabDir,
  type LabControlServer,
  type LabEvent,
  type LabEventBatchResult,
  type LabEventResult,
} from './events';
import { labFaultControl } from './events/faults';
import { provisionSpec } from './provision-spec';
import { CALICO_OPERATOR_CRDS, KNOWN_CRDS, KubeStore, startLabK8s, type LabK8sServer } from './k8s';
import {
  createWorld,
  deriveApicSeed,
  deriveKubernetes,
  loadScenarioFile,
  loadShippedScenario,
  parseScenario,
  shippedScenarioNames,
  type GroundTruth,
  type LabWorld,
  type Scenario,
} from './model';
import { computeServices } from './model/services';
import { worldFacts } from './model/ground-truth';
import { ApicSync, KubeSync } from './sync';
import { followBuiltClusters, startLabMachines, type LabMachines } from './machines';
import { LAB_VCENTER, mimicGuest, startLabVcenter, vcenterSeedFor, type GuestRuntime, type LabVcenter } from './vcenter';
import { LabTwin, sameTwinInputs, twinInputsOf, worldWire } from './twin';
import { BuiltClusterEndpoints } from './twin/built-endpoints';

export interface StartLabOptions {
  /** A shipped scenario name, a scenario YAML path, or a parsed scenario; default `demo`. */
  scenario?: string | Scenario;
  /** If given, `<labDir>/lab.json`, `kubeconfig`, `apic-password` (0600) and `apic-ca.pem` are written there. */
  labDir?: string;
  /** Play a gentle stream of reversible events (default interval 5 s). Default off. */
  demo?: boolean | { intervalMs: number };
  /** TLS by default, so kubectl works with the written kubeconfig (which carries the CA). */
  k8s?: { tls?: boolean; port?: number };
  apic?: {
    http?: boolean;
    controllers?: number;
    port?: number;
    tokenLifetimeSec?: number;
    /** Every HTTP request a controller answered, with the controller's index: what tests count logins and failover by. */
    observe?: (controller: number, record: LabApicRequestRecord) => void;
  };
  /**
   * The vCenter twin, started when the scenario has ESXi hosts (false: never). `guest` runs inside each VM that
   * powers on; by default the lab's node mimic (cloud-init, akb's bootstrap script, the address netplan sets).
   */
  vcenter?: false | { guest?: GuestRuntime; cloneMs?: number; port?: number };
  logger?: Logger;
}

export interface LabFabric {
  tenant: string;
  vrf: string;
  l3out?: string;
}

export interface VcenterConnection {
  url: string;
  user: string;
  password: string;
  caPem: string;
}

export interface ApicConnection {
  urls: string[];
  user: string;
  password: string;
  caPem?: string;
}

/** What one sync wrote to each server. */
export type LabSyncResult = Pick<LabEventResult, 'kubernetes' | 'apic'>;

export interface Lab {
  k8s: LabK8sServer;
  apic: LabApic[];
  fabric: LabFabric;
  apicConnection: ApicConnection;
  /** The vCenter twin, when the scenario has ESXi hosts. */
  vcenter?: LabVcenter;
  vcenterConnection?: VcenterConnection;
  kubeconfigYaml(): string;
  /** `http://127.0.0.1:<port>`: POST /events, POST /events/batch, GET /truth. */
  controlUrl: string;
  /** The control endpoint and the token it requires (`labControlRequest(lab.control, path, body)`). */
  control: LabControl;
  /** The scenario's name (or the YAML path it was loaded from). */
  scenarioName: string;
  world(): LabWorld;
  /** Nodes and services from the world; sessions and routes as the twin derives them from both servers' configuration. */
  truth(): GroundTruth;
  /** Follows the configuration on both servers; add a cluster whose API server starts later with `twin.addCluster`. */
  twin: LabTwin;
  /** Validates and applies an event, then syncs both servers; rejects with LabEventError naming what is wrong. */
  event(ev: unknown): Promise<LabEventResult>;
  /** `{events: [...]}`: all validated, applied in order and synced once; one bad event rejects the batch unapplied. */
  events(batch: unknown): Promise<LabEventBatchResult>;
  /** Replaces the world (for mutations that are not events, e.g. in tests) and syncs both servers. */
  setWorld(next: LabWorld): LabSyncResult;
  /** The node network, its gateway proxy, the node mimic and the SSH host twins of the scenario's free bare-metal hosts. */
  machines: LabMachines;
  demo?: DemoDriver;
  stop(): Promise<void>;
}

function resolveScenario(ref: string | Scenario | undefined): { scenario: Scenario; name: string } {
  if (ref === undefined) return { scenario: loadShippedScenario('demo'), name: 'demo' };
  // A scenario built in code is checked like a file: its cross-references may have been edited into nonsense.
  if (typeof ref !== 'string') return { scenario: parseScenario(ref, `scenario ${ref.name}`), name: ref.name };
  if (shippedScenarioNames().includes(ref)) return { scenario: loadShippedScenario(ref), name: ref };
  return { scenario: loadScenarioFile(ref), name: ref };
}

/**
 * Starts the embedded lab: a Kubernetes API server and APIC controller(s) on loopback, both seeded from one
 * scenario world and kept consistent with it as events change it. Everything is validated (and the servers
 * seeded) before any port is opened, so an invalid scenario starts nothing.
 */
export async function startLab(opts: StartLabOptions = {}): Promise<Lab> {
  const logger = opts.logger ?? silentLogger;
  const { scenario, name: scenarioName } = resolveScenario(opts.scenario);
  const baseline = structuredClone(scenario);
  let world = createWorld(scenario);

  const operatorCalico = scenario.cluster.cni.kind === 'calico' && scenario.cluster.cni.install === 'operator';
  const store = new KubeStore({ installedCrds: [...KNOWN_CRDS, ...(operatorCalico ? CALICO_OPERATOR_CRDS : [])] });
  const tree = new ApicTree();
  const kubeSync = new KubeSync(store);
  const apicSync = new ApicSync(tree);
  const controller = new LabControllers(store, kubeSync, () => world, logger);
  // The world seeds both servers and is the wire; sessions and routes follow from the servers' configuration.
  const wire = worldWire(() => world);
  const twin = new LabTwin(tree, wire, logger);
  // A cluster still to be built (greenfield) peers only once the node mimic has built it (below).
  if (scenario.cluster.built) twin.addCluster({ name: scenario.cluster.name, store, wire, services: () => computeServices(world) });
  // What the twin last read from the world: an event that leaves it as it was costs the twin nothing (changes on
  // either server still reach it through its own listeners).
  let twinInputs: unknown[] | null = null;
  const sync = (): LabSyncResult => {
    const kubernetes = controller.whileSyncing(() => kubeSync.apply(deriveKubernetes(world)));
    const written = apicSync.apply(deriveApicSeed(world));
    controller.reconcile();
    const inputs = twinInputsOf(world);
    const operational = sameTwinInputs(twinInputs, inputs) ? { upserted: 0, deleted: 0 } : twin.recompute();
    twinInputs = inputs;
    return { kubernetes, apic: { upserted: written.upserted + operational.upserted, deleted: written.deleted + operational.deleted } };
  };
  sync();
  controller.start((next) => {
    world = next;
    sync();
  });
  // Events and container logs of what happens from now on (the seeded state is a cluster long up: no events yet).
  const reporter = new ClusterReporter(store, twin, scenario.cluster.cni.kind, logger);
  reporter.start();

  const started: { stop(): Promise<void> }[] = [];
  try {
    const k8s = await startLabK8s({ store, tls: opts.k8s?.tls ?? true, port: opts.k8s?.port, logger });
    started.push(k8s);
    const password = randomBytes(12).toString('hex');
    const apic: LabApic[] = [];
    for (let i = 0; i < Math.max(1, opts.apic?.controllers ?? 1); i++) {
      const ctl = await startLabApic({
        tree,
        http: opts.apic?.http,
        user: 'admin',
        password,
        logger,
        tokenLifetimeSec: opts.apic?.tokenLifetimeSec,
        port: i === 0 ? opts.apic?.port : undefined,
        ...(opts.apic?.observe ? { observe: (r: LabApicRequestRecord) => opts.apic!.observe!(i, r) } : {}),
      });
      apic.push(ctl);
      started.push(ctl);
    }
    const machines = await startLabMachines({
      hosts: scenario.hosts,
      occupied: new Set(scenario.cluster.built ? scenario.cluster.nodes.map((n) => n.host) : []),
      logger,
    });
    started.push(machines);
    const builtEndpoints = new BuiltClusterEndpoints(tree, () => world, logger);
    started.push({ stop: async () => builtEndpoints.stop() });
    followBuiltClusters(machines, twin, builtEndpoints, () => world.scenario);
    const seed = opts.vcenter === false ? undefined : vcenterSeedFor(scenario);
    let vcenter: LabVcenter | undefined;
    if (seed) {
      const vc = opts.vcenter || {};
      vcenter = await startLabVcenter({
        seed,
        user: LAB_VCENTER.user,
        password: randomBytes(12).toString('hex'),
        logger,
        guest: vc.guest ?? mimicGuest(machines.mimic),
        ...(vc.cloneMs !== undefined ? { cloneMs: vc.cloneMs } : {}),
        ...(vc.port !== undefined ? { port: vc.port } : {}),
      });
      started.push(vcenter);
    }
    const vcenterConnection: VcenterConnection | undefined = vcenter && {
      url: vcenter.url,
      user: vcenter.credentials.user,
      password: vcenter.credentials.password,
      caPem: vcenter.caPem,
    };
    const caPem = apic[0]?.caPem;
    const apicConnection: ApicConnection = { urls: apic.map((a) => a.url), user: 'admin', password, ...(caPem ? { caPem } : {}) };
    const fabric: LabFabric = { tenant: scenario.tenant, vrf: scenario.vrf, l3out: scenario.l3out.name };

    const event = async (input: unknown): Promise<LabEventResult> => {
      const ev: LabEvent = parseLabEvent(input);
      world = applyLabEvent(world, baseline, ev);
      const written = sync();
      logger.debug({ event: ev.kind, generation: world.generation }, 'lab event applied');
      return { event: ev, generation: world.generation, ...written };
    };
    const events = async (input: unknown): Promise<LabEventBatchResult> => {
      const batch = parseLabEventBatch(input);
      // Applied to a local copy first: an event that fails midway leaves the world as it was.
      let next = world;
      batch.forEach((ev, i) => {
        try {
          next = applyLabEvent(next, baseline, ev);
        } catch (err) {
          if (err instanceof LabEventError)
            throw new LabEventError(
              err.issues.map((line) => `events.${i} (${ev.kind}): ${line}`),
              err.status,
            );
          throw err;
        }
      });
      world = next;
      const written = sync();
      logger.debug({ events: batch.length, generation: world.generation }, 'lab event batch applied');
      return { events: batch, generation: world.generation, ...written };
    };
    const truth = (): GroundTruth => ({ ...worldFacts(world), sessions: twin.sessions(), routes: twin.routes() });
    const control: LabControlServer = await startLabControl(
      {
        event,
        events,
        truth,
        faults: labFaultControl(apic[0]!.faults),
        counters: () => ({ apicConfigWrites: apic[0]!.faults.configWrites() }),
      },
      logger,
    );
    started.push(control);

    if (opts.labDir) {
      await writeLabDir(opts.labDir, {
        scenario: scenarioName,
        k8sUrl: k8s.url,
        kubeconfigYaml: k8s.kubeconfigYaml(),
        apicUrls: apicConnection.urls,
        apicUser: 'admin',
        apicPassword: password,
        ...(caPem ? { apicCaPem: caPem } : {}),
        ...(vcenterConnection ? { vcenter: vcenterConnection } : {}),
        controlUrl: control.url,
        controlToken: control.token,
        ...fabric,
        nodeProxyUrl: machines.gateway.socksUrl,
        ...(machines.sshHosts.length > 0
          ? { sshPrivateKey: machines.clientKey.privateKey, sshKnownHosts: machines.sshHosts.map((h) => h.knownHostsLine).join('\n') }
          : {}),
        ...(scenario.l3out.password !== undefined ? { bgpPassword: scenario.l3out.password } : {}),
        provisionSpec: (files) => provisionSpec(world, files),
      });
    }

    const lab: Lab = {
      k8s,
      apic,
      fabric,
      apicConnection,
      ...(vcenter && vcenterConnection ? { vcenter, vcenterConnection } : {}),
      controlUrl: control.url,
      control: { url: control.url, token: control.token },
      scenarioName,
      kubeconfigYaml: () => k8s.kubeconfigYaml(),
      world: () => world,
      truth,
      event,
      events,
      machines,
      setWorld: (next) => {
        world = next;
        return sync();
      },
      twin,
      stop: async () => {
        lab.demo?.stop();
        reporter.stop();
        controller.stop();
        twin.stop();
        for (const s of [...started].reverse()) await s.stop();
      },
    };
    if (opts.demo)
      lab.demo = startDemoDriver(lab, baseline, { intervalMs: typeof opts.demo === 'object' ? opts.demo.intervalMs : 5000, logger });
    logger.info(
      { scenario: scenarioName, k8s: k8s.url, apic: apicConnection.urls, vcenter: vcenter?.url, control: control.url },
      'lab started',
    );
    return lab;
  } catch (err) {
    reporter.stop();
    controller.stop();
    twin.stop();
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
