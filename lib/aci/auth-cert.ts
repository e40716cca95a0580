import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { loadPem } from './pem';

/**
 * Certificate (signature-based) authentication, WIRE.md A1.4: no login; every request carries an RSA PKCS#1 v1.5
 * SHA-256 signature over `METHOD + PATH_WITH_QUERY + BODY` (no separators, host excluded), base64 (standard
 * alphabet), in four cookies.
 */

export interface CertificateAuthOptions {
  type: 'certificate';
  /** Local user name (`uni/userext/user-<user>`), or the app name when `appUser` is true. */
  user: string;
  /** The aaaUserCert name, e.g. `akb.crt`. */
  certName: string;
  /** PEM text or a path to a PEM file: PKCS#1 ("RSA PRIVATE KEY") or PKCS#8 ("PRIVATE KEY"). */
  privateKey: string;
  /** True for an app user (`uni/userext/appuser-<user>/usercert-<certName>`). */
  appUser?: boolean;
}

export function certificateDn(opts: Pick<CertificateAuthOptions, 'user' | 'certName' | 'appUser'>): string {
  return `uni/userext/${opts.appUser ? 'appuser' : 'user'}-${opts.user}/usercert-${opts.certName}`;
}

/** The exact string APIC verifies: method, path with query, body, concatenated. */
export function signedPayload(method: string, pathWithQuery: string, body: string): string {
  return method.toUpperCase() + pathWithQuery + body;
}

export function signRequest(key: KeyObject, method: string, pathWithQuery: string, body: string): string {
  return createSign('RSA-SHA256')
    .update(signedPayload(method, pathWithQuery, body), 'utf8')
    .sign(key, 'base64');
}

/** The `Cookie:` header value for one signed request, in the order Ansible sends it. */
export function signatureCookie(certDn: string, signature: string, webSocketSession?: string): string {
  const parts = [
    'APIC-Certificate-Algorithm=v1.0',
    `APIC-Certificate-DN=${certDn}`,
    'APIC-Certificate-Fingerprint=fingerprint',
    `APIC-Request-Signature=${signature}`,
  ];
  if (webSocketSession) parts.push(`APIC-WebSocket-Session=${webSocketSession}`);
  return parts.join('; ');
}

/** Holds the parsed key (never the PEM text) and signs requests. */
export class RequestSigner {
  readonly certDn: string;
  readonly #key: KeyObject;

  constructor(opts: CertificateAuthOptions) {
    this.certDn = certificateDn(opts);
    try {
      this.#key = createPrivateKey(loadPem(opts.privateKey, 'certificate auth privateKey'));
    } catch (err) {
      // The crypto error text can quote key material; replace it with a description.
      const msg = err instanceof Error && err.message.startsWith('certificate auth') ? err.message : 'not a valid PEM RSA private key';
      throw new Error(`certificate auth privateKey: ${msg}`);
    }
    if (this.#key.asymmetricKeyType !== 'rsa') {
      throw new Error(`certificate auth privateKey must be an RSA key, got ${this.#key.asymmetricKeyType ?? 'unknown'}`);
    }
  }

  cookie(method: string, pathWithQuery: string, body: string, webSocketSession?: string): string {
    return signatureCookie(this.certDn, signRequest(this.#key, method, pathWithQuery, body), webSocketSession);
  }

  /** A signer serialised into a log or error shows which certificate it uses, never the key. */
  toJSON(): object {
    return { certDn: this.certDn };
  }
}
