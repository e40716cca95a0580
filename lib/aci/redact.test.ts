import { describe, expect, it } from 'vitest';
import { redactText, redactValue, redactingLogger, type ApicLogger } from './redact';

describe('redaction', () => {
  it('removes known secrets and credential-shaped fragments', () => {
    const text =
      'Cookie: APIC-cookie=abc123; APIC-Request-Signature=Zm9v+/==; APIC-WebSocket-Session=tok ' +
      'url wss://h/socketQAEAAAAA== body {"aaaUser":{"attributes":{"name":"admin","pwd":"hunter22"}}} pw=s3cretpw';
    const out = redactText(text, ['s3cretpw']);
    for (const s of ['abc123', 'Zm9v', '=tok', 'QAEAAAAA', 'hunter22', 's3cretpw']) expect(out).not.toContain(s);
    expect(out).toContain('APIC-cookie=[redacted]');
    expect(out).toContain('"name":"admin"');
  });

  it('removes private keys, even truncated ones', () => {
    const key = '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    expect(redactText(`key=${key} after`)).toBe('key=[redacted] private key after');
    expect(redactText('-----BEGIN PRIVATE KEY-----\nMIIEvQ')).not.toContain('MIIEvQ');
  });

  it('blanks secret keys in objects and scrubs nested strings and errors', () => {
    const v = redactValue({ password: 'p', nested: { token: 't', msg: 'x APIC-cookie=zzz' }, err: new Error('pwd mysecret1'), n: 3 }, [
      'mysecret1',
    ]);
    expect(v).toEqual({
      password: '[redacted]',
      nested: { token: '[redacted]', msg: 'x APIC-cookie=[redacted]' },
      err: { name: 'Error', message: 'pwd [redacted]' },
      n: 3,
    });
  });

  it('redactingLogger scrubs objects and messages with secrets known at call time', () => {
    const lines: unknown[] = [];
    const inner: ApicLogger = {
      debug: (o, m) => lines.push([o, m]),
      info: (o, m) => lines.push([o, m]),
      warn: (o, m) => lines.push([o, m]),
      error: (o, m) => lines.push([o, m]),
    };
    let secrets = ['firsttoken'];
    const log = redactingLogger(inner, () => secrets);
    log.info({ url: 'x firsttoken' }, 'msg firsttoken');
    secrets = ['secondtoken'];
    log.warn({ a: 'secondtoken' });
    expect(JSON.stringify(lines)).not.toMatch(/firsttoken|secondtoken/);
    expect(lines).toHaveLength(2);
  });
});
