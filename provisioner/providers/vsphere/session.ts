import { redactText } from '../../../lib/aci/redact';
import { silentLogger, type Logger } from '../../../lib/logging';
import { parseSoapAnswer, readMoRef, soapRequest, type MoRef } from '../../../lib/vsphere/envelope';
import { child, childText, el, XmlError, type XmlElement } from '../../../lib/vsphere/xml';
import { createSoapTransport, type SoapTransport, type VcenterTrust } from './transport';

/**
 * One authenticated vim25 session: RetrieveServiceContent, SessionManager.Login, then method calls carrying the
 * session cookie, and Logout. Errors name the method and vCenter's fault; nothing that could carry the password
 * or the session cookie (request bodies, raw answers) is ever put in an error or a log line, and fault messages
 * are scrubbed of both in case a server echoes its request.
 */
export interface VcenterConnection {
  /** `https://vcenter.example.com` (the SDK path `/sdk` is added when the URL has no path). */
  url: string;
  username: string;
  password: string;
  trust: VcenterTrust;
  /** Per-call HTTP timeout; default 60 s. */
  timeoutMs?: number;
  logger?: Logger;
}

/** vCenter answered a call with a fault (InvalidLogin, NotAuthenticated, DuplicateName, ...). */
export class VimFault extends Error {
  constructor(
    readonly method: string,
    readonly faultType: string,
    readonly faultMessage: string,
  ) {
    super(`vCenter ${method}: ${faultType}${faultMessage ? `: ${faultMessage}` : ''}`);
    this.name = 'VimFault';
  }
}

export interface ServiceContentView {
  rootFolder: MoRef;
  propertyCollector: MoRef;
  searchIndex: MoRef;
  sessionManager: MoRef;
  taskManager?: MoRef;
  apiVersion: string;
  fullName: string;
}

const xmlEscaped = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };

function sdkPath(u: URL): string {
  return u.pathname === '' || u.pathname === '/' ? '/sdk' : u.pathname;
}

export class VimSession {
  private cookie: string | undefined;
  private readonly secrets: string[];
  private readonly logger: Logger;

  private constructor(
    private readonly transport: SoapTransport,
    private readonly path: string,
    private readonly conn: VcenterConnection,
    readonly content: ServiceContentView,
  ) {
    // A server echoing our request quotes the password as it was sent: XML-escaped.
    this.secrets = [conn.password, xmlEscaped(conn.password)];
    this.logger = conn.logger ?? silentLogger;
  }

  /** Connects, reads the service content and logs in. A wrong password fails with InvalidLogin, named as such. */
  static async login(conn: VcenterConnection): Promise<VimSession> {
    const url = new URL(conn.url);
    const transport = createSoapTransport(url, conn.trust, conn.timeoutMs ?? 60_000);
    const bootstrap = new VimSession(transport, sdkPath(url), conn, {
      rootFolder: SERVICE_INSTANCE,
      propertyCollector: SERVICE_INSTANCE,
      searchIndex: SERVICE_INSTANCE,
      sessionManager: SERVICE_INSTANCE,
      apiVersion: '',
      fullName: '',
    });
    try {
      const [sc] = await bootstrap.invoke('RetrieveServiceContent', SERVICE_INSTANCE, []);
      const ref = (name: string): MoRef => {
        const r = readMoRef(child(sc, name));
        if (!r) throw new XmlError(`ServiceContent without ${name}`);
        return r;
      };
      const taskManager = readMoRef(child(sc, 'taskManager'));
      const content: ServiceContentView = {
        rootFolder: ref('rootFolder'),
        propertyCollector: ref('propertyCollector'),
        searchIndex: ref('searchIndex'),
        sessionManager: ref('sessionManager'),
        ...(taskManager ? { taskManager } : {}),
        apiVersion: childText(sc, 'about', 'apiVersion') ?? '',
        fullName: childText(sc, 'about', 'fullName') ?? '',
      };
      const session = new VimSession(transport, bootstrap.path, conn, content);
      session.cookie = bootstrap.cookie;
      await session.invoke('Login', content.sessionManager, [el('userName', conn.username), el('password', conn.password)]);
      session.logger.debug({ vcenter: url.host, api: content.apiVersion, user: conn.username }, 'vCenter session opened');
      return session;
    } catch (err) {
      transport.close();
      if (err instanceof VimFault && err.faultType === 'InvalidLogin')
        throw new VimFault('Login', 'InvalidLogin', `vCenter ${url.host} refused user "${conn.username}": wrong user name or password`);
      throw err;
    }
  }

  /** Calls `method` on `self`; answers the `returnval` elements. A fault becomes a VimFault. */
  async invoke(method: string, self: MoRef, args: XmlElement[]): Promise<XmlElement[]> {
    const headers: Record<string, string> = { soapaction: 'urn:vim25/7.0' };
    if (this.cookie) headers.cookie = this.cookie;
    let answer;
    try {
      answer = await this.transport.post(this.path, headers, soapRequest(method, self, args));
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      e.message = this.scrub(`vCenter ${method}: ${e.message}`);
      throw e;
    }
    const session = answer.setCookie.map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('vmware_soap_session='));
    if (session) {
      this.cookie = session;
      this.secrets.push(session.slice(session.indexOf('=') + 1).replace(/"/g, ''));
    }
    let parsed;
    try {
      parsed = parseSoapAnswer(answer.body);
    } catch (err) {
      // The raw answer is never quoted: it is HTML at best, an echo of our request at worst.
      throw new Error(`vCenter ${method}: HTTP ${answer.status}, not a SOAP answer (${err instanceof Error ? err.message : 'unreadable'})`);
    }
    if (parsed.kind === 'fault') throw new VimFault(method, parsed.faultType, this.scrub(parsed.message));
    return parsed.returnvals;
  }

  async logout(): Promise<void> {
    try {
      await this.invoke('Logout', this.content.sessionManager, []);
    } catch (err) {
      this.logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'vCenter logout failed');
    } finally {
      this.transport.close();
    }
  }

  private scrub(text: string): string {
    return redactText(text, this.secrets);
  }
}
