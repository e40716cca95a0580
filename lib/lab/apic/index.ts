/**
 * The lab APIC: a simulated Cisco APIC speaking the real REST + websocket wire protocol (WIRE.md part A) over a
 * shared in-memory management information tree. `startLabApic()` runs a controller; `ApicTree` is the MIT the lab
 * model fills and several controllers may share.
 */
export { startLabApic, type LabApic, type LabApicFaults, type LabApicOptions, type LabApicRequestRecord } from './server';
export { ApicTree, type MoRecord, type TreeChange, type TreeChangeKind, type TreeListener, type TreeOp } from './tree';
export { createUserCert, labTlsMaterial, type TlsMaterial, type UserCert } from './certs';
export { addLabUser, type LabUser } from './users';
export { parseFilter, evalFilter, type Filter } from './filter';
export { ApicError } from './errors';
export { writeFaultsFor, configWriteFaultSchema, type ConfigWriteFault, type ConfigWriteFaultInput } from './write-faults';
export { backupsFor } from './backups';
