/**
 * The embedded lab: simulated Kubernetes and APIC servers on loopback, seeded by one scenario world, kept consistent
 * by the sync, driven by events (API, CLI, demo driver) and by controllers reacting to what users apply; its BGP
 * sessions and routes follow the configuration on both servers (the twin).
 */
export { startLab, type Lab, type LabSyncResult, type StartLabOptions, type LabFabric, type ApicConnection } from './lab';
export {
  parseLabEvent,
  labEventSchema,
  LabEventError,
  LAB_EVENT_KINDS,
  readLabFile,
  readLabControl,
  labControlRequest,
  DEFAULT_LAB_DIR,
  type LabControl,
  type LabEvent,
  type LabEventInput,
  type LabEventKind,
  type LabEventResult,
  type LabFile,
} from './events';
export { startDemoDriver, nextDemoEvent, type DemoDriver, type DemoTarget } from './demo';
export type { GroundTruth, LabWorld, Scenario } from './model';
export { labTlsMaterial, type TlsMaterial } from './tls';
export { provisionSpec, type LabSpecFiles, type ProvisionSpecDocument } from './provision-spec';
export { LabTwin, annotatedWire, HOST_ANNOTATION, VLAN_ANNOTATION, type TwinCluster, type SessionsListener, type WireFacts } from './twin';
