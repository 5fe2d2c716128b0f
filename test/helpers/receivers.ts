/**
 * Real receivers for the escalation channels (docs/domain.md §6), not mocks: an SMTP server process
 * (npm `smtp-server`) and an HTTP receiver (`node:http`), both on 127.0.0.1 with a free port.
 * Tests wait for what arrives with `waitFor` (resolved by the arrival itself, not by sleeping).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

interface Waiter<T> {
  pred: (all: T[]) => boolean;
  resolve: (all: T[]) => void;
}

class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Waiter<T>[] = [];
  push(x: T): void {
    this.items.push(x);
    this.waiters = this.waiters.filter((w) => (w.pred(this.items) ? (w.resolve(this.items), false) : true));
  }
  /** Resolves when `pred` holds over everything received so far; fails after `ms` naming `what`. */
  waitFor(pred: (all: T[]) => boolean, what: string, ms = 15_000): Promise<T[]> {
    if (pred(this.items)) return Promise.resolve(this.items);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; received ${this.items.length}`)), ms);
      this.waiters.push({ pred, resolve: (all) => (clearTimeout(timer), resolve(all)) });
    });
  }
}

export interface ReceivedMail {
  to: string[];
  raw: string;
  header(name: string): string | undefined;
}

export async function startSmtpServer() {
  const inbox = new Inbox<ReceivedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          header: (name) => head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))?.slice(name.length + 1).trim(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server.server as Server).address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, inbox, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface ReceivedRequest {
  url: string;
  headers: Record<string, string | undefined>;
  body: string;
  /** what the receiver answered */
  status: number;
}

/** An HTTP receiver; `failNext(n)` makes the next n requests answer 500 (a receiver outage). */
export async function startHttpReceiver() {
  const inbox = new Inbox<ReceivedRequest>();
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failures > 0 ? (failures--, 500) : 200;
      res.statusCode = status;
      res.end();
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      inbox.push({ url: req.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), status });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inbox,
    failNext: (n: number) => (failures = n),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
