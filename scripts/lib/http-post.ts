/**
 * A JSON POST over node:http with a keep-alive agent, for the benchmark scripts: cheaper in CPU
 * per request than fetch (bench-discharge.ts measured 2.0–2.2 ms against 3.2–3.7 ms), so the
 * client takes less of the CPUs it shares with the service it measures.
 */
import { Agent, request } from 'node:http';

export interface PostAnswer {
  status: number;
  text: string;
}

/**
 * `post(path, headers, payload)` to `base`, at most `sockets` at once; a request without an answer
 * in `timeoutMs` fails. `post.close()` closes the kept-alive sockets.
 */
export function keepAlivePoster(base: string, sockets: number, timeoutMs: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const post = (path: string, headers: Record<string, string>, payload: string) =>
    new Promise<PostAnswer>((resolve, reject) => {
      const req = request(`${base}${path}`, { method: 'POST', agent, timeout: timeoutMs, headers: { ...headers, 'content-length': String(Buffer.byteLength(payload)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on('error', reject);
      req.end(payload);
    });
  return Object.assign(post, { close: () => agent.destroy() });
}
