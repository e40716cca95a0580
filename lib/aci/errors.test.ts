import { describe, expect, it } from 'vitest';
import { parseEnvelope } from './envelope';
import { parseApicError } from './errors';
import { parseLoginResponse } from './auth-password';

describe('parseApicError', () => {
  it('reads code and text from the APIC error envelope', () => {
    const body = '{"totalCount":"1","imdata":[{"error":{"attributes":{"code":"122","text":"unknown managed object class fvFoobar"}}}]}';
    const err = parseApicError(400, body, 'GET', '/api/class/fvFoobar.json');
    expect(err).toMatchObject({
      httpStatus: 400,
      code: '122',
      text: 'unknown managed object class fvFoobar',
      path: '/api/class/fvFoobar.json',
    });
    expect(err.isAuthError).toBe(false);
    expect(err.message).toContain('HTTP 400, code 122');
  });

  it('recognises token errors as auth errors', () => {
    const body = '{"imdata":[{"error":{"attributes":{"code":"403","text":"Token was invalid (Error: Token timeout)"}}}]}';
    expect(parseApicError(403, body, 'GET', '/x').isAuthError).toBe(true);
    expect(parseApicError(401, '{"imdata":[]}', 'POST', '/api/aaaLogin.json').isAuthError).toBe(true);
    const perm = '{"imdata":[{"error":{"attributes":{"code":"403","text":"access denied"}}}]}';
    expect(parseApicError(403, perm, 'GET', '/x').isAuthError).toBe(false);
  });

  it('survives nginx HTML pages', () => {
    const err = parseApicError(503, '<html><center>Cisco APIC</center><h1>503 Service Unavailable</h1></html>', 'GET', '/x');
    expect(err.code).toBe('503');
    expect(err.text).toBe('Cisco APIC 503 Service Unavailable');
  });
});

describe('parseEnvelope', () => {
  it('converts totalCount and keeps subscriptionId as a string', () => {
    const env = parseEnvelope(
      '{"totalCount":"1","subscriptionId":"72057843163791365","imdata":[{"fvTenant":{"attributes":{"dn":"uni/tn-a"}}}]}',
      'q',
    );
    expect(env).toEqual({ totalCount: 1, subscriptionId: '72057843163791365', imdata: [{ fvTenant: { attributes: { dn: 'uni/tn-a' } } }] });
  });

  it('names the bad path', () => {
    expect(() => parseEnvelope('{"imdata":[{"fvTenant":{"attributes":{"dn":1}}}]}', 'GET /x')).toThrow(
      /GET \/x.*imdata\.0\.fvTenant\.attributes\.dn/,
    );
    expect(() => parseEnvelope('<html>', 'GET /x')).toThrow(/not JSON/);
  });
});

describe('parseLoginResponse', () => {
  it('reads token and lifetime; errors never contain the token', () => {
    const ok = '{"imdata":[{"aaaLogin":{"attributes":{"token":"SECRETTOKEN","refreshTimeoutSeconds":"600"}}}]}';
    expect(parseLoginResponse(ok)).toEqual({ token: 'SECRETTOKEN', refreshTimeoutSeconds: 600 });
    const bad = '{"imdata":[{"aaaLogin":{"attributes":{"token":"SECRETTOKEN"}}}]}';
    expect(() => parseLoginResponse(bad)).toThrow(/refreshTimeoutSeconds/);
    try {
      parseLoginResponse(bad);
    } catch (e) {
      expect(String(e)).not.toContain('SECRETTOKEN');
    }
  });
});
