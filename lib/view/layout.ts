/**
 * Deterministic tiered layout: spines, leaves (vPC pairs side by side), hypervisors, Kubernetes nodes,
 * with each node's pods stacked in a column under it, and services in a row at the bottom. Order within
 * a tier comes from the parent's order then the id, so the same graph always looks the same and adding
 * one element only shifts its tier neighbours. Positions are top-left corners in canvas pixels.
 */
import type { ViewModel, ViewNode } from './view-model';

export const NODE_SIZE = { width: 200, height: 56 } as const;
export const POD_SIZE = { width: 200, height: 34 } as const;
export const GAP_X = 28;
export const TIER_GAP_Y = 130;
/** Pods per column under a node before a second column starts. */
export const PODS_PER_COLUMN = 12;
/** More kid-less children than this under one parent wrap into rows of WRAP_COLUMNS. */
export const WRAP_ABOVE = 12;
export const WRAP_COLUMNS = 8;
const ROW_GAP = 40;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type Layout = ReadonlyMap<string, Box>;

const byId = (a: ViewNode, b: ViewNode) => a.id.localeCompare(b.id, 'en', { numeric: true });

/** Fabric and host tiers, top to bottom; pods and services are placed relative to them. */
const HOST_TIERS = [0, 1, 2, 3] as const;

