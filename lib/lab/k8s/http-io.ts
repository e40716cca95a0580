import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { readBodyBytes } from '../../node/http-body';
import { errors, KubeApiError } from './errors';
import { decodeProtobufObject, isProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A request body, or 413 RequestEntityTooLarge as the API server answers it. */
export function readKubeBody(req: IncomingMessage): Promise<Buffer> {
  return readBodyBytes(
    req,
    MAX_BODY_BYTES,
    () => new KubeApiError(413, 'RequestEntityTooLarge', `the request body is larger than ${MAX_BODY_BYTES} bytes`),
  );
}

/**
 * JSON, YAML when the body is declared YAML (apply bodies may be either: JSON is valid YAML), or Kubernetes
 * protobuf (kubectl's typed clients) when `protobuf` allows it; other media types (CBOR) get 415.
 */
export function parseBody(bytes: Buffer, contentType: string, opts: { protobuf?: boolean } = {}): unknown {
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  if (opts.protobuf && isProtobuf(mediaType)) return decodeProtobufObject(bytes);
  if (mediaType && !/json|yaml/.test(mediaType))
    throw errors.unsupportedMediaType(mediaType, ['application/json', 'application/yaml', ...(opts.protobuf ? [PROTOBUF_MEDIA_TYPE] : [])]);
  const text = bytes.toString('utf8');
  if (text.trim() === '') throw errors.badRequest('the request body is empty; an object is required');
  try {
    return /yaml/.test(contentType) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    // Only the position: parser messages quote the body, which may hold a Secret's data.
    const position = /position (\d+)|at line (\d+)/.exec(err instanceof Error ? err.message : '');
    const where = position ? ` (near ${position[1] !== undefined ? `byte ${position[1]}` : `line ${position[2]}`})` : '';
    throw errors.badRequest(`the request body is not valid ${/yaml/.test(contentType) ? 'YAML' : 'JSON'}${where}`);
  }
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const apiError =
    err instanceof KubeApiError
      ? err
      : new KubeApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, apiError.code, apiError.toStatus());
}
