import type { XmlElement } from '../../vsphere/xml';

/** A vim25 fault the twin answers (InvalidLogin, ManagedObjectNotFound, InvalidPowerState...), with its detail members. */
export class TwinFault extends Error {
  constructor(
    readonly faultType: string,
    message: string,
    readonly detail: XmlElement[] = [],
  ) {
    super(message);
    this.name = 'TwinFault';
  }
}
