import { configWriteFaultSchema, type LabApicFaults } from '../apic';
import type { LabFaultControl } from './control-server';
import { LabEventError } from './schema';

/**
 * The faults the control API can arm, by name. `apic-config-write`: the Nth configuration write to the lab APIC
 * from now fails with the given APIC error (`{nth=1, status=400, code="400", text?}`, see apic/write-faults.ts).
 */
export function labFaultControl(apic: LabApicFaults): LabFaultControl {
  const known = ['apic-config-write'];
  const check = (name: string): void => {
    if (!known.includes(name)) throw new LabEventError([`(path): no fault "${name}"; known: ${known.join(', ')}`], 404);
  };
  return {
    armed: () => ({ 'apic-config-write': apic.armedConfigWriteFault() ?? null }),
    arm(name, input) {
      check(name);
      const parsed = configWriteFaultSchema.safeParse(input ?? {});
      if (!parsed.success)
        throw new LabEventError(
          parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
          400,
        );
      return apic.failConfigWrite(parsed.data);
    },
    disarm(name) {
      check(name);
      apic.clearConfigWriteFault();
    },
  };
}
