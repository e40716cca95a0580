import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../lib/logging';
import type { Spec } from '../../spec/schema';
import {
  MachineError,
  type MachineBootstrap,
  type MachineContext,
  type MachineDestroyResult,
  type MachineObservation,
  type MachineProvider,
  type MachineRef,
  type PowerState,
  type WaitOptions,
} from '../machines';
import type { CloneLedger } from './clone-ledger';
import { normaliseThumbprint, type VcenterTrust } from './transport';
import { VmOwnershipError } from './vm-clone';
import { VsphereMachines, type CallContext, type VmStatus } from './vsphere-machines';

/**
 * The vSphere machine provider: the engine's `MachineProvider` seam over `VsphereMachines`. A node's VM is
 * found by its derived instance UUID; its bootstrap progress is what the guest's bootstrap script reports in
 * `guestinfo.akb.bootstrap`. Every failure reaches the engine as a MachineError naming the node.
 */
export type VsphereSpec = NonNullable<Spec['cluster']['vsphere']>;

export interface VsphereProviderOptions {
  vsphere: VsphereSpec;
  /** The vCenter password, resolved from `cluster.vsphere.credentials` by the caller; never logged. */
  password: string;
  ledger: CloneLedger;
  logger?: Logger;
  /** Per-call HTTP timeout (default 60 s); also how long an unanswered clone request is assumed in flight. */
  timeoutMs?: number;
}

