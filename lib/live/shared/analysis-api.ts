/**
 * The response bodies of `GET /api/v1/ecmp` and `GET /api/v1/bgp`, shared by the server handler that writes
 * them (`server/ecmp-api.ts`) and the pages that read them: browser-safe, types and constants only.
 */
import type { BgpHealth, BgpSessionHealth, ChurnEvent, EcmpAnalysis } from '../../topology/ecmp';

export const ECMP_PATH = '/api/v1/ecmp';
export const BGP_PATH = '/api/v1/bgp';

/** Body of `GET /api/v1/ecmp`. */
export interface EcmpResponse extends EcmpAnalysis {
  format: 'akb-ecmp/v1';
  revision: number;
  generatedAt: string;
  /** The flow-placement model the churn estimates assume. */
  model: string;
  churn: ChurnEvent[];
}

/** One change of a (node, leaf) BGP session's state, as the session history recorded it. */
export interface SessionTransition {
  at: string;
  node: string;
  leaf: string;
  /** null: no session entry on the fabric. */
  from: string | null;
  to: string | null;
}

/** Body of `GET /api/v1/bgp`. */
export interface BgpResponse extends Omit<BgpHealth, 'sessions'> {
  format: 'akb-bgp/v1';
  revision: number;
  generatedAt: string;
  windowSeconds: number;
  sessions: (BgpSessionHealth & { flaps: number })[];
  transitions: SessionTransition[];
}
