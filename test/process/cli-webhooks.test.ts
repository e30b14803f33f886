/**
 * `keyward webhooks …` against a running server (issue 24): an endpoint created with its secret
 * printed once, a test event delivered to a receiver and seen in the delivery log, the secret
 * rotated, the endpoint deleted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHome, type CliHome } from '../support/cli-process.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startReceiver, type Receiver } from '../support/webhook-receiver.js';

describe('keyward webhooks', { timeout: 60_000 }, () => {
  let server: ServerProcess;
  let hooks: Receiver;
  let cli: CliHome;
  let as: Record<string, string>;
  let tenantId: string;

  const json = async (args: string[]) => {
    const result = await cli.run([...args, '--json'], as);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };

  beforeAll(async () => {
    server = await startServerProcess({ KEYWARD_WEBHOOK_ALLOW_PRIVATE: 'true', KEYWARD_WEBHOOK_POLL_MS: '50' });
    hooks = await startReceiver();
    cli = cliHome();
    as = { KEYWARD_URL: server.url, KEYWARD_KEY: readFileSync(join(server.cwd, 'data', 'root.key'), 'utf8').trim() };
    tenantId = (await json(['tenants', 'create', '--name', 'Hooked'])).id;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await hooks?.close();
  });

  it('creates an endpoint printing its secret once, sends a test event and shows it delivered', async () => {
    const created = await cli.run(
      ['webhooks', 'create', '--tenant', tenantId, '--url', hooks.url, '--events', 'key.created,key.revoked'],
      as,
    );
    expect(created.status, created.stderr).toBe(0);
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.stdout)?.[0] ?? '';
    expect(secret).not.toBe('');
    expect(created.stdout).toContain('shown this once');
    const id = /Created webhook endpoint (whe_[0-9a-z]+)/.exec(created.stdout)?.[1] ?? '';

    const listed = await json(['webhooks', 'list', '--tenant', tenantId]);
    expect(listed.items.map((item: { id: string }) => item.id)).toEqual([id]);
    expect(JSON.stringify(listed)).not.toContain('whsec_');

    await json(['webhooks', 'test', id]);
    await hooks.until(() => hooks.accepted().length === 1);
    const [request] = hooks.accepted();
    expect(() =>
      new Webhook(secret).verify(request?.body ?? '', request?.headers as Record<string, string>),
    ).not.toThrow();
    let log = await json(['webhooks', 'deliveries', id]);
    for (let tries = 0; tries < 50 && log.items[0]?.status !== 'delivered'; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      log = await json(['webhooks', 'deliveries', id]);
    }
    expect(log.items[0]).toMatchObject({ type: 'webhook.test', status: 'delivered', attempts: 1, lastStatusCode: 204 });
    const table = await cli.run(['webhooks', 'deliveries', id], as);
    expect(table.stdout).toMatch(/webhook\.test\s+-\s+delivered\s+1\s+204/);

    const rotated = await cli.run(['webhooks', 'rotate-secret', id, '--grace', '60'], as);
    expect(rotated.status, rotated.stderr).toBe(0);
    expect(/whsec_[A-Za-z0-9+/=]+/.exec(rotated.stdout)?.[0]).not.toBe(secret);

    expect((await json(['webhooks', 'delete', id])).id).toBe(id);
    const gone = await cli.run(['webhooks', 'show', id], as);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain('NOT_FOUND');
  });
});
