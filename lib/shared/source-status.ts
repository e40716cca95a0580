/**
 * The health of one data source (the Kubernetes API, the APIC), as the live service reports it over
 * the websocket, `/readyz` and `/metrics`. A shared type: the adapters (lib/k8s) report it, the service
 * publishes it and the browser shows it, so it sits below all of them.
 */
export type SourceState = 'starting' | 'synced' | 'degraded' | 'down';

export interface SourceStatus {
  state: SourceState;
  /** Why the source is degraded or down, in words an operator can act on. Never contains secrets. */
  reason?: string;
  /** ISO time the source entered this state. */
  since: string;
  /** ISO time of the last event received from the source. */
  lastEventAt?: string;
  /** True when the data held from this source may be out of date (down, or resyncing after a gap). */
  stale: boolean;
}

export function sourceStatus(state: SourceState, reason?: string, now: Date = new Date()): SourceStatus {
  return { state, ...(reason ? { reason } : {}), since: now.toISOString(), stale: state !== 'synced' };
}
