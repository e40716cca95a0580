import { z } from 'zod';
import { moEntry, type WireMo } from './mo';

/** Websocket push frames (WIRE.md A4.4) and the events the client hands to consumers. */

export type ApicEventType = 'created' | 'modified' | 'deleted';

export interface ApicEvent {
  type: ApicEventType;
  className: string;
  dn: string;
  /** The MO as pushed; modified/deleted pushes may carry only some attributes (WIRE.md §U.3). */
  mo: WireMo;
}

export interface SubscriptionHandlers {
  /** One pushed change, in the order the APIC sent it. */
  onEvent(event: ApicEvent): void;
  /**
   * The full current result of the query. Called first with the initial result, then again after every reconnect:
   * events may have been missed, so the consumer must replace (not merge) what it holds for this subscription.
   */
  onResync(objects: WireMo[]): void;
  /** The subscription is down and being re-established (the consumer's data may go stale until the next resync). */
  onError?(err: Error): void;
}

export interface ApicSubscription {
  /** The APIC subscription id currently serving this query (changes on every resubscribe). */
  readonly id: string | undefined;
  close(): Promise<void>;
}

const frameSchema = z.object({
  subscriptionId: z.union([z.string(), z.array(z.string())]),
  imdata: z.array(z.record(z.string(), z.object({ attributes: z.record(z.string(), z.string()) }).passthrough())),
});

export interface ParsedFrame {
  subscriptionIds: string[];
  events: ApicEvent[];
}

/** The status attribute may be a comma list (`created,modified`); deletion wins, then creation. */
export function eventType(status: string | undefined): ApicEventType {
  const parts = (status ?? '').split(',');
  if (parts.includes('deleted')) return 'deleted';
  if (parts.includes('created')) return 'created';
  return 'modified';
}

/** Parses one text frame; `undefined` for frames that are not subscription pushes (they are logged and skipped). */
export function parseFrame(text: string): ParsedFrame | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = frameSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const ids = parsed.data.subscriptionId;
  const events = (parsed.data.imdata as WireMo[]).flatMap((mo): ApicEvent[] => {
    const keys = Object.keys(mo);
    if (keys.length !== 1) return [];
    const [className, body] = moEntry(mo);
    return [{ type: eventType(body.attributes.status), className, dn: body.attributes.dn ?? '', mo }];
  });
  return { subscriptionIds: Array.isArray(ids) ? ids : [ids], events };
}
