/**
 * `keyward webhook-keys`: inbound webhooks' signing secrets (Slack, GitHub, Standard Webhooks).
 * A secret is printed once, at create and rotate; one imported from the sender is read from
 * standard input (`--secret-stdin`), never from a flag, which would leave it in the shell's
 * history and in the process list.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { CreatedWebhookKeyObject, WebhookKeyObject } from '../client/management.js';
import { collect, defined, integer, list, num, paged, run, str } from './command-kit.js';
import { fields, line, secret, show, type Column, showPage } from './output.js';

const COLUMNS: readonly Column<WebhookKeyObject>[] = [
  ['id', (k) => k.id],
  ['name', (k) => k.name],
  ['scheme', (k) => k.scheme],
  ['webhook', (k) => k.webhookId],
  ['secret', (k) => `…${k.secretHint}`],
  ['previous until', (k) => k.previousSecretValidUntil],
];

type Scheme = WebhookKeyObject['scheme'];

function scheme(value: string | undefined): Scheme {
  if (value === 'slack' || value === 'github' || value === 'standard') return value;
  throw new Error(`--scheme must be slack, github or standard, not ${value ?? 'nothing'}`);
}

/** The secret piped in, without the line end a shell adds. */
function secretFromStdin(opts: Readonly<Record<string, unknown>>): string | undefined {
  if (opts['secretStdin'] !== true) return undefined;
  return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
}

/** `Name: value` pairs, as curl takes them. */
function headers(values: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const colon = value.indexOf(':');
    if (colon <= 0) throw new Error(`--header takes "Name: value", not ${value}`);
    out[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return out;
}

function printWithSecret(verb: string, created: CreatedWebhookKeyObject, json: boolean): void {
  show(created, { json }, (k) => {
    line(
      `${verb} webhook key ${k.id} (${k.name}, ${k.scheme}${k.webhookId === null ? '' : `, webhook ${k.webhookId}`})`,
    );
    if (k.previousSecretValidUntil !== null) line(`The previous secret verifies until ${k.previousSecretValidUntil}.`);
    secret('Secret', k.secret);
  });
}

export function registerWebhookKeys(program: Command): void {
  const keys = program
    .command('webhook-keys')
    .description("inbound webhooks' signing secrets (Slack, GitHub, standard)");
  paged(
    keys.command('list').description('list webhook keys').option('--environment <id>').option('--webhook <id>'),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const page = await client.webhookKeys.list(
        defined({
          environmentId: str(opts, 'environment'),
          webhookId: str(opts, 'webhook'),
          limit: num(opts, 'limit'),
          cursor: str(opts, 'cursor'),
        }),
      );
      showPage(page, { json }, COLUMNS);
    }),
  );
  keys
    .command('show <id>')
    .description('show a webhook key (its secret never again: its hint)')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.webhookKeys.get(id), { json }, fields)),
    );
  keys
    .command('create')
    .description('create a webhook key; prints its secret once')
    .requiredOption('--name <name>')
    .requiredOption('--scheme <scheme>', 'slack, github or standard')
    .option('--environment <id>', 'its environment (an environment key names its own)')
    .option('--webhook <id>', 'the webhook resource to bind it to')
    .option('--secret-stdin', "import the sender's secret from standard input instead of generating one")
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const created = await client.webhookKeys.create(
          defined({
            name: str(opts, 'name') ?? '',
            scheme: scheme(str(opts, 'scheme')),
            environmentId: str(opts, 'environment'),
            webhookId: str(opts, 'webhook'),
            secret: secretFromStdin(opts),
          }),
        );
        printWithSecret('Created', created, json);
      }),
    );
  keys
    .command('rotate <id>')
    .description('replace the secret; the previous one verifies on for the grace')
    .option('--grace <seconds>', 'how long the previous secret keeps verifying (default 86400)', integer)
    .option('--secret-stdin', "import the sender's new secret from standard input")
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const body = defined({ gracePeriodSeconds: num(opts, 'grace'), secret: secretFromStdin(opts) });
        printWithSecret('Rotated', await client.webhookKeys.rotate(id, body), json);
      }),
    );
  keys
    .command('verify <id>')
    .description('check the signature of a request you received')
    .option('--header <header>', 'a header it came with, "Name: value" (repeat)', collect)
    .option('--body <text>', 'its body, as text')
    .option('--body-file <path>', 'its body, read byte for byte from a file')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const file = str(opts, 'bodyFile');
        const body =
          file === undefined
            ? { body: str(opts, 'body') ?? '' }
            : { body: readFileSync(file).toString('base64'), bodyEncoding: 'base64' as const };
        const verdict = await client.webhookKeys.verify(id, { headers: headers(list(opts, 'header')), ...body });
        show(verdict, { json }, (v) =>
          line(
            v.valid ? 'valid' : `not valid: ${v.reason ?? 'unknown'}${v.header === undefined ? '' : ` (${v.header})`}`,
          ),
        );
        if (!verdict.valid) process.exitCode = 1;
      }),
    );
  keys
    .command('delete <id>')
    .description('delete a webhook key and its secrets')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.webhookKeys.delete(id), { json }, (k) => line(`Deleted webhook key ${k.id}`)),
      ),
    );
}
