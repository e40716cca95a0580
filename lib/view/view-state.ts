/**
 * The view state — focus, selection, filters, expanded badges — and its URL form, so every view is
 * bookmarkable and shareable. Parsing is a trust boundary (a pasted URL): unknown values are dropped
 * with a reason rather than breaking the page.
 */
import { z } from 'zod';
import type { GraphNodeKind } from '../topology/graph';

export const FOCUS_KINDS = ['leaf', 'node', 'pod', 'service'] as const;
export type FocusKind = (typeof FOCUS_KINDS)[number];

/** The whole cluster, or the neighbourhood of one element (named by its graph id). */
export type Focus = { kind: 'cluster' } | { kind: FocusKind; id: string };

export const NODE_KINDS: readonly GraphNodeKind[] = ['spine', 'leaf', 'hypervisor', 'k8s-node', 'pod', 'service'];
/** Kinds drawn when the URL names none: services only appear in a service focus or when asked for. */
export const DEFAULT_KINDS: readonly GraphNodeKind[] = ['spine', 'leaf', 'hypervisor', 'k8s-node', 'pod'];

export interface ViewFilters {
  /** Pods and services outside these namespaces are hidden (empty: all). */
  namespaces: string[];
  /** `key` or `key=value` selectors; a pod, node or service must match all of them (empty: all). */
  labels: string[];
  /** Element kinds drawn (empty: DEFAULT_KINDS). */
  kinds: GraphNodeKind[];
  /** BGP session states drawn, e.g. `established`, `idle` (empty: all). */
  bgpStates: string[];
  /** Secondary network types drawn, e.g. `sriov`, `macvlan` (empty: all). */
  secondary: string[];
}

export interface ViewState {
  focus: Focus;
  /** Graph id (or badge/group id) of the selected element. */
  selected: string | null;
  filters: ViewFilters;
  /** Ids of k8s nodes whose pod badge is expanded, and of aggregated groups opened. */
  expanded: string[];
}

export const EMPTY_FILTERS: ViewFilters = { namespaces: [], labels: [], kinds: [], bgpStates: [], secondary: [] };
export const DEFAULT_VIEW: ViewState = { focus: { kind: 'cluster' }, selected: null, filters: EMPTY_FILTERS, expanded: [] };

/** `leaf:101` → leaf focus; `node:…`, `pod:…`, `service:…` likewise. */
export function focusOf(id: string | null | undefined): Focus {
  if (!id) return { kind: 'cluster' };
  const prefix = id.slice(0, id.indexOf(':'));
  return (FOCUS_KINDS as readonly string[]).includes(prefix) ? { kind: prefix as FocusKind, id } : { kind: 'cluster' };
}

const list = z
  .string()
  .max(4000)
  .transform((s) =>
    [
      ...new Set(
        s
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      ),
    ].sort(),
  );
const kindList = list.transform((xs) => xs.filter((x): x is GraphNodeKind => (NODE_KINDS as readonly string[]).includes(x)));
const graphId = z
  .string()
  .max(400)
  .regex(/^[a-z0-9-]+:\S+$/, 'expected a graph id such as leaf:101 or pod:default/web-1');

const PARAMS = {
  focus: 'focus',
  selected: 'sel',
  namespaces: 'ns',
  labels: 'label',
  kinds: 'kind',
  bgpStates: 'bgp',
  secondary: 'sec',
  expanded: 'open',
} as const;

export interface ParsedView {
  view: ViewState;
  /** Parameters that were present but invalid, with why (shown to the user, never thrown). */
  ignored: string[];
}

/** Reads a view from URL search params; invalid parameters fall back to defaults and are reported. */
export function parseViewParams(params: URLSearchParams): ParsedView {
  const ignored: string[] = [];
  const get = <T>(name: string, schema: z.ZodType<T>, fallback: T): T => {
    const raw = params.get(name);
    if (raw === null || raw === '') return fallback;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    ignored.push(`${name}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return fallback;
  };
  const focusId = get<string | null>(PARAMS.focus, graphId, null);
  const focus = focusOf(focusId);
  if (focusId && focus.kind === 'cluster') ignored.push(`${PARAMS.focus}: expected leaf:, node:, pod: or service: id`);
  return {
    view: {
      focus,
      selected: get<string | null>(PARAMS.selected, graphId, null),
      filters: {
        namespaces: get(PARAMS.namespaces, list, []),
        labels: get(PARAMS.labels, list, []),
        kinds: get(PARAMS.kinds, kindList, []),
        bgpStates: get(PARAMS.bgpStates, list, []),
        secondary: get(PARAMS.secondary, list, []),
      },
      expanded: get(PARAMS.expanded, list, []),
    },
    ignored,
  };
}

/** The canonical URL query for a view (stable parameter order; defaults omitted). */
export function viewToParams(view: ViewState): URLSearchParams {
  const p = new URLSearchParams();
  if (view.focus.kind !== 'cluster') p.set(PARAMS.focus, view.focus.id);
  if (view.selected) p.set(PARAMS.selected, view.selected);
  const f = view.filters;
  const lists: [string, readonly string[]][] = [
    [PARAMS.namespaces, f.namespaces],
    [PARAMS.labels, f.labels],
    [PARAMS.kinds, f.kinds],
    [PARAMS.bgpStates, f.bgpStates],
    [PARAMS.secondary, f.secondary],
    [PARAMS.expanded, view.expanded],
  ];
  for (const [name, values] of lists) if (values.length > 0) p.set(name, [...new Set(values)].sort().join(','));
  return p;
}
