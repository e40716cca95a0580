import { describe, expect, it } from 'vitest';
import { createMetrics, patchBytes } from './metrics';
import { sourceStatus } from '../../shared/source-status';

/** The value of one sample line, e.g. `akb_source_state{source="apic",state="down"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('createMetrics', () => {
  it('exports revision, websocket clients and one-hot source states on its own registry', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setRevision(42);
    m.setWebsocketClients(3);
    m.setSources({ kubernetes: sourceStatus('synced'), apic: sourceStatus('down', 'login refused') });
    const text = await m.text();
    expect(sample(text, 'akb_graph_revision')).toBe(42);
    expect(sample(text, 'akb_websocket_clients')).toBe(3);
    expect(sample(text, 'akb_source_state{source="kubernetes",state="synced"}')).toBe(1);
    expect(sample(text, 'akb_source_state{source="kubernetes",state="down"}')).toBe(0);
    expect(sample(text, 'akb_source_state{source="apic",state="down"}')).toBe(1);
    expect(sample(text, 'akb_source_stale{source="apic"}')).toBe(1);
    expect(sample(text, 'akb_source_stale{source="kubernetes"}')).toBe(0);
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    // A second instance does not see the first one's values (no global registry).
    expect(sample(await createMetrics({ processMetrics: false }).text(), 'akb_graph_revision')).toBe(0);
  });

  it('drops the series of a source that is no longer reported', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setSources({ kubernetes: sourceStatus('synced'), apic: sourceStatus('synced') });
    m.setSources({ kubernetes: sourceStatus('degraded', 'resyncing: pods') });
    const text = await m.text();
    expect(text).not.toContain('source="apic"');
    expect(sample(text, 'akb_source_state{source="kubernetes",state="degraded"}')).toBe(1);
  });

  it('turns growing APIC request snapshots into counters, surviving a client that restarts from zero', async () => {
    const m = createMetrics({ processMetrics: false });
    m.setApicRequestCounts({ login: 1, query: 13, subscribe: 0 });
    m.setApicRequestCounts({ login: 1, query: 20, subscribe: 13 });
    // A fresh client (e.g. after failover) counts from zero again: 2 more logins, not -(-1).
    m.setApicRequestCounts({ login: 2, query: 20, subscribe: 13 });
    m.setApicRequestCounts({ login: 1, query: 5, subscribe: 13 });
    const text = await m.text();
    expect(sample(text, 'akb_apic_requests_total{kind="login"}')).toBe(3);
    expect(sample(text, 'akb_apic_requests_total{kind="query"}')).toBe(25);
    expect(sample(text, 'akb_apic_requests_total{kind="subscribe"}')).toBe(13);
  });

  it('observes publish latency in seconds and patch sizes in bytes; snapshots are counted apart', async () => {
    const m = createMetrics({ processMetrics: false });
    m.observePublish({ latencyMs: 120, patchBytes: null });
    m.observePublish({ latencyMs: 40, patchBytes: 300 });
    m.observePublish({ latencyMs: 3000, patchBytes: 5000 });
    const text = await m.text();
    expect(sample(text, 'akb_publish_latency_seconds_count')).toBe(3);
    expect(sample(text, 'akb_publish_latency_seconds_sum')).toBeCloseTo(3.16, 6);
    expect(sample(text, 'akb_publish_latency_seconds_bucket{le="0.05"}')).toBe(1);
    expect(sample(text, 'akb_publish_latency_seconds_bucket{le="0.15"}')).toBe(2);
    expect(sample(text, 'akb_patch_bytes_count')).toBe(2);
    expect(sample(text, 'akb_patch_bytes_bucket{le="1024"}')).toBe(1);
    expect(sample(text, 'akb_patch_bytes_bucket{le="16384"}')).toBe(2);
    expect(sample(text, 'akb_snapshots_published_total')).toBe(1);
  });

  it('includes Node process metrics unless turned off', async () => {
    expect(await createMetrics().text()).toContain('process_cpu_user_seconds_total');
    expect(await createMetrics({ processMetrics: false }).text()).not.toContain('process_cpu_user_seconds_total');
  });

  it('patchBytes measures the JSON the hub sends, null for a snapshot', () => {
    expect(patchBytes(null)).toBeNull();
    expect(patchBytes({ from: 1, to: 2, name: 'é' })).toBe(Buffer.byteLength('{"from":1,"to":2,"name":"é"}'));
  });
});
