/**
 * A PostgreSQL that goes silent — neither answers nor resets, as a dead route or a full queue —
 * never hangs a write (SPEC §6, bounded waits): the write answers 503 within 5 s, and is never
 * committed later without the caller knowing, even when what the node sent reaches the database
 * once the link is back (as TCP retransmits it). One node reaches the database through a proxy
 * the test silences; another, on a direct link, reads back what was committed.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cluster, type Cluster, type Node } from '../support/cluster.js';
import { tcpProxy, throughProxy, type TcpProxy } from '../support/tcp-proxy.js';

const url = inject('postgresUrl');
/** SPEC §6: a write answers 503 within 5 s when the database is silent. */
const WRITE_BOUND_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The request's answer and how long it took, or 'hung' if none came within `ms`. */
async function timed<T>(request: Promise<T>, ms: number): Promise<{ answer: T; elapsedMs: number } | 'hung'> {
  const started = Date.now();
  const answer = await Promise.race([request, sleep(ms).then(() => 'hung' as const)]);
  return answer === 'hung' ? 'hung' : { answer, elapsedMs: Date.now() - started };
}

/** Whether a PostgreSQL protocol chunk carries `text` as a whole (NUL-terminated) string. */
const carries = (text: string) => (chunk: Buffer) => chunk.includes(`${text}\0`);

describe.skipIf(url === null)('a silent PostgreSQL', () => {
  let nodes: Cluster;
  let proxy: TcpProxy;
  afterEach(async () => {
    await proxy?.close();
    await nodes?.close();
  });

  /** A node on a direct link (it makes the root key) and one through the proxy, its root key cached. */
  async function start(): Promise<{ direct: Node; silenced: Node; root: string }> {
    const target = new URL(url ?? '');
    proxy = await tcpProxy(target.hostname, Number(target.port || 5432));
    nodes = cluster(url ?? '');
    const direct = await nodes.start();
    const silenced = await nodes.start({ databaseUrl: throughProxy(url ?? '', proxy.port) });
    const root = direct.keyward.rootKey.createdKey ?? '';
    expect((await silenced.call('POST', '/v1/tenants', root, { name: 'Before' })).status).toBe(201);
    return { direct, silenced, root };
  }

  const tenantsNamed = async (node: Node, root: string, name: string): Promise<number> => {
    const list = await node.call('GET', '/v1/tenants?limit=100', root);
    expect(list.status).toBe(200);
    return (list.body.items as Array<{ name: string }>).filter((tenant) => tenant.name === name).length;
  };

  it('answers a write 503 within 5 s, and never commits it once the link is back', async () => {
    const { direct, silenced, root } = await start();
    proxy.stall();
    const write = await timed(silenced.call('POST', '/v1/tenants', root, { name: 'During' }), WRITE_BOUND_MS + 1000);
    expect(write).not.toBe('hung');
    if (write === 'hung') return;
    expect(write.answer.status).toBe(503);
    expect(write.answer.body.code).toBe('UNAVAILABLE');
    expect(write.elapsedMs).toBeLessThan(WRITE_BOUND_MS);

    // What the node sent is delivered now, as a route that comes back delivers it.
    proxy.restore();
    await sleep(1000);
    expect(await tenantsNamed(direct, root, 'During')).toBe(0);
    await sleep(2000);
    expect(await tenantsNamed(direct, root, 'During')).toBe(0);
    // The node recovers by itself.
    expect((await silenced.call('POST', '/v1/tenants', root, { name: 'After' })).status).toBe(201);
  }, 30_000);

  it('answers 503 saying the outcome is unknown when the COMMIT goes unanswered, and the database never commits it later', async () => {
    const { direct, silenced, root } = await start();
    // Silent from the moment the node sends the write's COMMIT: the COMMIT itself is held.
    proxy.stallWhen('client', carries('commit'));
    const write = await timed(
      silenced.call('POST', '/v1/tenants', root, { name: 'Committing' }),
      WRITE_BOUND_MS + 1000,
    );
    expect(proxy.stalled).toBe(true);
    expect(write).not.toBe('hung');
    if (write === 'hung') return;
    expect(write.answer.status).toBe(503);
    expect(write.answer.body).toMatchObject({
      code: 'UNAVAILABLE',
      detail: expect.stringMatching(/may or may not have been made; read it back before retrying/),
    });
    expect(write.elapsedMs).toBeLessThan(WRITE_BOUND_MS);

    // The held COMMIT reaches the database now: its session was ended meanwhile, so it commits nothing.
    proxy.restore();
    await sleep(1000);
    expect(await tenantsNamed(direct, root, 'Committing')).toBe(0);
    await sleep(2000);
    expect(await tenantsNamed(direct, root, 'Committing')).toBe(0);
  }, 30_000);

  it('answers 503 saying the outcome is unknown when the answer to a COMMIT is lost, and reading back shows it was made', async () => {
    const { direct, silenced, root } = await start();
    // Silent from the moment the database answers COMMIT: the write is made, the node never hears so.
    proxy.stallWhen('server', carries('COMMIT'));
    const write = await timed(silenced.call('POST', '/v1/tenants', root, { name: 'Committed' }), WRITE_BOUND_MS + 1000);
    expect(proxy.stalled).toBe(true);
    expect(write).not.toBe('hung');
    if (write === 'hung') return;
    expect(write.answer.status).toBe(503);
    expect(write.answer.body.detail).toMatch(/read it back before retrying/);
    expect(write.elapsedMs).toBeLessThan(WRITE_BOUND_MS);
    expect(await tenantsNamed(direct, root, 'Committed')).toBe(1);
    proxy.restore();
  }, 30_000);
});
