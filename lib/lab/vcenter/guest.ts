import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';

/**
 * What runs inside a twin VM once it powers on. The twin hands the guest its decoded cloud-init data and the
 * means to report back as VMware Tools and the bootstrap script would (guest address and host name, guestinfo
 * keys). The lab's node mimic is such a guest; `cloudInitGuest` is the default: it applies the user data's
 * network configuration and reports the address, as cloud-init and VMware Tools do, and bootstraps nothing.
 */
export interface GuestBoot {
  vm: string;
  instanceUuid: string;
  /** The ESXi host (a scenario host name) the VM runs on. */
  host: string;
  /** Decoded `guestinfo.userdata`, if the VM has any. */
  userData?: string;
  /** Decoded `guestinfo.metadata`, if any. */
  metadata?: string;
}

export interface GuestReports {
  setIp(ip: string | undefined): void;
  setHostName(name: string): void;
  /** What `vmware-rpctool info-set guestinfo.<key> <value>` does inside a guest. */
  setGuestInfo(key: string, value: string): void;
}

/** What runs inside twin VMs. */
export interface GuestRuntime {
  /** The VM powered on; `signal` aborts when it powers off (or the lab stops). */
  boot(boot: GuestBoot, report: GuestReports, signal: AbortSignal): void | Promise<void>;
  /** The VM was deleted: whatever its guest was (a cluster node) is gone for good. */
  destroyed?(vm: { instanceUuid: string; name: string }): void | Promise<void>;
}

/** Decodes a guestinfo value by its `.encoding` key, as cloud-init's VMware datasource does. */
export function decodeGuestinfo(value: string | undefined, encoding: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  switch ((encoding ?? '').toLowerCase()) {
    case '':
      return value;
    case 'base64':
    case 'b64':
      return Buffer.from(value, 'base64').toString('utf8');
    case 'gzip+base64':
    case 'gz+b64':
      return gunzipSync(Buffer.from(value, 'base64')).toString('utf8');
    default:
      return undefined;
  }
}

interface Netplan {
  network?: { ethernets?: Record<string, { addresses?: string[] }> };
}

/** The first static address in netplan YAML (`network.ethernets.*.addresses[0]`), without its prefix length. */
function netplanAddress(doc: unknown): string | undefined {
  const eths = (doc as Netplan | undefined)?.network?.ethernets ?? (doc as Netplan['network'])?.ethernets;
  for (const eth of Object.values(eths ?? {})) {
    const a = eth?.addresses?.[0];
    if (typeof a === 'string') return a.split('/')[0];
  }
  return undefined;
}

function safeYaml(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The address cloud-init would configure: metadata `network`, else a netplan file the user data writes. */
export function plannedAddress(boot: GuestBoot): string | undefined {
  const meta = safeYaml(boot.metadata) as { network?: unknown; 'network.encoding'?: string } | undefined;
  const net = meta?.network;
  if (net !== undefined) {
    const decoded = typeof net === 'string' ? safeYaml(decodeGuestinfo(net, meta?.['network.encoding'])) : net;
    const a = netplanAddress(decoded);
    if (a) return a;
  }
  const ud = safeYaml(boot.userData) as { write_files?: Array<{ path?: string; content?: string }> } | undefined;
  for (const f of ud?.write_files ?? []) if (f.path?.startsWith('/etc/netplan/')) return netplanAddress(safeYaml(f.content));
  return undefined;
}

export function hostNameOf(boot: GuestBoot): string | undefined {
  const meta = safeYaml(boot.metadata) as { 'local-hostname'?: unknown } | undefined;
  return typeof meta?.['local-hostname'] === 'string' ? meta['local-hostname'] : undefined;
}

/** The default guest: boots for `bootMs`, then reports its host name and the address its cloud-init data sets. */
export function cloudInitGuest(bootMs = 300): GuestRuntime {
  return {
    boot: (boot, report, signal) => {
      const t = setTimeout(() => {
        if (signal.aborted) return;
        const host = hostNameOf(boot);
        if (host) report.setHostName(host);
        report.setIp(plannedAddress(boot));
      }, bootMs);
      signal.addEventListener('abort', () => clearTimeout(t), { once: true });
    },
  };
}
