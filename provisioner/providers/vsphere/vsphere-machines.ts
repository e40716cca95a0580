import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../../../lib/logging';
import { extraConfigSpec, GUESTINFO, guestinfoFor, instanceUuidFor, OWNER_KEY, ownerValue, sizingSpec } from './clone-spec';
import type { CloneLedger } from './clone-ledger';
import { resolvePlacement, resolveTemplate, type ResolvedPlacement, type ResolvedTemplate, type VspherePlacement } from './inventory';
import { VimSession, type VcenterConnection } from './session';
import { Vim } from './vim';
import { ensureCloned, VmOwnershipError } from './vm-clone';
import { observeVm, type VmView } from './vm-observe';

/**
 * akb's VMs on one vCenter: clone (idempotently) from the spec's template with cloud-init in guestinfo, size,
 * power on, wait for the guest's address, scrub the user data after bootstrap, and destroy only what akb made.
 * Each operation observes first and acts only on a difference, so calling it again is how a run resumes.
 */
export interface VsphereMachinesOptions {
  connection: VcenterConnection;
  placement: VspherePlacement;
  ledger: CloneLedger;
  logger?: Logger;
  taskTimeoutMs?: number;
}

/** Per call: where progress goes (the job's journal) and what cancels the wait. */
export interface CallContext {
  report?(message: string, waitingFor?: string): void;
  signal?: AbortSignal;
}

/** One node's VM as the spec and the bootstrap artefacts describe it. */
export interface VmRequest {
  cluster: string;
  node: string;
  template: string;
  cpus: number;
  memoryMiB: number;
  diskGiB: number;
  /** cloud-init user data, final (secrets filled in); never logged. */
  userData: string;
  /** cloud-init instance metadata (instance-id, local-hostname); no secret. */
  metadata: string;
}

export interface VmStatus {
  name: string;
  instanceUuid: string;
  powerState: string;
  guestIps: string[];
  /** Whether guestinfo still carries user data (it must not after bootstrap). */
  hasUserData: boolean;
  /** What the guest's bootstrap script last reported (`guestinfo.akb.bootstrap`), if anything. */
  bootstrapReport?: string;
  /** Carries akb's owner mark for this cluster and node. */
  ownedByAkb: boolean;
}

/** Set by the bootstrap script inside the guest (`vmware-rpctool info-set`): running:<phase> | succeeded | failed:<phase>: <reason>. */
export const BOOTSTRAP_REPORT_KEY = 'guestinfo.akb.bootstrap';

const status = (vm: VmView, owner?: string): VmStatus => {
  const report = vm.extraConfig.get(BOOTSTRAP_REPORT_KEY);
  return {
    name: vm.name,
    instanceUuid: vm.instanceUuid,
    powerState: vm.powerState,
    guestIps: vm.guestIps,
    hasUserData: (vm.extraConfig.get(GUESTINFO.userdata) ?? '') !== '',
    ...(report ? { bootstrapReport: report } : {}),
    ownedByAkb: owner !== undefined && !vm.template && vm.extraConfig.get(OWNER_KEY) === owner,
  };
};

export class VsphereMachines {
  private placement?: Promise<ResolvedPlacement>;
  private readonly templates = new Map<string, Promise<ResolvedTemplate>>();
  private readonly logger: Logger;
  private readonly taskTimeoutMs: number;

  private constructor(
    private readonly vim: Vim,
    private readonly opts: VsphereMachinesOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    this.taskTimeoutMs = opts.taskTimeoutMs ?? 30 * 60_000;
  }

  static async connect(opts: VsphereMachinesOptions): Promise<VsphereMachines> {
    const session = await VimSession.login(opts.connection);
    return new VsphereMachines(new Vim(session), opts);
  }

  private report(ctx: CallContext | undefined, node: string, message: string, waitingFor?: string): void {
    this.logger.info({ node }, message);
    ctx?.report?.(message, waitingFor);
  }

  private where(): Promise<ResolvedPlacement> {
    this.placement ??= resolvePlacement(this.vim, this.opts.placement);
    this.placement.catch(() => (this.placement = undefined));
    return this.placement;
  }

  private template(name: string): Promise<ResolvedTemplate> {
    let t = this.templates.get(name);
    if (!t) {
      t = resolveTemplate(this.vim, this.opts.placement.datacenter, name, 'placement.template');
      t.catch(() => this.templates.delete(name));
      this.templates.set(name, t);
    }
    return t;
  }

  private async find(cluster: string, node: string): Promise<VmView | undefined> {
    const ref = await this.vim.findVmByInstanceUuid(instanceUuidFor(cluster, node));
    return ref ? observeVm(this.vim, ref) : undefined;
  }

  /** The node's VM as vCenter shows it, or undefined when there is none. */
  async status(cluster: string, node: string): Promise<VmStatus | undefined> {
    const vm = await this.find(cluster, node);
    return vm ? status(vm, ownerValue(cluster, node)) : undefined;
  }

