import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCb, type ScryptOptions } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file';

/**
 * Secrets akb generates for a cluster (tokens, keys, PKI) kept across runs, encrypted at rest in
 * `<state dir>/secrets.json`: AES-256-GCM per entry (a fresh 96-bit IV each write, the entry's name as
 * additional data so an entry cannot be moved under another name), with a key derived by scrypt from key material
 * the user holds outside the state directory (a secret reference). Values live decrypted only in memory.
 *
 * @example
 * const store = await SecretStore.open(stateDir, keyMaterial);
 * const token = await store.ensure('ui-token', () => randomToken());
 */

export const SECRETS_FILE = 'secrets.json';
const FORMAT = 'akb-secrets/v1';
const CHECK_NAME = '\u0000check';
const CHECK_VALUE = 'akb';
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
/** Entry names: `ui-token`, `pki.ca.key`, `kubeadm-token`. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

const sealedSchema = z.object({ iv: z.string(), tag: z.string(), data: z.string() });
const fileSchema = z.object({
  format: z.literal(FORMAT),
  kdf: z.object({ name: z.literal('scrypt'), salt: z.string(), N: z.number(), r: z.number(), p: z.number() }),
  check: sealedSchema,
  entries: z.record(z.string(), sealedSchema.extend({ createdAt: z.string() })),
});
type SecretsFile = z.infer<typeof fileSchema>;
type Sealed = z.infer<typeof sealedSchema>;

export class SecretStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, 32, opts, (err, key) => (err ? reject(err) : resolve(key))));
}

function seal(key: Buffer, name: string, value: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const data = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function open(key: Buffer, name: string, s: Sealed): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(s.iv, 'base64'));
  decipher.setAAD(Buffer.from(name, 'utf8'));
  decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]).toString('utf8');
}

export interface SecretStoreOptions {
  /** Read-only (for `akb diff`): `ensure` generates values in memory without saving them; `set`/`delete` throw. */
  readOnly?: boolean;
}

export class SecretStore {
  readonly #values = new Map<string, string>();
  #file: SecretsFile;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly key: Buffer,
    file: SecretsFile,
    private readonly readOnly: boolean,
  ) {
    this.#file = file;
  }

  /**
   * Opens (or, on first use, creates) the store of a state directory. Throws SecretStoreError when the key
   * material does not open an existing store (another key was used) or the file is damaged.
   */
  static async open(dir: string, keyMaterial: string, opts: SecretStoreOptions = {}): Promise<SecretStore> {
    if (keyMaterial === '') throw new SecretStoreError('the state key is empty');
    const path = join(dir, SECRETS_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) {
      const salt = randomBytes(16);
      const key = await scrypt(keyMaterial, salt, SCRYPT);
      const file: SecretsFile = {
        format: FORMAT,
        kdf: { name: 'scrypt', salt: salt.toString('base64'), N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p },
        check: seal(key, CHECK_NAME, CHECK_VALUE),
        entries: {},
      };
      const store = new SecretStore(path, key, file, opts.readOnly ?? false);
      // Nothing is written until there is a secret to keep (a read-only store never writes).
      return store;
    }
    let file: SecretsFile;
    try {
      file = fileSchema.parse(JSON.parse(text));
    } catch {
      throw new SecretStoreError(`${path} is not an akb secret store (${FORMAT})`);
    }
    const { salt, N, r, p } = file.kdf;
    const key = await scrypt(keyMaterial, Buffer.from(salt, 'base64'), { N, r, p, maxmem: SCRYPT.maxmem });
    try {
      if (open(key, CHECK_NAME, file.check) !== CHECK_VALUE) throw new Error('check value');
    } catch {
      throw new SecretStoreError(`the state key does not open ${path}: it was created with another key`);
    }
    const store = new SecretStore(path, key, file, opts.readOnly ?? false);
    for (const [name, sealed] of Object.entries(file.entries)) {
      try {
        store.#values.set(name, open(key, name, sealed));
      } catch {
        throw new SecretStoreError(`${path}: entry "${name}" fails authentication (damaged or tampered with)`);
      }
    }
    return store;
  }

  /** Names of the stored secrets (never their values). */
  names(): string[] {
    return [...this.#values.keys()].sort();
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  get(name: string): string | undefined {
    return this.#values.get(name);
  }

  /** Every value held, for scrubbing output (never to print). */
  values(): string[] {
    return [...this.#values.values()];
  }

  /** Stores a value; resolves once it is durably on disk. */
  async set(name: string, value: string): Promise<void> {
    this.#checkName(name);
    if (this.readOnly) throw new SecretStoreError(`cannot store "${name}": the secret store is open read-only`);
    this.#values.set(name, value);
    this.#file = {
      ...this.#file,
      entries: { ...this.#file.entries, [name]: { ...seal(this.key, name, value), createdAt: new Date().toISOString() } },
    };
    await this.#save();
  }

  /**
   * The stored value, or a new one from `generate`, stored before it is returned (so a value that reached a
   * system is never lost by a crash right after). Read-only stores keep the new value in memory only.
   */
  async ensure(name: string, generate: () => string): Promise<string> {
    const existing = this.#values.get(name);
    if (existing !== undefined) return existing;
    const value = generate();
    if (this.readOnly) {
      this.#checkName(name);
      this.#values.set(name, value);
      return value;
    }
    await this.set(name, value);
    return value;
  }

  async delete(name: string): Promise<void> {
    if (this.readOnly) throw new SecretStoreError(`cannot delete "${name}": the secret store is open read-only`);
    if (!this.#values.delete(name)) return;
    const { [name]: _gone, ...rest } = this.#file.entries;
    this.#file = { ...this.#file, entries: rest };
    await this.#save();
  }

  #checkName(name: string): void {
    if (!NAME.test(name)) throw new SecretStoreError(`secret name "${name}" must match ${NAME.source}`);
  }

  #save(): Promise<void> {
    const next = this.#queue.then(() => writeFileAtomic(this.path, `${JSON.stringify(this.#file, null, 2)}\n`));
    this.#queue = next.catch(() => undefined);
    return next;
  }
}
