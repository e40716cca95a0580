import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, NODE_KINDS, focusOf, parseViewParams, viewToParams, type ViewState } from '../../lib/view';

const token = fc.stringMatching(/^[a-z0-9][a-z0-9.=/-]{0,15}$/);
const ids = fc.uniqueArray(token, { maxLength: 4 });
const viewArb: fc.Arbitrary<ViewState> = fc.record({
  focus: fc.oneof(
    fc.constant({ kind: 'cluster' as const }),
    fc.tuple(fc.constantFrom('leaf', 'node', 'pod', 'service'), token).map(([k, t]) => focusOf(`${k}:${t}`)),
  ),
  selected: fc.option(
    token.map((t) => `pod:${t}`),
    { nil: null },
  ),
  filters: fc.record({
    namespaces: ids,
    labels: ids,
    kinds: fc.uniqueArray(fc.constantFrom(...NODE_KINDS), { maxLength: 3 }),
    bgpStates: ids,
    secondary: ids,
  }),
  expanded: ids,
});
const canonical = (v: ViewState): ViewState => ({
  ...v,
  filters: {
    namespaces: [...v.filters.namespaces].sort(),
    labels: [...v.filters.labels].sort(),
    kinds: [...v.filters.kinds].sort(),
    bgpStates: [...v.filters.bgpStates].sort(),
    secondary: [...v.filters.secondary].sort(),
  },
  expanded: [...v.expanded].sort(),
});

describe('view state in the URL', () => {
  it('round-trips any view through the query string (a bookmark restores the same view)', () => {
    fc.assert(
      fc.property(viewArb, (v) => {
        const url = viewToParams(v).toString();
        const back = parseViewParams(new URLSearchParams(url));
        expect(back.ignored).toEqual([]);
        expect(back.view).toEqual(canonical(v));
      }),
    );
  });

  it('the default view is an empty query', () => {
    expect(viewToParams(DEFAULT_VIEW).toString()).toBe('');
  });

  it('reports invalid parameters with the parameter name and falls back to defaults', () => {
    const { view, ignored } = parseViewParams(new URLSearchParams('focus=bogus&sel=has%20space&kind=leaf,unicorn'));
    expect(view.focus).toEqual({ kind: 'cluster' });
    expect(view.selected).toBeNull();
    expect(view.filters.kinds).toEqual(['leaf']);
    expect(ignored.some((i) => i.startsWith('focus:'))).toBe(true);
    expect(ignored.some((i) => i.startsWith('sel:'))).toBe(true);
  });

  it('focusOf knows leaf, node, pod and service ids and nothing else', () => {
    expect(focusOf('leaf:101')).toEqual({ kind: 'leaf', id: 'leaf:101' });
    expect(focusOf('pod:default/web-1')).toEqual({ kind: 'pod', id: 'pod:default/web-1' });
    expect(focusOf('spine:201')).toEqual({ kind: 'cluster' });
    expect(focusOf(null)).toEqual({ kind: 'cluster' });
  });
});