  /** Clones the VM if it does not exist, then corrects CPU and memory while it is off. */
  async ensure(req: VmRequest, ctx?: CallContext): Promise<VmStatus & { created: boolean }> {
    const where = await this.where();
    const template = await this.template(req.template);
    const instanceUuid = instanceUuidFor(req.cluster, req.node);
    const { vm, created } = await ensureCloned(
      {
        vim: this.vim,
        ledger: this.opts.ledger,
        template,
        inFlightWindowMs: this.opts.connection.timeoutMs ?? 60_000,
        taskTimeoutMs: this.taskTimeoutMs,
        report: (m) => this.report(ctx, req.node, m),
      },
      {
        node: req.node,
        inventoryPath: `${where.folderPath}/${req.node}`,
        owner: ownerValue(req.cluster, req.node),
        spec: {
          name: req.node,
          instanceUuid,
          cpus: req.cpus,
          memoryMiB: req.memoryMiB,
          diskGiB: req.diskGiB,
          annotation: `Kubernetes node ${req.node} of cluster ${req.cluster}, created by akb: akb destroys it with the cluster.`,
          extraConfig: [[OWNER_KEY, ownerValue(req.cluster, req.node)], ...guestinfoFor(req.userData, req.metadata)],
          folder: where.folder,
          pool: where.pool,
          datastore: where.datastore,
          network: where.network,
        },
      },
    );
    let current = vm;
    if (vm.cpus !== req.cpus || vm.memoryMiB !== req.memoryMiB) {
      if (vm.powerState === 'poweredOff') {
        this.report(ctx, req.node, `sizing to ${req.cpus} CPUs and ${req.memoryMiB} MiB (was ${vm.cpus} and ${vm.memoryMiB})`);
        await this.vim.waitForTask(await this.vim.reconfigure(vm.ref, sizingSpec(req.cpus, req.memoryMiB)), `resize of ${req.node}`);
        current = (await observeVm(this.vim, vm.ref)) ?? vm;
      } else {
        // Machines are replaced, not edited in place: a running node keeps its size, and the drift is reported.
        this.logger.warn(
          { node: req.node, cpus: vm.cpus, memoryMiB: vm.memoryMiB },
          `${req.node} runs with ${vm.cpus} CPUs and ${vm.memoryMiB} MiB; the spec asks ${req.cpus} and ${req.memoryMiB}`,
        );
      }
    }
    return { ...status(current, ownerValue(req.cluster, req.node)), created };
  }

  private async mustFind(cluster: string, node: string): Promise<VmView> {
    const vm = await this.find(cluster, node);
    if (!vm) throw new Error(`node ${node}: no VM with instance UUID ${instanceUuidFor(cluster, node)} in vCenter`);
    return vm;
  }

  async powerOn(cluster: string, node: string, ctx?: CallContext): Promise<void> {
    const vm = await this.mustFind(cluster, node);
    if (vm.powerState === 'poweredOn') return;
    this.report(ctx, node, 'powering on');
    await this.vim.waitForTask(await this.vim.powerOn(vm.ref), `power-on of ${node}`, this.taskTimeoutMs);
  }

  /**
   * Waits until the guest reports `expectedIp` (the node's address from the spec) through VMware Tools. On
   * timeout the error says what the guest does report, which is what users need ("timeout waiting for an IP").
   */
  async waitForIp(cluster: string, node: string, expectedIp: string, timeoutMs = 15 * 60_000, ctx?: CallContext): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    this.report(ctx, node, `waiting for the guest to report ${expectedIp}`, `guest IP ${expectedIp} from VMware Tools`);
    let last: VmView | undefined;
    for (let delay = 250; ; delay = Math.min(5000, delay * 2)) {
      last = await this.mustFind(cluster, node);
      if (last.guestIps.includes(expectedIp)) return expectedIp;
      if (Date.now() + delay > deadline) break;
      await sleep(delay, undefined, { signal: ctx?.signal });
    }
    const seen = last.guestIps.length > 0 ? `it reports ${last.guestIps.join(', ')}` : 'it reports no address (are VMware Tools running?)';
    throw new Error(
      `node ${node}: the guest did not report ${expectedIp} within ${Math.round(timeoutMs / 1000)} s; ${seen}, power ${last.powerState}`,
    );
  }

  /** Blanks `guestinfo.userdata` (CAPV #582): after bootstrap the PKI must not stay readable from vCenter. */
  async scrubUserData(cluster: string, node: string, ctx?: CallContext): Promise<boolean> {
    const vm = await this.mustFind(cluster, node);
    if (!status(vm).hasUserData) return false;
    this.report(ctx, node, 'removing the bootstrap user data from guestinfo');
    const spec = extraConfigSpec([
      [GUESTINFO.userdata, ''],
      [GUESTINFO.userdataEncoding, ''],
    ]);
    await this.vim.waitForTask(await this.vim.reconfigure(vm.ref, spec), `user-data scrub of ${node}`, this.taskTimeoutMs);
    const after = await this.mustFind(cluster, node);
    if (status(after).hasUserData) throw new Error(`node ${node}: guestinfo.userdata is still set after the scrub`);
    return true;
  }

  /**
   * Powers off and deletes the node's VM if, and only if, it carries both akb's derived instance UUID and akb's
   * owner mark. Answers what happened; a VM that is not akb's is refused, never touched.
   */
  async destroy(cluster: string, node: string, ctx?: CallContext): Promise<'destroyed' | 'absent'> {
    const vm = await this.find(cluster, node);
    if (!vm) {
      await this.opts.ledger.forget(node);
      return 'absent';
    }
    if (vm.template || vm.extraConfig.get(OWNER_KEY) !== ownerValue(cluster, node))
      throw new VmOwnershipError(
        `node ${node}: VM "${vm.name}" (instance UUID ${vm.instanceUuid}) is not marked as akb's; not deleting it`,
      );
    if (vm.powerState !== 'poweredOff') {
      this.report(ctx, node, 'powering off');
      await this.vim.waitForTask(await this.vim.powerOff(vm.ref), `power-off of ${node}`, this.taskTimeoutMs);
    }
    this.report(ctx, node, 'deleting the VM');
    await this.vim.waitForTask(await this.vim.destroy(vm.ref), `deletion of ${node}`, this.taskTimeoutMs);
    await this.opts.ledger.forget(node);
    return 'destroyed';
  }

  async close(): Promise<void> {
    await this.vim.session.logout();
  }
}
