/**
 * The lab's node network: the addresses machines have on the node subnet (a host's SSH port, a cluster's VIP
 * and API servers), each bound to the loopback listener that plays it. Nothing outside the lab can route to
 * these addresses, as on a real site; the lab's gateway proxy (proxy.ts) is the one way in, as a jump host is.
 */
export interface Endpoint {
  host: string;
  port: number;
}

const key = (host: string, port: number) => `${host.toLowerCase()}|${port}`;

export class NodeNetwork {
  private readonly bindings = new Map<string, Endpoint & { owner: string }>();

  /** Binds `address:port` on the node network to a loopback listener; `owner` names who plays it (for messages). */
  bind(address: string, port: number, target: Endpoint, owner: string): void {
    const k = key(address, port);
    const held = this.bindings.get(k);
    if (held && held.owner !== owner) throw new Error(`node network: ${address}:${port} is already bound by ${held.owner}`);
    this.bindings.set(k, { ...target, owner });
  }

  unbind(address: string, port: number): void {
    this.bindings.delete(key(address, port));
  }

  /** Removes everything `owner` bound (a machine that is switched off or destroyed). */
  unbindOwner(owner: string): void {
    for (const [k, b] of this.bindings) if (b.owner === owner) this.bindings.delete(k);
  }

  resolve(address: string, port: number): Endpoint | undefined {
    const b = this.bindings.get(key(address, port));
    return b ? { host: b.host, port: b.port } : undefined;
  }

  /** True when anything listens on `address` (any port): the address exists on the network. */
  hasAddress(address: string): boolean {
    const prefix = `${address.toLowerCase()}|`;
    for (const k of this.bindings.keys()) if (k.startsWith(prefix)) return true;
    return false;
  }

  list(): Array<{ address: string; port: number; owner: string }> {
    return [...this.bindings].map(([k, b]) => {
      const [address = '', port = '0'] = k.split('|');
      return { address, port: Number(port), owner: b.owner };
    });
  }
}
