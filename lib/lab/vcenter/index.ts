export { startLabVcenter, type LabVcenter, type LabVcenterOptions } from './server';
export { VcenterInventory, type VcenterSeed, type TwinVm } from './inventory';
export { cloudInitGuest, decodeGuestinfo, plannedAddress, type GuestBoot, type GuestReports, type GuestRuntime } from './guest';
export { LAB_TEMPLATE_PATH, LAB_VCENTER, labPortGroupName, labVsphereSpec, vcenterSeedFor, type LabVcenterFiles } from './seed';
export { BOOTSTRAP_GUESTINFO, mimicGuest } from './mimic-guest';
