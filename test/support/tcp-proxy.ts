/**
 * A TCP proxy the test controls (node:net), between a node and its database or Redis. `cut()`
 * drops every connection through it and refuses new ones, as a lost network link would.
 * `stall()` makes it silent, as a dead route or a full queue is: it still accepts connections,
 * forwards nothing either way and never resets; what either side sends is held and delivered on
 * `restore()`, followed by any close that came meanwhile, as TCP retransmits once a route is
 * back (the worst case for a write the node gave up on). `restore()` lets everything through again.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export type Side = 'client' | 'server';

export interface TcpProxy {
  readonly port: number;
  cut(): void;
  /** Silent from now on: accepts, forwards nothing, never resets; holds what is sent. */
  stall(): void;
  /** Silent from the first chunk `from` sends for which `match` holds (that chunk is held too). */
  stallWhen(from: Side, match: (chunk: Buffer) => boolean): void;
  /** Whether a `stallWhen` matched (or `stall` was called) since the last restore. */
  readonly stalled: boolean;
  restore(): void;
  close(): Promise<void>;
}

/** One connection through the proxy: what each side sent while silent, and whether it closed. */
interface Link {
  readonly client: Socket;
  upstream: Socket | null;
  readonly held: Record<Side, Buffer[]>;
  readonly closed: Record<Side, boolean>;
}

export async function tcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const links = new Set<Link>();
  let mode: 'open' | 'cut' | 'stalled' = 'open';
  let trigger: { from: Side; match: (chunk: Buffer) => boolean } | null = null;

  const other = (link: Link, side: Side): Socket | null => (side === 'client' ? link.upstream : link.client);
  const drop = (link: Link): void => {
    links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  };
  const onData = (link: Link, from: Side, chunk: Buffer): void => {
    if (mode === 'open' && trigger !== null && trigger.from === from && trigger.match(chunk)) mode = 'stalled';
    if (mode === 'stalled') link.held[from].push(chunk);
    else other(link, from)?.write(chunk);
  };
  const onClose = (link: Link, from: Side): void => {
    if (mode === 'stalled') {
      link.closed[from] = true;
      return;
    }
    drop(link);
  };
  const connectUpstream = (link: Link): void => {
    const upstream = createConnection({ host: targetHost, port: targetPort });
    link.upstream = upstream;
    upstream.on('error', () => upstream.destroy());
    upstream.on('data', (chunk: Buffer) => onData(link, 'server', chunk));
    upstream.on('close', () => onClose(link, 'server'));
  };
  /** Delivers what each side sent while silent, then the close it made meanwhile. */
  const flush = (link: Link): void => {
    if (link.upstream === null) {
      // Opened while silent: the server never heard of it; a client that gave up meanwhile is gone.
      if (link.closed.client) {
        drop(link);
        return;
      }
      connectUpstream(link);
    }
    for (const side of ['client', 'server'] as const) {
      const to = other(link, side);
      for (const chunk of link.held[side].splice(0)) to?.write(chunk);
      if (link.closed[side]) to?.end();
    }
  };

  const server = createServer((client) => {
    client.on('error', () => client.destroy());
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const link: Link = {
      client,
      upstream: null,
      held: { client: [], server: [] },
      closed: { client: false, server: false },
    };
    links.add(link);
    client.on('data', (chunk: Buffer) => onData(link, 'client', chunk));
    client.on('close', () => onClose(link, 'client'));
    if (mode === 'open') connectUpstream(link);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the proxy has no port');
  const cutAll = (): void => {
    mode = 'cut';
    trigger = null;
    for (const link of [...links]) drop(link);
  };
  return {
    port: address.port,
    cut: cutAll,
    stall: () => {
      mode = 'stalled';
    },
    stallWhen: (from, match) => {
      trigger = { from, match };
    },
    get stalled() {
      return mode === 'stalled';
    },
    restore: () => {
      const wasStalled = mode === 'stalled';
      mode = 'open';
      trigger = null;
      if (wasStalled) for (const link of [...links]) flush(link);
    },
    close: async () => {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The same database or Redis URL, through the proxy on `port`. */
export function throughProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(port);
  return parsed.toString();
}
