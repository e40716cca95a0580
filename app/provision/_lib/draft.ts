/**
 * The spec being written, as a plain document, and edits at field paths (`fabric.anchorLeaves[1].ipv4`), the same
 * paths the validator reports problems at. An emptied field is removed, so the schema's default applies.
 */
export type Draft = Record<string, unknown>;

function segments(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const part of path.split('.')) {
    const m = /^([^[]+)((\[\d+\])*)$/.exec(part);
    if (!m) continue;
    out.push(m[1]!);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

export function getAt(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const s of segments(path)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

/** A copy of `doc` with `value` at `path` (undefined removes it), creating objects and arrays on the way. */
export function setAt(doc: Draft, path: string, value: unknown): Draft {
  const segs = segments(path);
  const root: Draft = structuredClone(doc);
  let cur: Record<string | number, unknown> = root;
  segs.forEach((s, i) => {
    if (i === segs.length - 1) {
      if (value === undefined) {
        if (Array.isArray(cur) && typeof s === 'number') cur.splice(s, 1);
        else delete cur[s];
      } else cur[s] = value;
      return;
    }
    const next = cur[s];
    if (next === null || typeof next !== 'object') cur[s] = typeof segs[i + 1] === 'number' ? [] : {};
    cur = cur[s] as Record<string | number, unknown>;
  });
  return root;
}

/** `fabric.anchorLeaves[1].ipv4` → `fabric.anchorLeaves[].ipv4`: the schema's name for the field. */
export const schemaPath = (path: string) => path.replace(/\[\d+\]/g, '[]');

/** A new spec: aci-only until machines can be built from the UI, secrets as references. */
export function newDraft(): Draft {
  return { mode: 'aci-only', fabric: { apic: { urls: [] } }, cluster: { nodes: [] } };
}
