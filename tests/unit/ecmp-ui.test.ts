import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChurnTimeline } from '../../app/ecmp/churn-timeline';
import { EcmpMatrix } from '../../app/ecmp/matrix';
import { REHASH_MODEL, type ChurnEvent, type PrefixAnalysis } from '../../lib/topology/ecmp';

const prefix: PrefixAnalysis = {
  prefix: '192.168.39.1/32',
  policy: 'Local',
  services: ['service:shop/frontend'],
  advertisers: ['node:w1', 'node:w2'],
  excluded: [],
  leaves: [
    { leaf: 'leaf:101', installed: ['node:w1', 'node:w3'], expected: ['node:w1', 'node:w2'] },
    { leaf: 'leaf:102', installed: ['node:w1', 'node:w2'], expected: ['node:w1', 'node:w2'] },
  ],
  cells: [
    { leaf: 'leaf:101', node: 'node:w1', expected: true, installed: true, state: 'installed' },
    { leaf: 'leaf:101', node: 'node:w2', expected: true, installed: false, state: 'missing', cause: 'session-down' },
    { leaf: 'leaf:101', node: 'node:w3', expected: false, installed: true, state: 'stale', cause: 'no-ready-endpoint' },
    { leaf: 'leaf:102', node: 'node:w1', expected: true, installed: true, state: 'installed' },
    { leaf: 'leaf:102', node: 'node:w2', expected: true, installed: true, state: 'installed' },
  ],
};

describe('ECMP page components', () => {
  it('the matrix has a row per leaf, a column per node, and each cell says its state and cause', () => {
    const html = renderToStaticMarkup(createElement(EcmpMatrix, { prefix }));
    expect(html.match(/data-testid="ecmp-row"/g)?.length).toBe(2);
    expect(html.match(/data-testid="ecmp-cell"/g)?.length).toBe(5);
    expect(html).toContain('data-state="missing"');
    expect(html).toMatch(/w2 on 101: expected, not installed \(session-down\)/);
    expect(html).toMatch(/w3 on 101: installed, not expected \(no-ready-endpoint\)/);
    expect(html).toContain('2 / 2');
  });

  it('the timeline lists each churn event with its estimate, and states the model', () => {
    const e: ChurnEvent = {
      at: '2026-11-25T06:00:00.000Z',
      leaf: 'leaf:101',
      prefix: prefix.prefix,
      services: prefix.services,
      before: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      after: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'],
      added: ['10.0.0.4'],
      removed: [],
      causes: [{ kind: 'endpoint-added', node: 'node:w4', service: 'service:shop/frontend' }],
      movedShare: 0.75,
      model: REHASH_MODEL,
    };
    const html = renderToStaticMarkup(createElement(ChurnTimeline, { events: [e], model: REHASH_MODEL }));
    expect(html).toContain('data-testid="churn-event"');
    expect(html).toContain('75%');
    expect(html).toContain('3 → 4');
    expect(html).toContain('endpoint-added w4');
    expect(html).toContain('modulo-N hashing');
    expect(renderToStaticMarkup(createElement(ChurnTimeline, { events: [], model: REHASH_MODEL }))).toContain('churn-empty');
  });
});
