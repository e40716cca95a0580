/**
 * Selector semantics of the objects that carry them, shared by the visualiser's analyses and the lab's twin (both
 * decide which nodes a BGP peering object applies to): Calico selector expressions and Kubernetes label selectors.
 */

/** A Kubernetes label selector (metav1.LabelSelector). */
export interface LabelSelector {
  matchLabels?: Readonly<Record<string, string>>;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] }>;
}

type Labels = Readonly<Record<string, string>>;

/**
 * A Calico selector (`rack_id == "1" && has(bgp)`, `all()`) as a predicate over labels, or null when
 * the expression uses syntax beyond the subset akb evaluates (`==`, `!=`, `has()`, `!has()`, `all()`,
 * joined by `&&`). Null lets the caller say "cannot tell" instead of guessing a match.
 */
export function calicoSelector(expr: string | undefined): ((labels: Labels) => boolean) | null {
  const text = (expr ?? '').trim();
  if (text === '' || text === 'all()') return () => true;
  const terms: ((l: Labels) => boolean)[] = [];
  for (const raw of text.split('&&')) {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)')$/.exec(t))) {
      const [, key, op, dq, sq] = m;
      const want = dq ?? sq ?? '';
      terms.push(op === '==' ? (l) => l[key!] === want : (l) => l[key!] !== want);
    } else if ((m = /^(!?)has\(\s*([\w./-]+)\s*\)$/.exec(t))) {
      const [, neg, key] = m;
      terms.push(neg ? (l) => !(key! in l) : (l) => key! in l);
    } else if (t === 'all()') {
      continue;
    } else {
      return null;
    }
  }
  return (labels) => terms.every((f) => f(labels));
}

/** A Kubernetes label selector (matchLabels + matchExpressions); an absent selector matches everything. */
export function matchesLabelSelector(sel: LabelSelector | undefined, labels: Labels): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = e.key in labels;
    const value = labels[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === 'Exists'
        ? has
        : e.operator === 'DoesNotExist'
          ? !has
          : e.operator === 'In'
            ? value !== undefined && values.includes(value)
            : e.operator === 'NotIn'
              ? value === undefined || !values.includes(value)
              : false;
    if (!ok) return false;
  }
  return true;
}
