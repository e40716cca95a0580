export * from './schema';
export {
  ScenarioError,
  parseScenario,
  parseScenarioYaml,
  loadScenarioFile,
  loadShippedScenario,
  shippedScenarioNames,
  SCENARIO_DIR,
} from './load';
export { createWorld, cloneWorld, uplinkHost, type LabWorld, type NodeState, type PodState } from './world';
export { linkPathDn } from './fabric';
export { deriveKubernetes } from './derive-k8s';
export { deriveApic } from './derive-apic';
export { groundTruth, type GroundTruth, type NodeTruth, type ServiceTruth } from './ground-truth';
export type { SessionTruth, BgpState, SessionReason } from './bgp';
export type { RouteTruth, NextHopTruth } from './routes';
export { generateScenario, type GenerateOptions } from './generate';
export * from './mutations';
