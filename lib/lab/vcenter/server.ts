import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../logging';
import { moRefEl, parseSoapRequest, soapFault, soapResponse, type MoRef } from '../../vsphere/envelope';
import { child, childText, el, XmlError, type XmlElement } from '../../vsphere/xml';
import { labTlsMaterial } from '../tls';
import { TwinFault } from './faults';
import { cloudInitGuest, type GuestRuntime } from './guest';
import { VcenterInventory, type VcenterSeed } from './inventory';
import { FilterSet, retrieveProperties, retrievePropertiesEx } from './property-collector';
import { API_VERSION, serviceContent } from './properties';
import { TaskTracker } from './tasks';
import { valueEl } from './vim-value';
import { VmMethods } from './vm-methods';

/**
 * The lab's vCenter: vim25 SOAP on `https://127.0.0.1:<port>/sdk`, TLS from the lab CA, one user. It serves
 * the subset akb's vSphere provider uses and what pyVmomi needs around it (version discovery, the service
 * content, sessions, the property collector with filters): inventory look-ups, clone, reconfigure, power and
 * destroy as asynchronous tasks. Faults are vim25 faults, never an echo of the request.
 */
export interface LabVcenterOptions {
  seed: VcenterSeed;
  user?: string;
  password: string;
  port?: number;
  /** What runs inside a VM once powered on (the lab's node mimic); default: cloud-init's network stage only. */
  guest?: GuestRuntime;
  /** Duration of a clone task (ms, default 400); other tasks take a tenth. */
  cloneMs?: number;
  logger?: Logger;
  /** Called once per SOAP call with its method name (tests count what clients really sent). */
  observe?: (method: string) => void;
}

export interface LabVcenter {
  /** `https://127.0.0.1:<port>/sdk` */
  url: string;
  caPem: string;
  credentials: { user: string; password: string };
  inventory: VcenterInventory;
  tasks: TaskTracker;
  stop(): Promise<void>;
}

const VERSIONS_XML = `<?xml version="1.0" encoding="UTF-8" ?>
<namespaces version="1.0">
 <namespace>
  <name>urn:vim25</name>
  <version>${API_VERSION}</version>
  <priorVersions><version>7.0.2.0</version><version>7.0</version><version>6.7.3</version><version>6.7.2</version><version>6.7.1</version><version>6.7</version><version>6.5</version><version>6.0</version></priorVersions>
 </namespace>
</namespaces>
`;

interface Session {
  key: string;
  user: string;
  loginTime: Date;
  filters: FilterSet;
}

const MAX_BODY = 16 * 1024 * 1024;
const OPEN_METHODS = new Set(['RetrieveServiceContent', 'Login', 'CurrentTime']);

