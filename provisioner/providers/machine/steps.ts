import type { ClusterNode } from '../../spec/schema';
import {
  MachineError,
  type MachineBootstrap,
  type MachineContext,
  type MachineObservation,
  type MachineProvider,
  type MachineRef,
} from '../machines';
import type { Change, Step, StepContext, StepId } from '../step';

/**
 * The machine part of a job: one step per node, `machine:<node>`, over the MachineProvider port (a vSphere VM
 * or a bare-metal host over SSH; the step does not know which). Reconciled like every step: observe the machine,
 * act on what is missing (create it and hand it its artefacts, run or wait for the bootstrap phases not done,
 * scrub the bootstrap secrets), verify by observing again. A re-run after a kill starts from what the machine
 * shows: a VM is found by its derived instance UUID (never cloned twice), phases whose marker exists are skipped.
 *
 * The first master runs `kubeadm init`; every other node joins it, so each depends on the first master's step.
 */

export const machineStepId = (node: string): StepId => `machine:${node}`;

export interface MachineStepOptions {
  cluster: string;
  node: ClusterNode;
  provider: MachineProvider;
  /** The node's artefacts with secrets filled in: built when the step acts, never kept. */
  bootstrap: () => MachineBootstrap;
  dependsOn: readonly StepId[];
  /** How long the machine may take to report its address, and to finish bootstrap (each). */
  timeoutMs: number;
}

function machineContext(ctx: StepContext, node: string): MachineContext {
  return {
    signal: ctx.signal,
    emit(e) {
      if (e.type === 'progress') ctx.waiting(e.waitingFor ?? e.message);
      // Output goes to the journal as what the step is doing; the redactor scrubs any secret a phase echoed.
      else if (e.text.trim() !== '') ctx.waiting(`${node}: bootstrap phase ${e.phase}: ${e.text.trim().split('\n').at(-1)}`);
    },
  };
}

export class MachineStep implements Step<MachineObservation> {
  readonly id: StepId;
  readonly title: string;
  readonly dependsOn: readonly StepId[];
  private readonly ref: MachineRef;

  constructor(private readonly o: MachineStepOptions) {
    this.id = machineStepId(o.node.name);
    this.dependsOn = o.dependsOn;
    this.ref = { cluster: o.cluster, node: o.node };
    this.title = `${o.node.role} ${o.node.name} (${o.node.placement.type === 'vsphere' ? 'vSphere VM' : 'bare-metal host'})`;
  }

  observe(ctx: StepContext): Promise<MachineObservation> {
    return this.o.provider.observe(this.ref, machineContext(ctx, this.o.node.name));
  }

  diff(seen: MachineObservation): Change[] {
    const node = this.o.node.name;
    const vm = this.o.node.placement.type === 'vsphere';
    if (!seen.exists && !vm) throw new MachineError(node, `host ${this.describeHost()} is not reachable`);
    if (seen.exists && vm && !seen.createdByAkb)
      throw new MachineError(node, 'a VM of this name exists that akb did not create; it is left alone (rename or remove it)');
    if (seen.bootstrap.state === 'succeeded' && seen.scrubbed) return [];
    const changes: Change[] = [];
    if (!seen.exists) changes.push({ action: 'create', target: `VM ${node}`, note: 'clone from the template with cloud-init' });
    if (seen.bootstrap.state !== 'succeeded') {
      const left = this.phasesLeft(seen);
      changes.push({ action: 'update', target: `node ${node}`, note: `bootstrap: ${left.join(', ')}` });
    }
    changes.push({ action: 'update', target: `node ${node}`, note: 'remove the bootstrap secrets from the machine' });
    return changes;
  }

  async act(seen: MachineObservation, _changes: readonly Change[], ctx: StepContext): Promise<void> {
    const mctx = machineContext(ctx, this.o.node.name);
    const p = this.o.provider;
    const boot = this.o.bootstrap();
    if (seen.bootstrap.state !== 'succeeded') {
      await p.ensure(this.ref, boot, mctx);
      ctx.waiting(`${this.o.node.name} to report its address ${this.o.node.ipv4}`);
      await p.waitForAddress(this.ref, mctx, { timeoutMs: this.o.timeoutMs });
      ctx.waiting(`${this.o.node.name} to finish its bootstrap`);
      await p.waitForBootstrap(this.ref, boot, mctx, { timeoutMs: this.o.timeoutMs });
    }
    await p.scrub(this.ref, boot, mctx);
  }

  private phasesLeft(seen: MachineObservation): string[] {
    const done = new Set(seen.bootstrap.phasesDone);
    const phases = this.o.bootstrap().phases.filter((ph) => !done.has(ph));
    return phases.length > 0 ? phases : ['wait for the success sentinel'];
  }

  private describeHost(): string {
    const p = this.o.node.placement;
    return p.type === 'bare-metal' ? `${p.sshUser}@${p.sshHost}:${p.sshPort}` : this.o.node.name;
  }
}

/**
 * Destroy of one machine: a VM akb created is powered off and deleted; a bare-metal host has its bootstrap undone
 * and stays. What the provider leaves (a VM akb did not create) is reported in `left`.
 */
export class MachineDestroyStep implements Step<MachineObservation> {
  readonly id: StepId;
  readonly title: string;

  constructor(
    private readonly cluster: string,
    private readonly node: ClusterNode,
    private readonly provider: MachineProvider,
    readonly dependsOn: readonly StepId[],
    private readonly left: string[],
  ) {
    this.id = machineStepId(node.name);
    this.title = `${node.role} ${node.name}`;
  }

  observe(ctx: StepContext): Promise<MachineObservation> {
    return this.provider.observe({ cluster: this.cluster, node: this.node }, machineContext(ctx, this.node.name));
  }

  diff(seen: MachineObservation): Change[] {
    if (!seen.exists) return [];
    if (this.node.placement.type === 'vsphere') {
      if (!seen.createdByAkb) {
        this.left.push(`VM ${this.node.name}: not created by akb, left alone`);
        return [];
      }
      return [{ action: 'delete', target: `VM ${this.node.name}`, note: 'power off and delete' }];
    }
    if (seen.bootstrap.state === 'not-started' && seen.bootstrap.phasesDone.length === 0) return [];
    return [{ action: 'delete', target: `node ${this.node.name}`, note: 'kubeadm reset and remove akb’s files; the host stays' }];
  }

  async act(_seen: MachineObservation, _changes: readonly Change[], ctx: StepContext): Promise<void> {
    const r = await this.provider.destroy({ cluster: this.cluster, node: this.node }, machineContext(ctx, this.node.name));
    if (!r.done) this.left.push(`${this.node.name}: ${r.detail ?? 'left'}`);
  }

  async verify(): Promise<void> {
    // What destroy could not do is in `left`; the job reports it rather than failing on the first machine.
  }
}
