/**
 * Kubernetes API errors as `Status` objects (WIRE.md B6.2). Every failure of the lab API server, HTTP or
 * in-process, is a KubeApiError so both paths report the same code, reason and message.
 */

export interface StatusCause {
  reason?: string;
  type?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  toStatus(): KubeStatus {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** `pods`, `deployments.apps`: how apiserver messages name a resource. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const errors = {
  badRequest: (message: string, causes?: StatusCause[]) => new KubeApiError(400, 'BadRequest', message, causes ? { causes } : undefined),
  unauthorized: () => new KubeApiError(401, 'Unauthorized', 'Unauthorized'),
  forbidden: (verb: string, group: string, plural: string, name: string | undefined) =>
    new KubeApiError(
      403,
      'Forbidden',
      `${qualifiedResource(group, plural)}${name ? ` "${name}"` : ''} is forbidden: this token may not ${verb} it`,
      { group, kind: plural, ...(name ? { name } : {}) },
    ),
  notFound: (group: string, plural: string, name: string) =>
    new KubeApiError(404, 'NotFound', `${qualifiedResource(group, plural)} "${name}" not found`, { name, group, kind: plural }),
  /** An unknown URL or resource: the apiserver answers a bare 404 Status. */
  noResource: (path: string) => new KubeApiError(404, 'NotFound', `the server could not find the requested resource (${path})`),
  methodNotAllowed: (method: string) =>
    new KubeApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`),
  alreadyExists: (group: string, plural: string, name: string) =>
    new KubeApiError(409, 'AlreadyExists', `${qualifiedResource(group, plural)} "${name}" already exists`, { name, group, kind: plural }),
  conflict: (group: string, plural: string, name: string) =>
    new KubeApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, group, kind: plural },
    ),
  expired: (message: string) => new KubeApiError(410, 'Expired', message),
  unsupportedMediaType: (contentType: string, supported: string[]) =>
    new KubeApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${supported.join(', ')} (got "${contentType}")`,
    ),
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) =>
    new KubeApiError(
      422,
      'Invalid',
      `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      { name, group, kind, causes },
    ),
};
