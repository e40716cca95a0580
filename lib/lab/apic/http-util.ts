import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../../node/http-body';
import { ApicError } from './errors';

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/** A request body, or the APIC's 400 for one that is too large. */
export function readApicBody(req: IncomingMessage): Promise<string> {
  return readBody(req, MAX_BODY_BYTES, () => new ApicError(400, '400', `request body larger than ${MAX_BODY_BYTES} bytes`));
}

/** Headers a real APIC (nginx) sends on API answers (WIRE.md A1.1 capture). */
const API_HEADERS = {
  'Content-Type': 'application/json',
  'Access-Control-Allow-Headers': 'Origin, X-Requested-With, Content-Type, Accept, devcookie, APIC-challenge',
  'Access-Control-Allow-Methods': 'POST,GET,OPTIONS,DELETE',
  'Client-Cert-Enabled': 'false',
  Server: 'Cisco APIC',
};

export function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...API_HEADERS, ...extraHeaders, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** An nginx-style HTML error page, as the APIC front end returns for 404 and 5xx (WIRE.md A2.4). */
export function sendHtml(res: ServerResponse, status: number, reason: string): void {
  const text = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>Cisco APIC</center>\r\n</body>\r\n</html>\r\n`;
  res.writeHead(status, { 'Content-Type': 'text/html', Server: 'Cisco APIC', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
