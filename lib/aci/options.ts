import { z } from 'zod';
import type { ApicLogger } from './redact';

/** Client options, validated at construction (they come from config files and CLI flags). */

const urlSchema = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http:// or https:// URL');

export const apicClientOptionsSchema = z.object({
  /** Controller base URLs of one APIC cluster, e.g. `https://apic1.example.com`; tried in order on failure. */
  controllers: z.array(urlSchema).min(1, 'at least one controller URL is required'),
  auth: z.discriminatedUnion('type', [
    z.object({ type: z.literal('password'), user: z.string().min(1), password: z.string().min(1) }),
    z.object({
      type: z.literal('certificate'),
      user: z.string().min(1),
      certName: z.string().min(1),
      privateKey: z.string().min(1),
      appUser: z.boolean().optional(),
    }),
  ]),
  tls: z.object({ ca: z.string().min(1).optional(), insecure: z.boolean().optional() }).default({}),
  /** Per-request timeout; a timeout fails over to the next controller. */
  requestTimeoutMs: z.number().int().positive().default(30_000),
  /** Page size of transparently paged class queries (acitoolkit pages with 10,000 after a too-big error). */
  pageSize: z.number().int().positive().default(10_000),
  /** The largest response body read from a controller (default 64 MiB); a larger one fails the request. */
  maxResponseBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  /** The most pages one paged query follows (default 1,000: ten million objects at the default page size). */
  maxPages: z.number().int().positive().default(1000),
  /** `refresh-timeout` of subscriptions, seconds. */
  subscriptionTimeoutSec: z.number().int().positive().default(600),
  reconnectMinBackoffMs: z.number().int().positive().default(250),
  reconnectMaxBackoffMs: z.number().int().positive().default(15_000),
});

export type ApicClientOptionsInput = z.input<typeof apicClientOptionsSchema> & {
  /** pino-compatible; every line passes through redaction. */
  logger?: ApicLogger;
};
export type ApicClientOptions = z.output<typeof apicClientOptionsSchema>;

/** Parses options; the error lists each bad field by path. Secrets are never echoed. */
export function parseClientOptions(input: unknown): ApicClientOptions {
  const parsed = apicClientOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new TypeError(`invalid APIC client options: ${lines.join('; ')}`);
  }
  return parsed.data;
}
