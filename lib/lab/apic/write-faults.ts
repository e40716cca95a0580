import { z } from 'zod';
import { ApicError } from './errors';
import type { ApicTree } from './tree';

/**
 * Fault injection for writers (an apply engine's resume and rollback paths): "fail the Nth configuration write from
 * now with this APIC error". A configuration write is a POST or DELETE of `/api/mo/<dn>.json`; the failing one
 * changes nothing and is answered with the APIC error envelope, as a refused write is. Counted per tree, so a
 * client failing over between controllers still meets it.
 */
export const configWriteFaultSchema = z.strictObject({
  /** 1 = the next write. */
  nth: z.number().int().min(1).default(1),
  status: z.number().int().min(400).max(599).default(400),
  code: z.string().regex(/^\d+$/, 'must be a numeric APIC error code like "103"').default('400'),
  text: z.string().min(1).optional(),
});
export type ConfigWriteFaultInput = z.input<typeof configWriteFaultSchema>;
export type ConfigWriteFault = z.output<typeof configWriteFaultSchema>;

export class ConfigWriteFaults {
  private pending: (ConfigWriteFault & { remaining: number }) | undefined;
  /** Configuration writes that reached the tree (refused ones included): what "a re-apply writes nothing" counts. */
  writes = 0;

  /** Arms the fault (replacing one not yet hit); input is validated and a bad field named. */
  failConfigWrite(input: ConfigWriteFaultInput = {}): ConfigWriteFault {
    const fault = configWriteFaultSchema.parse(input);
    this.pending = { ...fault, remaining: fault.nth };
    return fault;
  }

  clear(): void {
    this.pending = undefined;
  }

  /** What is armed: `remaining` writes until (and including) the failing one. */
  get armed(): (ConfigWriteFault & { remaining: number }) | undefined {
    return this.pending && { ...this.pending };
  }

  /** Called before each configuration write; throws the armed error on the Nth. */
  beforeWrite(method: string, dn: string): void {
    this.writes++;
    if (!this.pending || --this.pending.remaining > 0) return;
    const { status, code, text } = this.pending;
    this.pending = undefined;
    throw new ApicError(status, code, text ?? `lab fault: configuration write refused (${method} ${dn})`);
  }
}

const byTree = new WeakMap<ApicTree, ConfigWriteFaults>();

/** The write faults of a tree, shared by every controller serving it. */
export function writeFaultsFor(tree: ApicTree): ConfigWriteFaults {
  let faults = byTree.get(tree);
  if (!faults) byTree.set(tree, (faults = new ConfigWriteFaults()));
  return faults;
}
