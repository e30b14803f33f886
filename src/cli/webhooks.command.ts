/** `keyward webhooks`: events out — endpoints (their secret printed once), the delivery log, redelivery, a test event. */
import type { Command } from 'commander';
import type { EndpointWithSecretObject, WebhookDeliveryObject, WebhookEndpointObject } from '../client/management.js';
import type { CreateEndpointInput } from '../api/webhooks.js';
import { defined, integer, num, paged, run, str } from './command-kit.js';
import { fields, line, secret, show, type Column, showPage } from './output.js';

const ENDPOINT_COLUMNS: readonly Column<WebhookEndpointObject>[] = [
  ['id', (e) => e.id],
  ['url', (e) => e.url],
  ['events', (e) => e.events],
  ['enabled', (e) => e.enabled],
];

const DELIVERY_COLUMNS: readonly Column<WebhookDeliveryObject>[] = [
  ['id', (d) => d.id],
  ['type', (d) => d.type],
  ['key', (d) => d.keyId],
  ['status', (d) => d.status],
  ['attempts', (d) => d.attempts],
  ['last', (d) => d.lastError ?? d.lastStatusCode],
  ['next try', (d) => d.nextAttemptAt],
];

const events = (value: string): string[] => value.split(',').map((item) => item.trim());

function printWithSecret(endpoint: EndpointWithSecretObject, json: boolean, verb: string): void {
  show(endpoint, { json }, (e) => {
    line(`${verb} webhook endpoint ${e.id} (${e.url})`);
    secret('Signing secret', e.secret);
  });
}

/** The endpoint fields `create` and `update` share, from their flags. */
function endpointFields(opts: Readonly<Record<string, unknown>>) {
  const listed = str(opts, 'events');
  const environment = str(opts, 'environment');
  return defined({
    url: str(opts, 'url'),
    events: listed === undefined ? undefined : (events(listed) as CreateEndpointInput['events']),
    description: str(opts, 'description'),
    environmentId: environment === 'all' ? null : environment,
    expiringLeadDays: num(opts, 'leadDays'),
    creditsLowThreshold: num(opts, 'creditsBelow'),
  });
}

function withEndpointFlags(command: Command): Command {
  return command
    .option('--events <list>', 'event types, comma-separated (key.created,key.revoked,…)')
    .option('--description <text>')
    .option('--environment <id>', "only this environment's events ('all': every environment)")
    .option('--lead-days <n>', 'key.expiring this many days before expiry (default 7)', integer)
    .option('--credits-below <n>', 'key.credits_low when credits fall below this', integer);
}

export function registerWebhooks(program: Command): void {
  const webhooks = program.command('webhooks').description('events out: signed webhooks to your endpoints');
  paged(webhooks.command('list').description('list webhook endpoints').option('--tenant <id>')).action(
    (_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const page = await client.webhooks.list(
          defined({ tenantId: str(opts, 'tenant'), limit: num(opts, 'limit'), cursor: str(opts, 'cursor') }),
        );
        showPage(page, { json }, ENDPOINT_COLUMNS);
      }),
  );
  webhooks
    .command('show <id>')
    .description('show a webhook endpoint (never its secret)')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.webhooks.get(id), { json }, fields)),
    );
  withEndpointFlags(
    webhooks
      .command('create')
      .description('create a webhook endpoint; prints its signing secret once')
      .option('--tenant <id>', 'its tenant (a tenant key names its own)')
      .requiredOption('--url <url>', 'where events are POSTed'),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const body = { ...endpointFields(opts), tenantId: str(opts, 'tenant') };
      const created = await client.webhooks.create(defined(body) as CreateEndpointInput);
      printWithSecret(created, json, 'Created');
    }),
  );
  withEndpointFlags(
    webhooks
      .command('update <id>')
      .description('change a webhook endpoint')
      .option('--url <url>')
      .option('--enable', 'send to it again')
      .option('--disable', 'hold its deliveries until enabled'),
  ).action((id: string, _o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const enabled = opts['enable'] === true ? true : opts['disable'] === true ? false : undefined;
      const updated = await client.webhooks.update(id, defined({ ...endpointFields(opts), enabled }));
      show(updated, { json }, fields);
    }),
  );
  webhooks
    .command('rotate-secret <id>')
    .description('a new signing secret, printed once; the old one signs too during the grace')
    .option('--grace <seconds>', 'how long the old secret keeps signing (default 86400)', integer)
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) =>
        printWithSecret(
          await client.webhooks.rotateSecret(id, defined({ gracePeriodSeconds: num(opts, 'grace') })),
          json,
          'Rotated the secret of',
        ),
      ),
    );
  paged(
    webhooks
      .command('deliveries <id>')
      .description("an endpoint's delivery log, newest first")
      .option('--status <status>', 'pending|sending|delivered|dead'),
  ).action((id: string, _o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const status = str(opts, 'status') as WebhookDeliveryObject['status'] | undefined;
      const page = await client.webhooks.deliveries(
        id,
        defined({ status, limit: num(opts, 'limit'), cursor: str(opts, 'cursor') }),
      );
      showPage(page, { json }, DELIVERY_COLUMNS);
    }),
  );
  webhooks
    .command('redeliver <id> <deliveryId>')
    .description('send a delivered or dead delivery again')
    .action((id: string, deliveryId: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.webhooks.redeliver(id, deliveryId), { json }, (d) => line(`Delivery ${d.id} is due again`)),
      ),
    );
  webhooks
    .command('test <id>')
    .description('send a webhook.test event to the endpoint')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.webhooks.test(id), { json }, (d) => line(`Queued test delivery ${d.id}`)),
      ),
    );
  webhooks
    .command('delete <id>')
    .description('delete a webhook endpoint and what it has not received')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.webhooks.delete(id), { json }, (e) => line(`Deleted webhook endpoint ${e.id}`)),
      ),
    );
}
