/** Kinds of APIC request the client counts (metrics, and tests asserting a fixed number of requests). */
export const REQUEST_KINDS = [
  'login',
  'refresh',
  'logout',
  'query',
  'page',
  'post',
  'delete',
  'subscribe',
  'unsubscribe',
  'subscriptionRefresh',
  'webtoken',
] as const;

export type RequestKind = (typeof REQUEST_KINDS)[number];
export type RequestCounts = Record<RequestKind, number>;

export function emptyCounts(): RequestCounts {
  return Object.fromEntries(REQUEST_KINDS.map((k) => [k, 0])) as RequestCounts;
}
