import { describe, expect, it } from 'vitest';
import { ControllerPool, isFailoverError } from './controllers';
import { ApicError, ApicUnavailableError } from './errors';
import { noopLogger } from './redact';
import { TransportError } from './transport';

const down = (): never => {
  throw new TransportError('connect ECONNREFUSED', 'ECONNREFUSED');
};

describe('ControllerPool', () => {
  it('classifies network failures and 5xx as failover, other APIC errors as answers', () => {
    expect(isFailoverError(new TransportError('x', 'ETIMEDOUT'))).toBe(true);
    expect(isFailoverError(new ApicError(503, '503', 'x', 'GET', '/'))).toBe(true);
    expect(isFailoverError(new ApicError(400, '122', 'x', 'GET', '/'))).toBe(false);
    expect(isFailoverError(new Error('parse'))).toBe(false);
  });

  it('moves to the next controller, remembers it, and wraps around', async () => {
    const pool = new ControllerPool(['https://a/', 'https://b', 'https://c'], noopLogger);
    const tried: string[] = [];
    const healthy = new Set(['https://b']);
    const attempt = async (url: string): Promise<string> => {
      tried.push(url);
      return healthy.has(url) ? url : down();
    };
    expect(await pool.run(attempt)).toBe('https://b');
    expect(pool.current).toBe('https://b');
    tried.length = 0;
    await pool.run(attempt);
    expect(tried).toEqual(['https://b']);
    healthy.clear();
    healthy.add('https://a');
    tried.length = 0;
    expect(await pool.run(attempt)).toBe('https://a');
    expect(tried).toEqual(['https://b', 'https://c', 'https://a']);
  });

  it('stops at a non-failover error and reports every controller when all fail', async () => {
    const pool = new ControllerPool(['http://a', 'http://b'], noopLogger);
    const tried: string[] = [];
    await expect(
      pool.run(async (url) => {
        tried.push(url);
        throw new ApicError(400, '122', 'unknown class', 'GET', '/x');
      }),
    ).rejects.toBeInstanceOf(ApicError);
    expect(tried).toEqual(['http://a']);
    const err = await pool.run(async () => down()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApicUnavailableError);
    expect((err as ApicUnavailableError).attempts).toHaveLength(2);
    expect(() => new ControllerPool([], noopLogger)).toThrow(/at least one/);
  });
});
