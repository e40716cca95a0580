/**
 * Allow-list combinators: a `Reducer` maps a value read from the cluster or the APIC to the part of it akb
 * keeps. Whatever a reducer does not name is dropped, so a field added upstream (an env value, an annotation, a
 * probe header) never reaches memory unless someone adds it here on purpose.
 *
 * Malformed input stays malformed: where an object was expected and a scalar came, the scalar is kept (the
 * correlator's schema rejects it exactly as it would have rejected the original); where a scalar was expected
 * and an object or array of objects came, it becomes `{}`, which the schema rejects too but which carries
 * nothing. Reduced and full inputs therefore parse (or fail to parse) the same way.
 */
export type Reducer = (value: unknown) => unknown;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isScalar = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/** A scalar, or an array of scalars (addresses, CIDR lists); nested objects are emptied. */
export const scalar: Reducer = (value) => {
  if (isScalar(value)) return value;
  if (Array.isArray(value)) return value.map(scalar);
  return {};
};

/** An object with exactly these fields (those present), each reduced by its own reducer. */
export function fields(shape: Readonly<Record<string, Reducer>>): Reducer {
  const entries = Object.entries(shape);
  return (value) => {
    if (Array.isArray(value)) return [];
    if (!isPlainObject(value)) return value;
    const out: [string, unknown][] = [];
    for (const [key, reduce] of entries) if (Object.hasOwn(value, key)) out.push([key, reduce(value[key])]);
    return Object.fromEntries(out);
  };
}

/** An array whose every element is reduced by `element`. */
export function each(element: Reducer): Reducer {
  return (value) => {
    if (Array.isArray(value)) return value.map(element);
    return isPlainObject(value) ? {} : value;
  };
}

/**
 * A map with arbitrary keys (an interface name, a label key) whose values are reduced by `entry`. Built with
 * `Object.fromEntries`, so a key such as `__proto__` stays an ordinary own key.
 */
export function record(entry: Reducer): Reducer {
  return (value) => {
    if (Array.isArray(value)) return [];
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, entry(v)]));
  };
}

/** Labels and selectors' `matchLabels`: every key, string values (they are matched by selectors and shown). */
export const stringMap: Reducer = record(scalar);

/**
 * A string map of which only the named keys are kept (annotations). A map holding a non-string value is
 * malformed for Kubernetes and for the correlator's schema; it is kept malformed with one emptied entry so it
 * fails to parse as the original did, and nothing else of it is kept.
 */
export function pick(keys: readonly string[]): Reducer {
  return (value) => {
    if (Array.isArray(value)) return [];
    if (!isPlainObject(value)) return value;
    const out: [string, unknown][] = [];
    for (const key of keys) if (Object.hasOwn(value, key)) out.push([key, scalar(value[key])]);
    const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
    if (bad && !keys.includes(bad[0])) out.push([bad[0], {}]);
    return Object.fromEntries(out);
  };
}
