import type { NodeMimic } from '../nodes/mimic';
import type { GuestRuntime } from './guest';

/** The guestinfo key akb's bootstrap script sets from inside a VM (vmware-rpctool info-set). */
export const BOOTSTRAP_GUESTINFO = 'guestinfo.akb.bootstrap';

/**
 * A twin VM's guest played by the lab's node mimic: at power-on cloud-init runs the user data (write_files, then
 * akb's bootstrap script from runcmd), the script's reports land in `guestinfo.akb.bootstrap`, and the address
 * netplan gives the machine is what VMware Tools reports. The VM's instance UUID identifies the machine, so a
 * reboot of the same instance runs nothing again; destroying the VM takes its node out of the cluster.
 */
export function mimicGuest(mimic: NodeMimic, pollMs = 100): GuestRuntime {
  return {
    boot: (boot, report, signal) => {
      const id = boot.instanceUuid;
      const publishAddress = (): void => {
        const m = mimic.get(id);
        if (m?.address) report.setIp(m.address);
        if (m?.hostname) report.setHostName(m.hostname);
      };
      const timer = setInterval(publishAddress, pollMs);
      signal.addEventListener('abort', () => clearInterval(timer), { once: true });
      publishAddress();
      if (!boot.userData) return;
      void mimic
        .bootCloudInit(id, {
          host: boot.host,
          userData: boot.userData,
          ...(boot.metadata ? { metadata: boot.metadata } : {}),
          report: (value) => report.setGuestInfo(BOOTSTRAP_GUESTINFO, value),
        })
        .then(publishAddress, () => undefined);
    },
    destroyed: (vm) => mimic.destroy(vm.instanceUuid),
  };
}
