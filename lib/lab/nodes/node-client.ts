import { request } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { NodeNetwork } from '../network/node-network';

/**
 * HTTPS from a lab machine to an address on the node network, as kubeadm and the kubelet make them: the TCP
 * connection goes to whatever plays that address, and TLS is checked against the address the machine dialled
 * (so a serving certificate without the VIP among its SANs fails exactly as it would for kubeadm), or not at all
 * for kubeadm's first, insecure discovery fetch.
 */
export interface NodeRequest {
  endpoint: string;
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** CA to verify the server with; absent means no verification (token discovery's first fetch). */
  caPem?: string;
  client?: { certPem: string; keyPem: string };
  bearer?: string;
  timeoutMs?: number;
}

export interface NodeResponse {
  status: number;
  body: unknown;
  /** The server's certificate (PEM), as presented. */
  peerCertPem?: string;
}

/** A connection failure worded as Go's net/http would word it for kubeadm. */
export class NodeDialError extends Error {}

function splitEndpoint(endpoint: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(endpoint) ?? /^([^:]+):(\d+)$/.exec(endpoint);
  if (!m) throw new NodeDialError(`address ${endpoint}: missing port in address`);
  return { host: m[1] as string, port: Number(m[2]) };
}

const toPem = (raw: Buffer) =>
  `-----BEGIN CERTIFICATE-----\n${raw
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;

/** Node's TLS failures in the words Go's crypto/x509 uses (what kubeadm and kubectl print). */
function goStyle(e: Error & { code?: string; cert?: PeerCertificate }, host: string): string {
  switch (e.code) {
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      const sans = (e.cert?.subjectaltname ?? '').split(', ').map((s) => s.replace(/^(DNS|IP Address):/, ''));
      return `tls: failed to verify certificate: x509: certificate is valid for ${sans.join(', ')}, not ${host}`;
    }
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    default:
      return e.message;
  }
}

export function nodeRequest(network: NodeNetwork, r: NodeRequest): Promise<NodeResponse> {
  const { host, port } = splitEndpoint(r.endpoint);
  const url = `https://${r.endpoint}${r.path}`;
  const target = network.resolve(host, port);
  if (!target)
    return Promise.reject(
      new NodeDialError(
        `Get "${url}": dial tcp ${r.endpoint}: connect: ${network.hasAddress(host) ? 'connection refused' : 'no route to host'}`,
      ),
    );
  const body = r.body === undefined ? undefined : JSON.stringify(r.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        method: r.method ?? 'GET',
        path: r.path,
        headers: {
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(r.bearer ? { authorization: `Bearer ${r.bearer}` } : {}),
        },
        ...(r.caPem ? { ca: r.caPem, rejectUnauthorized: true } : { rejectUnauthorized: false }),
        ...(r.client ? { cert: r.client.certPem, key: r.client.keyPem } : {}),
        // The identity checked is the one the machine asked for, not the loopback that plays it.
        checkServerIdentity: (_h: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
        ...(host.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(host) ? {} : { servername: host }),
        timeout: r.timeoutMs ?? 10_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* not JSON */
          }
          const peer = (res.socket as unknown as { getPeerCertificate?: () => PeerCertificate }).getPeerCertificate?.();
          resolve({ status: res.statusCode ?? 0, body: parsed, ...(peer?.raw ? { peerCertPem: toPem(peer.raw) } : {}) });
        });
      },
    );
    req.on('timeout', () =>
      req.destroy(
        new NodeDialError(
          `Get "${url}": net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`,
        ),
      ),
    );
    req.on('error', (e: Error & { code?: string; cert?: PeerCertificate }) =>
      reject(e instanceof NodeDialError ? e : new NodeDialError(`Get "${url}": ${goStyle(e, host)}`)),
    );
    req.end(body);
  });
}
