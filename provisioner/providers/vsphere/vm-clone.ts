import { setTimeout as sleep } from 'node:timers/promises';
import { moRefEquals, type MoRef } from '../../../lib/vsphere/envelope';
import { cloneSpec, OWNER_KEY, type CloneInputs } from './clone-spec';
import type { CloneLedger } from './clone-ledger';
import type { ResolvedTemplate } from './inventory';
import { observeVm, type VmView } from './vm-observe';
import { VimTaskError, type Vim } from './vim';

/**
 * Idempotent clone (CAPV's rule): look the VM up by the instance UUID derived from cluster and node; if a clone
 * may still be in flight (the ledger says one was requested and its end was never seen), wait for it instead of
 * starting another; only then clone, recording the request before it is sent and the task once vCenter answers.
 */
export interface CloneContext {
  vim: Vim;
  ledger: CloneLedger;
  template: ResolvedTemplate;
  /** How long a clone request whose answer was never seen may still be running in vCenter (the request timeout). */
  inFlightWindowMs: number;
  taskTimeoutMs: number;
  report(message: string): void;
}

export interface CloneRequest {
  node: string;
  /** `<folder path>/<name>`, to refuse a same-named VM that is not akb's. */
  inventoryPath: string;
  owner: string;
  spec: Omit<CloneInputs, 'templateDevices'>;
}

export class VmOwnershipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VmOwnershipError';
  }
}

function assertOurs(vm: VmView, req: CloneRequest): VmView {
  if (vm.template)
    throw new VmOwnershipError(`${vm.name}: instance UUID ${vm.instanceUuid} belongs to a template, not to node ${req.node}`);
  const owner = vm.extraConfig.get(OWNER_KEY);
  if (owner !== req.owner)
    throw new VmOwnershipError(
      `VM "${vm.name}" has node ${req.node}'s instance UUID ${vm.instanceUuid} but is not marked as akb's (${OWNER_KEY}=${owner ?? 'unset'}, expected ${req.owner})`,
    );
  return vm;
}

async function findOurs(ctx: CloneContext, req: CloneRequest): Promise<VmView | undefined> {
  const ref = await ctx.vim.findVmByInstanceUuid(req.spec.instanceUuid);
  const vm = ref ? await observeVm(ctx.vim, ref) : undefined;
  return vm ? assertOurs(vm, req) : undefined;
}

/** Clone tasks of this template that vCenter reports queued or running. */
async function runningClonesOf(ctx: CloneContext): Promise<MoRef[]> {
  const out: MoRef[] = [];
  for (const task of await ctx.vim.recentTasks()) {
    const info = await ctx.vim.taskInfo(task);
    if (info && (info.state === 'queued' || info.state === 'running') && moRefEquals(info.entity, ctx.template.ref)) out.push(task);
  }
  return out;
}

/** Settles what the ledger says was left in flight; answers the VM if that earlier clone produced it. */
async function settlePrevious(ctx: CloneContext, req: CloneRequest): Promise<VmView | undefined> {
  const rec = await ctx.ledger.get(req.node);
  if (!rec || rec.instanceUuid !== req.spec.instanceUuid) return undefined;
  if (rec.task) {
    const task: MoRef = { type: 'Task', value: rec.task };
    ctx.report(`waiting for the clone started earlier (task ${rec.task})`);
    try {
      await ctx.vim.waitForTask(task, `clone of ${req.node}`, ctx.taskTimeoutMs);
    } catch (err) {
      // A failed or forgotten earlier clone is reported and then retried: what matters is the VM, looked up below.
      if (!(err instanceof VimTaskError)) throw err;
      ctx.report(`the earlier clone did not complete (${err.message}); cloning again`);
    }
    return findOurs(ctx, req);
  }
  // Requested, answer never seen: it may be running, or may never have arrived. Wait until the VM shows up, or
  // no clone of the template is running and the request could no longer be in flight.
  const deadline = Date.parse(rec.requestedAt) + ctx.inFlightWindowMs;
  ctx.report('a clone requested by an earlier run may still be in flight; waiting for it');
  for (;;) {
    const vm = await findOurs(ctx, req);
    if (vm) return vm;
    const running = await runningClonesOf(ctx);
    for (const t of running) await ctx.vim.waitForTask(t, `clone of ${req.node}`, ctx.taskTimeoutMs).catch(() => undefined);
    if (running.length === 0 && Date.now() >= deadline) return findOurs(ctx, req);
    if (running.length === 0) await sleep(Math.min(1000, Math.max(0, deadline - Date.now())));
  }
}

/** Answers the node's VM, cloning it only when it does not exist and no earlier clone is still on its way. */
export async function ensureCloned(ctx: CloneContext, req: CloneRequest): Promise<{ vm: VmView; created: boolean }> {
  const existing = (await findOurs(ctx, req)) ?? (await settlePrevious(ctx, req));
  if (existing) {
    await ctx.ledger.settle(req.node, existing.instanceUuid);
    return { vm: existing, created: false };
  }
  const sameName = await ctx.vim.findByInventoryPath(req.inventoryPath);
  if (sameName)
    throw new VmOwnershipError(
      `vCenter already has "${req.inventoryPath}" and akb did not create it (it lacks instance UUID ${req.spec.instanceUuid}): remove or rename it, or give the node another name`,
    );
  const requestedAt = new Date().toISOString();
  await ctx.ledger.put({ node: req.node, instanceUuid: req.spec.instanceUuid, requestedAt });
  ctx.report(`cloning ${req.spec.name} from the template`);
  const spec = cloneSpec({ ...req.spec, templateDevices: ctx.template.devices });
  const task = await ctx.vim.cloneVm(ctx.template.ref, req.spec.folder, req.spec.name, spec);
  await ctx.ledger.put({ node: req.node, instanceUuid: req.spec.instanceUuid, requestedAt, task: task.value });
  const info = await ctx.vim.waitForTask(task, `clone of ${req.node}`, ctx.taskTimeoutMs);
  const vm = info.result ? await observeVm(ctx.vim, info.result) : undefined;
  if (!vm) throw new Error(`clone of ${req.node} succeeded but vCenter reports no VM`);
  if (vm.instanceUuid !== req.spec.instanceUuid)
    throw new VmOwnershipError(
      `vCenter gave the clone of ${req.node} instance UUID ${vm.instanceUuid} instead of ${req.spec.instanceUuid} (another VM already has it?)`,
    );
  await ctx.ledger.settle(req.node, vm.instanceUuid);
  return { vm: assertOurs(vm, req), created: true };
}
