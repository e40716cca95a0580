import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The append-only journal of a cluster's jobs: `<state dir>/journal.jsonl`, one JSON record per line, each
 * flushed to disk before the next is written. A process killed mid-write leaves at most one torn final line:
 * readers skip it, and the next writer starts on a fresh line so its records are never glued to the torn one.
 */

export const JOURNAL_FILE = 'journal.jsonl';

export interface JournalRecord {
  /** ISO time the record was written. */
  time: string;
  [key: string]: unknown;
}

export class JournalWriter {
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
  ) {}

  /** Opens the journal for appending, healing a torn last line left by a killed writer. */
  static async open(dir: string): Promise<JournalWriter> {
    const path = join(dir, JOURNAL_FILE);
    const fh = await open(path, 'a+', 0o600);
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) {
          await fh.appendFile('\n');
          await fh.datasync();
        }
      }
    } catch (err) {
      await fh.close();
      throw err;
    }
    return new JournalWriter(fh, path);
  }

  /** Appends one record; resolves once it is on disk. Records keep the order of calls. */
  append(record: Omit<JournalRecord, 'time'> & { time?: string }): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('journal closed'));
    const line = `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`;
    const next = this.#queue.then(async () => {
      await this.fh.appendFile(line);
      await this.fh.datasync();
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.fh.close();
  }
}

export interface JournalContents {
  records: JournalRecord[];
  /** Lines that did not parse: a torn write by a killed process (at most one per interrupted job). */
  tornLines: number;
  /** Byte length read, to continue from with `readJournalFrom`. */
  size: number;
}

function parseLines(text: string): { records: JournalRecord[]; torn: number } {
  const records: JournalRecord[] = [];
  let torn = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (r !== null && typeof r === 'object' && typeof (r as JournalRecord).time === 'string') records.push(r as JournalRecord);
      else torn++;
    } catch {
      torn++;
    }
  }
  return { records, torn };
}

/** Reads every record of a journal (an absent journal is empty). */
export async function readJournal(dir: string): Promise<JournalContents> {
  return readJournalFrom(dir, 0);
}

/**
 * Reads the complete lines after byte `offset` (a line still being written is left for the next read), for
 * following a running job.
 */
export async function readJournalFrom(dir: string, offset: number): Promise<JournalContents> {
  const path = join(dir, JOURNAL_FILE);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], tornLines: 0, size: 0 };
    throw err;
  }
  if (size <= offset) return { records: [], tornLines: 0, size: offset };
  const text = offset === 0 ? await readFile(path, 'utf8') : await readTail(path, offset, size);
  const end = text.lastIndexOf('\n') + 1;
  const { records, torn } = parseLines(text.slice(0, end));
  return { records, tornLines: torn, size: offset + Buffer.byteLength(text.slice(0, end)) };
}

async function readTail(path: string, offset: number, size: number): Promise<string> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size - offset);
    await fh.read(buf, 0, buf.length, offset);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}
