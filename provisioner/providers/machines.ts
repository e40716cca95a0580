import type { ClusterNode } from '../spec/schema';

/**
 * The machine seam: what the apply engine asks of the place a node runs on, whether a vSphere VM cloned by
 * akb or a bare-metal host reached over SSH. Each call is one reconcile step (observe, act, wait), safe to
 * repeat after a crash: `ensure` never creates a second machine, and a bootstrap phase that is done is never
 * run again. Providers report progress as events naming what they wait for; they never emit a secret.
 *
 * Order is the engine's concern: every artefact is final before any machine exists (so machines can be
 * created in parallel), but the first master's bootstrap must succeed before others can join. A VM's
 * cloud-init runs on its own once powered on (kubeadm join retries discovery meanwhile); over SSH the phases
 * run inside `waitForBootstrap`, so the engine calls it for the first master before the others.
 */

/** One file a node needs: written by cloud-init `write_files` on a VM, uploaded over SSH on a host. */
export interface BootstrapFile {
  /** Absolute path on the node. */
  path: string;
  content: string;
  /** File mode, e.g. 0o600. */
  mode: number;
  /** Holds a secret (a key, a token, a password). */
  secret: boolean;
  /** Needed only to bootstrap (the kubeadm configuration with the join token): removed once bootstrap succeeded. */
  bootstrapOnly: boolean;
}

/** What akb hands a machine to boot it, secrets filled in (in memory only: never journalled, never in the plan). */
export interface MachineBootstrap {
  /** cloud-init user data (`#cloud-config`): the files below plus one runcmd that runs every phase. */
  userData: string;
  /** cloud-init instance metadata (`instance-id`, `local-hostname`), YAML. */
  metadata: string;
  /** The files of the user data, the bootstrap script among them, for providers that deliver files themselves. */
  files: BootstrapFile[];
  /** Path of the bootstrap script on the node; `<script> <phase>` runs one phase, `<script> all` every phase. */
  script: string;
  /** The script's phases, in order. */
  phases: readonly string[];
  /** Written by the last phase: the one signal that bootstrap succeeded. */
  sentinel: string;
}

/** The node a machine is for, and the cluster it belongs to. */
export interface MachineRef {
  cluster: string;
  node: ClusterNode;
}

export type PowerState = 'on' | 'off' | 'suspended';

export type BootstrapState = 'not-started' | 'running' | 'succeeded' | 'failed' | 'unknown';

export interface MachineObservation {
  node: string;
  /** A VM: found (by instance UUID, then inventory path). A host: reachable with its pinned host key. */
  exists: boolean;
  /** akb created it (VMs it cloned). Always false for a bare-metal host: akb never owns the host itself. */
  createdByAkb: boolean;
  power?: PowerState;
  /** The node's address on the node network, once known (the guest IP; the host's SSH address). */
  address?: string;
  bootstrap: {
    state: BootstrapState;
    /** Phases whose marker is present, in script order (empty where the provider cannot see them). */
    phasesDone: string[];
    /** Why it failed, in the words of the failing phase (its stderr tail), when `state` is `failed`. */
    failure?: string;
  };
  /** Bootstrap secrets already removed from the machine (guestinfo.userdata blanked, uploaded secret files deleted). */
  scrubbed: boolean;
}

/** Progress a provider reports while it works; the engine journals it and shows it. */
export type MachineEvent =
  | { type: 'progress'; node: string; message: string; waitingFor?: string }
  | { type: 'output'; node: string; phase: string; stream: 'stdout' | 'stderr'; text: string };

export interface MachineContext {
  /** Aborted when the job is cancelled: providers stop waiting and close what they opened. */
  signal: AbortSignal;
  emit(event: MachineEvent): void;
}

export interface WaitOptions {
  timeoutMs: number;
}

/** A machine step failed: names the node, the phase where there is one, and the reason as the machine gave it. */
export class MachineError extends Error {
  constructor(
    readonly node: string,
    readonly reason: string,
    readonly phase?: string,
  ) {
    super(`node ${node}${phase ? `, phase ${phase}` : ''}: ${reason}`);
    this.name = 'MachineError';
  }
}

export interface MachineDestroyResult {
  node: string;
  /** VM: powered off and deleted. Host: bootstrap undone (kubeadm reset, akb's files removed); the host stays. */
  done: boolean;
  /** What was left and why, when not done (for example a VM akb did not create). */
  detail?: string;
}

export interface MachineProvider {
  readonly placement: ClusterNode['placement']['type'];
  /** Reads what exists; changes nothing. */
  observe(m: MachineRef, ctx: MachineContext): Promise<MachineObservation>;
  /**
   * Makes the machine exist, run and hold its bootstrap artefacts: a VM is cloned with the user data in
   * guestinfo and powered on; a host gets the files uploaded. Idempotent: what is already there is left.
   */
  ensure(m: MachineRef, boot: MachineBootstrap, ctx: MachineContext): Promise<MachineObservation>;
  /** Resolves with the node's address once the machine reports one. */
  waitForAddress(m: MachineRef, ctx: MachineContext, opts: WaitOptions): Promise<string>;
  /**
   * Resolves once the success sentinel is reached. Over SSH this runs the phases not yet done (with sudo,
   * output streamed as events); a VM runs them itself. Rejects with a MachineError carrying the reason.
   */
  waitForBootstrap(m: MachineRef, boot: MachineBootstrap, ctx: MachineContext, opts: WaitOptions): Promise<void>;
  /** Removes bootstrap secrets from the machine after success. Idempotent. */
  scrub(m: MachineRef, boot: MachineBootstrap, ctx: MachineContext): Promise<void>;
  /** Destroys a VM akb created, or releases a host (the host itself always stays). Idempotent. */
  destroy(m: MachineRef, ctx: MachineContext): Promise<MachineDestroyResult>;
  /** Closes sessions and connections. */
  close(): Promise<void>;
}
