// An HTTP proxy on 127.0.0.1 that sits between the job and a loopback S3 server (s3rver) and injects
// faults on demand. It only forwards to a loopback upstream, every fault is used a bounded number of
// times, a stall gives up after `ms`, and the proxy closes itself after `lifetimeMs`.
//
// Point the S3 client at `proxy.endpoint` with path-style addressing; the Host header is passed through
// untouched, so SigV4 signatures still verify at the upstream.

import { EventEmitter } from 'node:events';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  /** An S3 error response without forwarding: 500 InternalError, 503 SlowDown (throttling) ... */
  | { kind: 'status'; status: number; code: string }
  /** TCP reset half way through the request body (uploads) or the response body (downloads). */
  | { kind: 'reset' }
  /** Read the request, never answer; the socket is dropped after `ms` (default 60 s) or when the client gives up. */
  | { kind: 'stall'; ms?: number };

export const FAULTS = {
  internalError: { kind: 'status', status: 500, code: 'InternalError' },
  slowDown: { kind: 'status', status: 503, code: 'SlowDown' },
  reset: { kind: 'reset' },
  stall: { kind: 'stall' },
} as const satisfies Record<string, Fault>;

export interface RequestMatch {
  method?: string;
  /** Object key (path-style, after the bucket): exact, or a pattern. */
  key?: string | RegExp;
  /** A query parameter that must be present, e.g. `partNumber` for UploadPart. */
  query?: string;
}

export interface SeenRequest {
  method: string;
  key: string;
  query: string[];
  /** Kind of fault injected into this request, if any. */
  fault?: Fault['kind'];
  at: number;
}

export interface FaultProxy {
  endpoint: string;
  /** Injects `fault` into the next `times` requests that match (default: every request). */
  inject(fault: Fault, options?: { times?: number; match?: RequestMatch }): void;
  /** Forwards request bodies at this many bytes per second (undefined: full speed). */
  throttle(bytesPerSecond: number | undefined): void;
  /** Faults not yet used. */
  pendingFaults(): number;
  clear(): void;
  readonly requests: SeenRequest[];
  /** Resolves with the first request matching, past ones included unless `onlyNew`. */
  waitForRequest(match: RequestMatch, options?: { timeoutMs?: number; onlyNew?: boolean }): Promise<SeenRequest>;
  stop(): Promise<void>;
}

interface Rule {
  fault: Fault;
  remaining: number;
  match: RequestMatch;
}

const MAX_TIMES = 10_000;

