/**
 * One machine of the lab as its node mimic sees it: the files written on it (a VM's cloud-init `write_files`,
 * a host's uploads over SSH), the address netplan gave it, and which cluster node it became. The bootstrap
 * phases act on these files exactly where the real script would (markers, sentinel, kubeadm's own files).
 */
export interface MachineFile {
  content: string;
  mode: number;
}

export type MachineKind = 'bare-metal' | 'vm';

export class MimicMachine {
  private readonly files = new Map<string, MachineFile>();
  /** The node-subnet address netplan configured (the system phase reads it). */
  address?: string;
  /** The cluster and node this machine became (kubeadm init or join succeeded). */
  joined?: { cluster: string; node: string; controlPlane: boolean };

  constructor(
    readonly id: string,
    readonly kind: MachineKind,
    /** The scenario host it runs on: the bare-metal host itself, or the hypervisor of a VM. */
    readonly host: string,
    public hostname: string,
  ) {}

  write(path: string, content: string, mode = 0o644): void {
    this.files.set(path, { content, mode });
  }

  read(path: string): string | undefined {
    return this.files.get(path)?.content;
  }

  stat(path: string): MachineFile | undefined {
    return this.files.get(path);
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  remove(path: string): void {
    this.files.delete(path);
  }

  /** Paths under a directory (not recursive into sub-directories' names: a flat prefix match). */
  list(dir: string): string[] {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    return [...this.files.keys()].filter((p) => p.startsWith(prefix)).sort();
  }

  removeTree(dir: string): void {
    for (const p of this.list(dir)) this.files.delete(p);
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }
}
