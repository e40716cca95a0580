/**
 * APIC error envelope. Every non-2xx answer of a real APIC carries
 * `{"totalCount":"1","imdata":[{"error":{"attributes":{"code":"<n>","text":"<msg>"}}}]}` (WIRE.md A2.4);
 * the code is a string and often differs from the HTTP status (122 for an unknown class, 801 for a bad value).
 */
export class ApicError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    readonly text: string,
  ) {
    super(text);
    this.name = 'ApicError';
  }

  envelope(): ApicErrorEnvelope {
    return { totalCount: '1', imdata: [{ error: { attributes: { code: this.code, text: this.text } } }] };
  }
}

export interface ApicErrorEnvelope {
  totalCount: string;
  imdata: [{ error: { attributes: { code: string; text: string } } }];
}

export const tokenTimeout = (): ApicError => new ApicError(403, '403', 'Token was invalid (Error: Token timeout)');

export const missingToken = (): ApicError =>
  new ApicError(403, '403', 'Need a valid webtoken cookie (named APIC-Cookie) or a signed request with signature in the cookie.');

export const badFilter = (message: string): ApicError => new ApicError(400, '400', `Incorrect filter format for ${message}`);
