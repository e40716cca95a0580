import { readFile } from 'node:fs/promises';

/**
 * Secret references (`env:NAME`, `file:/path`), resolved at apply time into memory only. Errors name the
 * reference and what is wrong with it, never a value.
 */

export class SecretRefError extends Error {
  constructor(
    readonly ref: string,
    why: string,
    readonly field?: string,
  ) {
    super(`${field ? `${field}: ` : ''}secret reference "${ref}" ${why}`);
    this.name = 'SecretRefError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The secret a reference points at. A file's trailing newline is dropped (files written with `echo` have one);
 * any other whitespace is part of the secret. An empty secret is refused: it is never what was meant.
 */
export async function resolveSecretRef(ref: string, opts: { env?: Env; field?: string } = {}): Promise<string> {
  const env = opts.env ?? process.env;
  let value: string;
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const v = env[name];
    if (v === undefined) throw new SecretRefError(ref, `names the environment variable ${name}, which is not set`, opts.field);
    value = v;
  } else if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    try {
      value = (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new SecretRefError(ref, `names a file that cannot be read (${code})`, opts.field);
    }
  } else {
    throw new SecretRefError(ref, 'must be "env:NAME" or "file:/path"', opts.field);
  }
  if (value === '') throw new SecretRefError(ref, 'resolves to an empty value', opts.field);
  return value;
}
