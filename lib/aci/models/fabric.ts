import { z } from 'zod';
import type { MoBody } from '../mo';
import { nodeIdAttr, optionalIpAttr, textAttr, timestampAttr } from './attributes';
import { nodeOfDn } from './dn';
import { parseAttributes, type MoIssue } from './parse';

/** fabricNode: one switch or controller (`topology/pod-P/node-N`). */
export interface FabricNode {
  dn: string;
  podId: number;
  id: number;
  name: string;
  role: 'leaf' | 'spine' | 'controller' | 'other';
  /** TEP (overlay) address; null when the node has none (0.0.0.0). */
  address: string | null;
  model: string;
  fabricSt: string;
}

const fabricNodeAttrs = z.object({
  dn: z.string(),
  id: nodeIdAttr,
  name: textAttr,
  role: z
    .string()
    .optional()
    .transform((r) => (r === 'leaf' || r === 'spine' || r === 'controller' ? r : 'other')),
  address: optionalIpAttr,
  model: textAttr,
  fabricSt: textAttr,
});

export function parseFabricNode(body: MoBody, path: (string | number)[], issues: MoIssue[]): FabricNode | null {
  const a = parseAttributes(fabricNodeAttrs, body, path, issues);
  if (!a) return null;
  return { ...a, podId: nodeOfDn(a.dn)?.podId ?? 1 };
}

/** topSystem: the switch's own view (`topology/pod-P/node-N/sys`). */
export interface TopSystem {
  dn: string;
  podId: number;
  id: number;
  name: string;
  role: string;
  address: string | null;
  oobMgmtAddr: string | null;
  lastRebootTime: number | null;
  version: string;
}

const topSystemAttrs = z.object({
  dn: z.string(),
  id: nodeIdAttr,
  podId: z
    .string()
    .optional()
    .transform((s) => (s && /^\d{1,5}$/.test(s) ? Number(s) : 1)),
  name: textAttr,
  role: textAttr,
  address: optionalIpAttr,
  oobMgmtAddr: optionalIpAttr,
  lastRebootTime: timestampAttr,
  version: textAttr,
});

export function parseTopSystem(body: MoBody, path: (string | number)[], issues: MoIssue[]): TopSystem | null {
  return parseAttributes(topSystemAttrs, body, path, issues);
}

export type LagType = 'not-aggregated' | 'link' | 'node' | 'fc-link';

/** fabricPathEp: a port, PC (`lagT` link) or vPC (`lagT` node) the fabric can learn endpoints on. */
export interface FabricPathEp {
  dn: string;
  name: string;
  lagT: LagType;
}

const fabricPathEpAttrs = z.object({
  dn: z.string(),
  name: textAttr,
  lagT: z.enum(['not-aggregated', 'link', 'node', 'fc-link'], {
    error: 'expected one of not-aggregated, link, node, fc-link',
  }),
});

export function parseFabricPathEp(body: MoBody, path: (string | number)[], issues: MoIssue[]): FabricPathEp | null {
  return parseAttributes(fabricPathEpAttrs, body, path, issues);
}
