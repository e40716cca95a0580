/**
 * The benchmark's sizes. M is the previous tool's tested size (200 nodes, 2,500 pods); XL is ten times it
 * in nodes and twenty in pods, the size akb claims to stay live at.
 */
export const SCALE_NAMES = ['S', 'M', 'L', 'XL'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

export interface Scale {
  name: ScaleName;
  nodes: number;
  pods: number;
  leaves: number;
  services: number;
  /** Timed repetitions of parse and correlate (interleaved, median reported): fewer where one takes seconds. */
  correlationRuns: number;
}

export const SCALES: Record<ScaleName, Scale> = {
  S: { name: 'S', nodes: 20, pods: 500, leaves: 4, services: 50, correlationRuns: 7 },
  M: { name: 'M', nodes: 200, pods: 2_500, leaves: 8, services: 250, correlationRuns: 5 },
  L: { name: 'L', nodes: 1_000, pods: 25_000, leaves: 20, services: 500, correlationRuns: 3 },
  XL: { name: 'XL', nodes: 2_000, pods: 50_000, leaves: 40, services: 1_000, correlationRuns: 3 },
};

/** The fixed seed keeps every run's scenario identical, so runs on different machines measure the same thing. */
export const SCENARIO_SEED = 2026;
