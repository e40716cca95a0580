export * from './schema';
export {
  ScenarioError,
  parseScenario,
  parseScenarioYaml,
  loadScenarioFile,
  loadShippedScenario,
  shippedScenarioNames,
  builtScenarioNames,
  SCENARIO_DIR,
} from './load';
export { createWorld, cloneWorld, uplinkHost, type LabWorld, type NodeState, type PodState } from './world';
export { linkPathDn } from './fabric';
export { deriveKubernetes } from './derive-k8s';
export { deriveApicSeed } from './derive-apic';
// The full APIC view of a world, operational state included: the twin's core run on the world's seed.
export { deriveApic } from '../twin/derive-world';
export { groundTruth, type GroundTruth, type NodeTruth, type ServiceTruth } from './ground-truth';
export type { SessionTruth, BgpState, SessionReason } from './bgp';
export type { RouteTruth, NextHopTruth } from './routes';
export { generateScenario, type GenerateOptions } from './generate';
export * from './mutations';
