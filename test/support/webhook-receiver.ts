/**
 * A webhook receiver on 127.0.0.1 for the events-out suites: records every request (headers and
 * body as sent) and answers what the test's `answer` says for it.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The `webhook-id` header. */
  readonly id: string;
  /** Which attempt of this id this is, from 1. */
  readonly attempt: number;
  /** The status it was answered with (set once answered). */
  status: number;
}

export type Answer = (request: Received, response: ServerResponse) => number | 'hang' | 'handled';

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** The requests answered 2xx. */
  accepted(): Received[];
  /** Resolves when `predicate` holds of what was received, polling; rejects after `timeoutMs`. */
  until(predicate: (received: readonly Received[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startReceiver(answer: Answer = () => 204): Promise<Receiver> {
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = String(request.headers['webhook-id'] ?? '');
      const attempt = (attempts.get(id) ?? 0) + 1;
      attempts.set(id, attempt);
      const entry: Received = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        id,
        attempt,
        status: 0,
      };
      received.push(entry);
      const status = answer(entry, response);
      if (status === 'hang' || status === 'handled') return;
      entry.status = status;
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted: () => received.filter((entry) => entry.status >= 200 && entry.status < 300),
    until: async (predicate, timeoutMs = 15_000) => {
      const end = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > end)
          throw new Error(`receiver: not there after ${timeoutMs} ms (${received.length} received)`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