export async function startFaultProxy(upstream: string, options: { lifetimeMs?: number } = {}): Promise<FaultProxy> {
  const target = new URL(upstream);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname) || target.protocol !== 'http:') {
    throw new Error(`fault proxy only forwards to a loopback http upstream, got ${upstream}`);
  }
  const rules: Rule[] = [];
  const requests: SeenRequest[] = [];
  const events = new EventEmitter();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const agent = new Agent({ keepAlive: false });
  let bytesPerSecond: number | undefined;

  const takeRule = (seen: SeenRequest): Rule | undefined => {
    const index = rules.findIndex((rule) => matches(rule.match, seen));
    const rule = rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) rules.splice(index, 1);
    return rule;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, resetResponse: boolean): void => {
    const headers = { ...req.headers };
    delete headers.expect; // unsigned; the proxy answers 100-continue itself
    delete headers.connection;
    const upstreamRequest = httpRequest(
      {
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (upstreamResponse) => {
        res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        const length = Number(upstreamResponse.headers['content-length'] ?? 0);
        if (!resetResponse) {
          upstreamResponse.pipe(res);
          return;
        }
        if (req.method === 'HEAD' || length === 0) {
          upstreamResponse.resume();
          res.socket?.resetAndDestroy();
          return;
        }
        let sent = 0;
        upstreamResponse.on('data', (chunk: Buffer) => {
          if (sent >= length / 2) return;
          const part = chunk.subarray(0, Math.max(1, Math.ceil(length / 2) - sent));
          sent += part.length;
          res.write(part);
          if (sent >= length / 2) {
            upstreamResponse.destroy();
            // Let the bytes leave before the reset, so the client sees a truncated body, not a refused request.
            setTimeout(() => res.socket?.resetAndDestroy(), 20);
          }
        });
      },
    );
    upstreamRequest.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.socket?.destroy();
    });
    res.on('close', () => upstreamRequest.destroy());
    pipeBody(req, upstreamRequest);
  };

  const pipeBody = (req: IncomingMessage, out: NodeJS.WritableStream): void => {
    if (bytesPerSecond === undefined) {
      req.pipe(out);
      return;
    }
    const rate = bytesPerSecond;
    req.on('data', (chunk: Buffer) => {
      req.pause();
      out.write(chunk);
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          req.resume();
        },
        (chunk.length / rate) * 1000,
      );
      timers.add(timer);
    });
    req.on('end', () => out.end());
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const [, ...keyParts] = url.pathname.split('/').filter((part) => part !== '');
    const seen: SeenRequest = {
      method: req.method ?? 'GET',
      key: decodeURIComponent(keyParts.join('/')),
      query: [...url.searchParams.keys()],
      at: Date.now(),
    };
    const rule = takeRule(seen);
    if (rule) seen.fault = rule.fault.kind;
    requests.push(seen);
    events.emit('request', seen);
    const fault = rule?.fault;
    if (!fault) return forward(req, res, false);
    if (fault.kind === 'status') {
      req.resume();
      req.on('end', () => {
        const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${fault.code}</Code><Message>injected by the fault proxy</Message></Error>`;
        res
          .writeHead(fault.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) })
          .end(body);
      });
      return;
    }
    if (fault.kind === 'stall') {
      req.resume();
      const timer = setTimeout(() => {
        timers.delete(timer);
        req.socket.destroy();
      }, fault.ms ?? 60_000);
      timers.add(timer);
      req.socket.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length === 0 && req.headers['transfer-encoding'] === undefined) return forward(req, res, true);
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= length / 2) req.socket.resetAndDestroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // resets we cause ourselves
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= new Promise<void>((closed) => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      server.close(() => closed());
    }));
  const lifetime = setTimeout(() => void stop(), options.lifetimeMs ?? 5 * 60_000);
  lifetime.unref();

  return {
    endpoint: `http://127.0.0.1:${port}`,
    inject: (fault, { times = MAX_TIMES, match = {} } = {}) => {
      if (!Number.isInteger(times) || times < 1 || times > MAX_TIMES)
        throw new Error(`times must be 1..${MAX_TIMES}, got ${times}`);
      rules.push({ fault, remaining: times, match });
    },
    throttle: (rate) => {
      bytesPerSecond = rate;
    },
    pendingFaults: () => rules.reduce((sum, rule) => sum + rule.remaining, 0),
    clear: () => {
      rules.length = 0;
      bytesPerSecond = undefined;
    },
    requests,
    waitForRequest: (match, { timeoutMs = 30_000, onlyNew = false } = {}) =>
      new Promise<SeenRequest>((found, failed) => {
        const past = onlyNew ? undefined : requests.find((seen) => matches(match, seen));
        if (past) return found(past);
        const timer = setTimeout(() => {
          events.off('request', listener);
          failed(
            new Error(
              `no request matching ${JSON.stringify({ ...match, key: String(match.key ?? '') })} within ${timeoutMs} ms`,
            ),
          );
        }, timeoutMs);
        const listener = (seen: SeenRequest): void => {
          if (!matches(match, seen)) return;
          clearTimeout(timer);
          events.off('request', listener);
          found(seen);
        };
        events.on('request', listener);
      }),
    stop: async () => {
      clearTimeout(lifetime);
      await stop();
    },
  };
}

function matches(match: RequestMatch, seen: SeenRequest): boolean {
  if (match.method !== undefined && match.method !== seen.method) return false;
  if (match.query !== undefined && !seen.query.includes(match.query)) return false;
  if (match.key === undefined) return true;
  return typeof match.key === 'string' ? match.key === seen.key : match.key.test(seen.key);
}