export async function startLabVcenter(o: LabVcenterOptions): Promise<LabVcenter> {
  const logger = o.logger ?? silentLogger;
  const user = o.user ?? 'administrator@vsphere.local';
  const inv = new VcenterInventory(o.seed);
  const tasks = new TaskTracker(inv);
  const vms = new VmMethods({ inv, tasks, guest: o.guest ?? cloudInitGuest(), cloneMs: o.cloneMs ?? 400 });
  const sessions = new Map<string, Session>();
  const stopping = new AbortController();
  const pruner = setInterval(() => tasks.prune(), 60_000).unref();

  const passwordOk = (given: string): boolean => {
    const a = Buffer.from(given);
    const b = Buffer.from(o.password);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  async function dispatch(
    method: string,
    self: MoRef,
    call: XmlElement,
    session: Session | undefined,
    setCookie: (c: string) => void,
  ): Promise<XmlElement[]> {
    if (!session && !OPEN_METHODS.has(method))
      throw new TwinFault('NotAuthenticated', 'The session is not authenticated.', [
        moRefEl('object', self),
        el('privilegeId', 'System.View'),
      ]);
    const who = session?.user ?? '';
    switch (method) {
      case 'RetrieveServiceContent':
        return [valueEl('returnval', serviceContent(inv), false)];
      case 'CurrentTime':
        return [el('returnval', new Date().toISOString())];
      case 'Login': {
        if (childText(call, 'userName') !== user || !passwordOk(childText(call, 'password') ?? ''))
          throw new TwinFault('InvalidLogin', 'Cannot complete login due to an incorrect user name or password.');
        const key = randomBytes(20).toString('hex');
        const s: Session = { key, user, loginTime: new Date(), filters: new FilterSet(inv, tasks, key) };
        sessions.set(key, s);
        setCookie(`vmware_soap_session="${key}"; Path=/; HttpOnly; Secure;`);
        logger.debug({ user }, 'lab vCenter login');
        const t = s.loginTime.toISOString();
        return [
          el(
            'returnval',
            el('key', key.slice(0, 8)),
            el('userName', user),
            el('fullName', user),
            el('loginTime', t),
            el('lastActiveTime', t),
            el('locale', 'en'),
            el('messageLocale', 'en'),
            el('extensionSession', 'false'),
          ),
        ];
      }
      case 'Logout':
        if (session) sessions.delete(session.key);
        return [];
      case 'FindByInventoryPath': {
        const r = inv.findByPath(childText(call, 'inventoryPath') ?? '');
        return r ? [moRefEl('returnval', r)] : [];
      }
      case 'FindChild': {
        const parent = child(call, 'entity');
        const name = childText(call, 'name');
        const p = parent?.attrs.type ? { type: parent.attrs.type, value: parent.text } : undefined;
        const r = p ? inv.childrenOf(p).find((c) => inv.get(c)?.name === name) : undefined;
        return r ? [moRefEl('returnval', r)] : [];
      }
      case 'FindByUuid': {
        const uuid = (childText(call, 'uuid') ?? '').toLowerCase();
        const byInstance = childText(call, 'instanceUuid') === 'true';
        if (childText(call, 'vmSearch') !== 'true') return [];
        const vm = inv.vms().find((v) => (byInstance ? v.instanceUuid : v.uuid).toLowerCase() === uuid);
        return vm ? [moRefEl('returnval', vm.ref)] : [];
      }
      case 'RetrieveProperties':
        return retrieveProperties(inv, tasks, call);
      case 'RetrievePropertiesEx':
        return retrievePropertiesEx(inv, tasks, call);
      case 'CreateFilter':
        return session!.filters.create(call);
      case 'DestroyPropertyFilter':
        session!.filters.destroy(self);
        return [];
      case 'WaitForUpdates':
        return session!.filters.wait(10 * 60_000, stopping.signal);
      case 'WaitForUpdatesEx': {
        const secs = Number(childText(call, 'options', 'maxWaitSeconds') ?? 600);
        return session!.filters.wait(Math.min(secs, 600) * 1000, stopping.signal);
      }
      case 'CloneVM_Task':
        return vms.clone(self, call, who);
      case 'ReconfigVM_Task':
        return vms.reconfigure(self, call, who);
      case 'PowerOnVM_Task':
        return vms.powerOn(self, who);
      case 'PowerOffVM_Task':
        return vms.powerOff(self, who);
      case 'Destroy_Task':
        return vms.destroy(self, who);
      default:
        throw new TwinFault('NotImplemented', `the lab vCenter does not implement ${method}`);
    }
  }

  const cookieSession = (req: IncomingMessage): Session | undefined => {
    const m = /vmware_soap_session="?([0-9a-f]+)"?/.exec(req.headers.cookie ?? '');
    return m?.[1] ? sessions.get(m[1]) : undefined;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/sdk/vimServiceVersions.xml') {
      res.writeHead(200, { 'content-type': 'text/xml' }).end(VERSIONS_XML);
      return;
    }
    if (req.method !== 'POST' || path !== '/sdk') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        return;
      }
      chunks.push(c);
    }
    const headers: Record<string, string> = { 'content-type': 'text/xml; charset=utf-8' };
    let method = '?';
    try {
      const parsed = parseSoapRequest(Buffer.concat(chunks).toString('utf8'));
      method = parsed.method;
      o.observe?.(method);
      const returnvals = await dispatch(method, parsed.self, parsed.call, cookieSession(req), (c) => (headers['set-cookie'] = c));
      res.writeHead(200, headers).end(soapResponse(method, returnvals));
    } catch (err) {
      const fault =
        err instanceof TwinFault
          ? err
          : err instanceof XmlError
            ? new TwinFault('InvalidRequest', err.message)
            : new TwinFault('SystemError', 'internal error');
      if (!(err instanceof TwinFault) && !(err instanceof XmlError))
        logger.warn({ method, err: err instanceof Error ? err.message : String(err) }, 'lab vCenter call failed');
      res.writeHead(500, headers).end(soapFault(fault.faultType, fault.message, fault.detail));
    }
  }

  const tls = labTlsMaterial();
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  logger.debug({ port }, 'lab vCenter listening');
  return {
    url: `https://127.0.0.1:${port}/sdk`,
    caPem: tls.caPem,
    credentials: { user, password: o.password },
    inventory: inv,
    tasks,
    stop: async () => {
      stopping.abort();
      clearInterval(pruner);
      vms.stopAll();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
