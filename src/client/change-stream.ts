/**
 * The replica's end of `GET /v1/changes/stream` (SPEC §4, replica): connects with the replica's
 * key, reads the server-sent events, and reconnects when the stream ends or goes quiet. Every
 * wait is bounded: the answer's headers within `timeoutMs`, then some bytes at least every
 * `idleMs` (the server's heartbeat comes far more often), else the connection is dropped and
 * made again, with a growing pause between attempts that fail.
 */
import type { ChangeStreamEvent } from '../api/replica.js';

export interface ChangeStreamOptions {
  readonly url: string;
  readonly key: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly idleMs: number;
  /** Each event, as it arrives. */
  onEvent(event: ChangeStreamEvent, receivedAt: number): void;
  /** The stream is gone (ended, dropped, refused): what it said holds no more. */
  onDown(reason: string): void;
  readonly now: () => number;
}

export interface ChangeStreamConnection {
  stop(): void;
}

const MAX_PAUSE_MS = 5000;

/** Splits the text of one event (`event:` and `data:` lines) into its name and parsed data. */
export function parseEvent(block: string): ChangeStreamEvent | undefined {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  try {
    return { event: name, data: JSON.parse(data.join('\n')) } as ChangeStreamEvent;
  } catch {
    return undefined;
  }
}

export function followChangeStream(options: ChangeStreamOptions): ChangeStreamConnection {
  let stopped = false;
  let current: AbortController | null = null;
  let pause = 100;
  let retry: NodeJS.Timeout | null = null;

  const readOnce = async (): Promise<void> => {
    const controller = new AbortController();
    current = controller;
    let idle = setTimeout(() => controller.abort(new Error('no answer in time')), options.timeoutMs);
    const quiet = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(new Error(`nothing heard for ${options.idleMs} ms`)), options.idleMs);
    };
    try {
      const response = await options.fetch(options.url, {
        headers: { authorization: `Bearer ${options.key}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      if (response.status !== 200 || response.body === null) {
        await response.body?.cancel().catch(() => undefined);
        throw new Error(`the change stream answered ${response.status}`);
      }
      quiet();
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        quiet();
        buffered += decoder.decode(chunk, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const event = parseEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          if (event === undefined) continue;
          // A stream that delivered something is a good one: the next failure starts the pauses over.
          pause = 100;
          options.onEvent(event, options.now());
          if (event.event === 'end') return;
        }
      }
      throw new Error('the change stream ended');
    } finally {
      clearTimeout(idle);
      controller.abort();
      current = null;
    }
  };

  const loop = (): void => {
    if (stopped) return;
    readOnce().then(
      () => {
        options.onDown('the server ended the stream');
        schedule(0);
      },
      (error: unknown) => {
        options.onDown(error instanceof Error ? error.message : String(error));
        schedule(pause);
        pause = Math.min(pause * 2, MAX_PAUSE_MS);
      },
    );
  };
  const schedule = (ms: number): void => {
    if (stopped) return;
    retry = setTimeout(loop, ms);
    retry.unref();
  };
  loop();
  return {
    stop() {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      current?.abort();
    },
  };
}