export function layoutView(model: ViewModel): Layout {
  const boxes = new Map<string, Box>();
  const tiers = new Map<number, ViewNode[]>(HOST_TIERS.map((t) => [t, []]));
  const podsOf = new Map<string | null, ViewNode[]>();
  const services: ViewNode[] = [];
  for (const n of model.nodes) {
    if (n.kind === 'pod' || n.kind === 'pod-badge') {
      const list = podsOf.get(n.parent) ?? [];
      list.push(n);
      podsOf.set(n.parent, list);
    } else if (n.kind === 'service') services.push(n);
    else tiers.get(n.tier)?.push(n);
  }
  for (const list of podsOf.values()) list.sort(byId);

  // A tidy tree: a vPC pair (or lone leaf) is one unit; under it, its hosts' subtrees side by side, each as
  // wide as its widest row (a hypervisor over its VMs, a node over its pod columns). Widths are computed
  // bottom-up, positions top-down, so nothing skews and a change only shifts what lies to its right.
  const leaves = tiers.get(1)!;
  const peerKey = (n: ViewNode) => [n.id, n.vpcPeer ?? n.id].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))[0]!;
  leaves.sort((a, b) => peerKey(a).localeCompare(peerKey(b), 'en', { numeric: true }) || byId(a, b));
  const widthOf = (n: ViewNode) => {
    const pods = podsOf.get(n.id)?.length ?? 0;
    const cols = Math.max(1, Math.ceil(pods / PODS_PER_COLUMN));
    return Math.max(NODE_SIZE.width, cols * (POD_SIZE.width + GAP_X) - GAP_X);
  };
  const present = new Set(model.nodes.map((n) => n.id));
  const kids = new Map<string, ViewNode[]>();
  const roots: ViewNode[] = [];
  for (const t of [2, 3])
    for (const n of tiers.get(t)!) {
      if (n.parent && present.has(n.parent)) kids.set(n.parent, [...(kids.get(n.parent) ?? []), n]);
      else roots.push(n);
    }
  for (const list of kids.values()) list.sort((a, b) => a.tier - b.tier || byId(a, b));
  roots.sort((a, b) => a.tier - b.tier || byId(a, b));
  const subtreeWidth = new Map<string, number>();
  // Many kid-less children (VMs on one hypervisor, an opened group) wrap into a grid instead of one
  // endless row; fixed column count so the grid only grows downwards as members are added.
  const heightOf = (n: ViewNode) => {
    const pods = podsOf.get(n.id)?.length ?? 0;
    return NODE_SIZE.height + (pods > 0 ? 48 + Math.min(pods, PODS_PER_COLUMN) * (POD_SIZE.height + 10) : 0);
  };
  const wraps = (children: readonly ViewNode[]) =>
    children.length > WRAP_ABOVE && children.every((c) => (kids.get(c.id)?.length ?? 0) === 0 && c.tier === children[0]!.tier);
  const cellOf = (children: readonly ViewNode[]) => Math.max(...children.map((c) => subtreeWidth.get(c.id)!));
  const innerWidth = (children: readonly ViewNode[]) =>
    wraps(children)
      ? WRAP_COLUMNS * cellOf(children) + GAP_X * (WRAP_COLUMNS - 1)
      : children.reduce((sum, c) => sum + subtreeWidth.get(c.id)!, 0) + GAP_X * Math.max(0, children.length - 1);
  const widthOfTree = (n: ViewNode): number => {
    const children = kids.get(n.id) ?? [];
    for (const c of children) widthOfTree(c);
    const w = Math.max(widthOf(n), children.length > 0 ? innerWidth(children) : 0);
    subtreeWidth.set(n.id, w);
    return w;
  };
  const yOf = (t: number) => t * (NODE_SIZE.height + TIER_GAP_Y);
  const arrange = (children: readonly ViewNode[], x0: number, w: number) => {
    if (children.length === 0) return;
    const left = x0 + (w - innerWidth(children)) / 2;
    if (!wraps(children)) {
      let x = left;
      for (const c of children) {
        placeTree(c, x, yOf(c.tier));
        x += subtreeWidth.get(c.id)! + GAP_X;
      }
      return;
    }
    const cell = cellOf(children);
    let y = yOf(children[0]!.tier);
    for (let r = 0; r * WRAP_COLUMNS < children.length; r++) {
      const row = children.slice(r * WRAP_COLUMNS, (r + 1) * WRAP_COLUMNS);
      row.forEach((c, i) => placeTree(c, left + i * (cell + GAP_X) + (cell - subtreeWidth.get(c.id)!) / 2, y));
      y += Math.max(...row.map(heightOf)) + ROW_GAP;
    }
  };
  function placeTree(n: ViewNode, x0: number, y: number): void {
    const w = subtreeWidth.get(n.id)!;
    const own = widthOf(n);
    boxes.set(n.id, { x: x0 + (w - own) / 2, y, width: own, height: NODE_SIZE.height });
    arrange(kids.get(n.id) ?? [], x0, w);
  }
  const units: ViewNode[][] = [];
  for (const leaf of leaves) {
    const last = units.at(-1);
    if (last && last.length === 1 && last[0]!.vpcPeer === leaf.id) last.push(leaf);
    else units.push([leaf]);
  }
  let cursor = 0;
  for (const unit of units) {
    const children = unit.flatMap((l) => kids.get(l.id) ?? []);
    for (const c of children) widthOfTree(c);
    const own = unit.length * NODE_SIZE.width + GAP_X * (unit.length - 1);
    const w = Math.max(own, children.length > 0 ? innerWidth(children) : 0);
    unit.forEach((l, i) => boxes.set(l.id, { x: cursor + (w - own) / 2 + i * (NODE_SIZE.width + GAP_X), y: yOf(1), ...NODE_SIZE }));
    arrange(children, cursor, w);
    cursor += w + GAP_X * 2;
  }
  // Hosts whose leaf is not drawn (a focus without the fabric, or no LLDP neighbour) follow on the right.
  for (const r of roots) {
    widthOfTree(r);
    placeTree(r, cursor, yOf(r.tier));
    cursor += subtreeWidth.get(r.id)! + GAP_X;
  }
  tiers.get(0)!.sort(byId);

  // Spines: evenly spread, centred over the leaves.
  const spines = tiers.get(0)!;
  const leafBoxes = leaves.map((l) => boxes.get(l.id)!);
  const mid = leafBoxes.length > 0 ? (leafBoxes[0]!.x + leafBoxes.at(-1)!.x + leafBoxes.at(-1)!.width) / 2 : 0;
  const spineSpan = spines.length * (NODE_SIZE.width + GAP_X * 4) - GAP_X * 4;
  spines.forEach((n, i) => boxes.set(n.id, { x: mid - spineSpan / 2 + i * (NODE_SIZE.width + GAP_X * 4), y: yOf(0), ...NODE_SIZE }));

  // Pods: columns under their node; pods without a drawn node go after the rightmost element.
  let bottom = Math.max(yOf(3) + NODE_SIZE.height, ...[...boxes.values()].map((b) => b.y + b.height));
  let farRight = Math.max(0, ...[...boxes.values()].map((b) => b.x + b.width));
  for (const [parent, pods] of podsOf) {
    const anchor = parent !== null ? boxes.get(parent) : undefined;
    const x0 = anchor ? anchor.x : farRight + GAP_X;
    const y0 = (anchor ? anchor.y : yOf(3)) + NODE_SIZE.height + 48;
    pods.forEach((p, i) => {
      const col = Math.floor(i / PODS_PER_COLUMN);
      const row = i % PODS_PER_COLUMN;
      const box = { x: x0 + col * (POD_SIZE.width + GAP_X), y: y0 + row * (POD_SIZE.height + 10), ...POD_SIZE };
      boxes.set(p.id, box);
      bottom = Math.max(bottom, box.y + box.height);
    });
    if (!anchor) farRight = x0 + Math.ceil(pods.length / PODS_PER_COLUMN) * (POD_SIZE.width + GAP_X);
  }
  // Services: one row at the bottom, each centred under the pods it selects.
  const sx = (s: ViewNode) => {
    const xs = model.edges
      .filter((e) => e.source === s.id)
      .map((e) => boxes.get(e.target))
      .filter((b): b is Box => b !== undefined)
      .map((b) => b.x + b.width / 2);
    return xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length - NODE_SIZE.width / 2 : Number.MAX_SAFE_INTEGER;
  };
  const placedServices = services.map((s) => ({ s, x: sx(s) })).sort((a, b) => a.x - b.x || byId(a.s, b.s));
  let right = -Infinity;
  for (const { s, x: want } of placedServices) {
    const x = Math.max(
      Number.isFinite(want) && want < Number.MAX_SAFE_INTEGER ? want : right + GAP_X,
      Number.isFinite(right) ? right + GAP_X : -Infinity,
    );
    const fx = Number.isFinite(x) ? x : 0;
    boxes.set(s.id, { x: fx, y: bottom + TIER_GAP_Y, ...NODE_SIZE });
    right = fx + NODE_SIZE.width;
  }
  return boxes;
}

/** A key that changes whenever anything the layout depends on changes (ids, parents, kinds). */
export function layoutKey(model: ViewModel): string {
  let h = 0x811c9dc5;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  };
  for (const n of model.nodes) mix(`${n.id}|${n.kind}|${n.parent ?? ''}|${n.vpcPeer ?? ''};`);
  for (const e of model.edges) if (e.kind === 'selects') mix(`${e.source}>${e.target};`);
  return `${model.nodes.length}:${model.edges.length}:${(h >>> 0).toString(16)}`;
}

const CACHE_SIZE = 16;
const cache = new Map<string, Layout>();

/** layoutView with an LRU cache keyed by layoutKey: live patches that change only data reuse the layout. */
export function layoutCached(model: ViewModel): Layout {
  const key = layoutKey(model);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const layout = layoutView(model);
  cache.set(key, layout);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return layout;
}
