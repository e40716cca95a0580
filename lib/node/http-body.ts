import type { IncomingMessage } from 'node:http';

/**
 * Reads a request body as bytes, up to `maxBytes`. Past that it stops keeping chunks and rejects with
 * `tooLarge()` (each server answers in its own protocol's error shape), draining the rest so the answer can still
 * be written on the same connection.
 */
export function readBodyBytes(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) reject(tooLarge());
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads a request body as UTF-8 text, up to `maxBytes` (see readBodyBytes). */
export async function readBody(req: IncomingMessage, maxBytes: number, tooLarge: () => Error): Promise<string> {
  return (await readBodyBytes(req, maxBytes, tooLarge)).toString('utf8');
}
