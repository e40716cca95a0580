import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseLabEvent } from './events';
import { parseEventArgs } from './cli';

describe('parseEventArgs', () => {
  it('turns field=value words into an event the schema accepts, with numbers and lists by field', () => {
    const body = parseEventArgs('move-cable', ['host=worker-6', 'leaves=103,104', 'ports=eth1/20,eth1/20', 'link=0', 'policyGroup=w6_vpc']);
    expect(body).toEqual({
      kind: 'move-cable',
      host: 'worker-6',
      leaves: [103, 104],
      ports: ['eth1/20', 'eth1/20'],
      link: 0,
      policyGroup: 'w6_vpc',
    });
    expect(parseLabEvent(body)).toMatchObject({ kind: 'move-cable', leaves: [103, 104] });
    expect(parseEventArgs('scale-deployment', ['namespace=shop', 'name=db', 'replicas=4'])).toEqual({
      kind: 'scale-deployment',
      namespace: 'shop',
      name: 'db',
      replicas: 4,
    });
  });

  it('leaves non-numeric values for the schema to reject by field', () => {
    const body = parseEventArgs('scale-deployment', ['name=db', 'replicas=many']);
    expect(() => parseLabEvent(body)).toThrow(/replicas: .*expected number/);
  });

  it('rejects words that are not field=value', () => {
    expect(() => parseEventArgs('fail-node', ['worker-1'])).toThrow(InvalidArgumentError);
  });
});