/** `cluster.vsphere.tls` → how the certificate is verified (system trust store unless the spec says otherwise). */
export function vcenterTrust(tls: VsphereSpec['tls']): VcenterTrust {
  if (tls?.thumbprint) {
    const thumbprint = normaliseThumbprint(tls.thumbprint);
    if (!thumbprint) throw new Error('cluster.vsphere.tls.thumbprint: must be a SHA-1 or SHA-256 certificate thumbprint in hex');
    return { kind: 'thumbprint', thumbprint };
  }
  if (tls?.caFile) {
    try {
      return { kind: 'ca', caPem: readFileSync(tls.caFile, 'utf8') };
    } catch (err) {
      throw new Error(`cluster.vsphere.tls.caFile: cannot read "${tls.caFile}" (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
  }
  return { kind: 'system' };
}

const POWER: Record<string, PowerState> = { poweredOn: 'on', poweredOff: 'off', suspended: 'suspended' };

/** Reads the guest's report: `running:<phase>`, `succeeded`, `failed:<phase>: <reason>`. */
export function parseBootstrapReport(
  report: string | undefined,
): { state: 'running' | 'succeeded' | 'failed'; phase?: string; reason?: string } | undefined {
  if (!report) return undefined;
  if (report === 'succeeded') return { state: 'succeeded' };
  const running = /^running:(.+)$/.exec(report);
  if (running) return { state: 'running', phase: running[1] };
  const failed = /^failed:([^:]+):\s*([\s\S]*)$/.exec(report);
  if (failed) return { state: 'failed', phase: failed[1], reason: failed[2] || 'failed' };
  return undefined;
}

function observation(m: MachineRef, s: VmStatus | undefined): MachineObservation {
  if (!s)
    return { node: m.node.name, exists: false, createdByAkb: false, bootstrap: { state: 'not-started', phasesDone: [] }, scrubbed: false };
  const power = POWER[s.powerState];
  const report = parseBootstrapReport(s.bootstrapReport);
  const state = report?.state ?? (power === 'off' ? 'not-started' : 'unknown');
  return {
    node: m.node.name,
    exists: true,
    createdByAkb: s.ownedByAkb,
    ...(power ? { power } : {}),
    ...(s.guestIps.includes(m.node.ipv4) ? { address: m.node.ipv4 } : {}),
    bootstrap: { state, phasesDone: [], ...(report?.state === 'failed' ? { failure: `${report.phase}: ${report.reason}` } : {}) },
    scrubbed: !s.hasUserData,
  };
}

function vmPlacement(m: MachineRef) {
  const p = m.node.placement;
  if (p.type !== 'vsphere') throw new MachineError(m.node.name, `placement is ${p.type}, not vsphere`);
  return p;
}

export class VsphereProvider implements MachineProvider {
  readonly placement = 'vsphere' as const;
  private connecting?: Promise<VsphereMachines>;

  constructor(private readonly opts: VsphereProviderOptions) {}

  private machines(): Promise<VsphereMachines> {
    if (!this.connecting) {
      const { vsphere, password, ledger, logger, timeoutMs } = this.opts;
      this.connecting = VsphereMachines.connect({
        connection: { url: vsphere.url, username: vsphere.username, password, trust: vcenterTrust(vsphere.tls), timeoutMs, logger },
        placement: vsphere,
        ledger,
        logger,
      });
      this.connecting.catch(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  /** Runs one step, turning any failure into a MachineError that names the node. */
  private async step<T>(m: MachineRef, fn: (vms: VsphereMachines, call: CallContext) => Promise<T>, ctx: MachineContext): Promise<T> {
    const node = m.node.name;
    const call: CallContext = {
      signal: ctx.signal,
      report: (message, waitingFor) => ctx.emit({ type: 'progress', node, message, ...(waitingFor ? { waitingFor } : {}) }),
    };
    try {
      return await fn(await this.machines(), call);
    } catch (err) {
      if (err instanceof MachineError) throw err;
      throw new MachineError(node, err instanceof Error ? err.message : String(err));
    }
  }

  observe(m: MachineRef, ctx: MachineContext): Promise<MachineObservation> {
    return this.step(m, async (vms) => observation(m, await vms.status(m.cluster, m.node.name)), ctx);
  }

  ensure(m: MachineRef, boot: MachineBootstrap, ctx: MachineContext): Promise<MachineObservation> {
    const p = vmPlacement(m);
    return this.step(
      m,
      async (vms, call) => {
        const req = {
          cluster: m.cluster,
          node: m.node.name,
          template: p.template,
          cpus: p.cpus,
          memoryMiB: p.memoryMiB,
          diskGiB: p.diskGiB,
        };
        await vms.ensure({ ...req, userData: boot.userData, metadata: boot.metadata }, call);
        await vms.powerOn(m.cluster, m.node.name, call);
        return observation(m, await vms.status(m.cluster, m.node.name));
      },
      ctx,
    );
  }

  waitForAddress(m: MachineRef, ctx: MachineContext, opts: WaitOptions): Promise<string> {
    return this.step(m, (vms, call) => vms.waitForIp(m.cluster, m.node.name, m.node.ipv4, opts.timeoutMs, call), ctx);
  }

  /** A VM bootstraps itself (cloud-init runs the phases); this waits for the guest's report of the sentinel. */
  waitForBootstrap(m: MachineRef, _boot: MachineBootstrap, ctx: MachineContext, opts: WaitOptions): Promise<void> {
    return this.step(
      m,
      async (vms, call) => {
        const deadline = Date.now() + opts.timeoutMs;
        let last: string | undefined;
        call.report?.('waiting for the guest to finish bootstrap', 'guestinfo.akb.bootstrap = succeeded');
        for (let delay = 500; ; delay = Math.min(5000, delay * 2)) {
          const s = await vms.status(m.cluster, m.node.name);
          if (!s) throw new MachineError(m.node.name, 'the VM disappeared while bootstrapping');
          const r = parseBootstrapReport(s.bootstrapReport);
          if (r?.state === 'succeeded') return;
          if (r?.state === 'failed') throw new MachineError(m.node.name, r.reason ?? 'failed', r.phase);
          if (s.bootstrapReport !== last && r?.phase) call.report?.(`bootstrap running phase ${r.phase}`);
          last = s.bootstrapReport;
          if (Date.now() + delay > deadline)
            throw new MachineError(
              m.node.name,
              `bootstrap did not finish within ${Math.round(opts.timeoutMs / 1000)} s (${last ? `last report: ${last}` : 'the guest reported nothing'})`,
              r?.phase,
            );
          await sleep(delay, undefined, { signal: ctx.signal });
        }
      },
      ctx,
    );
  }

  scrub(m: MachineRef, _boot: MachineBootstrap, ctx: MachineContext): Promise<void> {
    return this.step(m, async (vms, call) => void (await vms.scrubUserData(m.cluster, m.node.name, call)), ctx);
  }

  destroy(m: MachineRef, ctx: MachineContext): Promise<MachineDestroyResult> {
    const node = m.node.name;
    return this.step(
      m,
      async (vms, call) => {
        try {
          const r = await vms.destroy(m.cluster, node, call);
          return { node, done: true, ...(r === 'absent' ? { detail: 'no VM to delete' } : {}) };
        } catch (err) {
          // A VM that is not akb's is left alone and reported; anything else (vCenter down...) is an error.
          if (err instanceof VmOwnershipError) return { node, done: false, detail: err.message };
          throw err;
        }
      },
      ctx,
    );
  }

  async close(): Promise<void> {
    const c = this.connecting;
    this.connecting = undefined;
    if (c) await (await c.catch(() => undefined))?.close();
  }
}
