/**
 * `keyward keys`: create (from flags, or on a TTY with none, the four-step wizard), list, show,
 * rotate, disable, enable, revoke, and usage as a small terminal chart.
 */
import type { Command } from 'commander';
import type { CreateKeyInput } from '../api/keys.js';
import type { CreatedKeyObject, KeyObject, KeyUsageObject } from '../client/management.js';
import { collect, defined, integer, levels, list, num, paged, run, str } from './command-kit.js';
import { promptKeyGrants } from './keys-create.prompt.js';
import { registerKeyImport } from './keys-import.command.js';
import { parseRateLimitFlags } from './ratelimit-flags.js';
import { registerKeyUsageControls, usageControls, withUsageControlFlags } from './keys-usage-controls.js';
import { dim, fields, green, line, red, secret, show, UsageError, yellow, type Column, showPage } from './output.js';

const COLUMNS: readonly Column<KeyObject>[] = [
  ['id', (k) => k.id],
  ['name', (k) => k.name],
  ['kind', (k) => k.kind],
  [
    'status',
    (k) => (k.status === 'active' ? green(k.status) : k.status === 'revoked' ? red(k.status) : yellow(k.status)),
  ],
  ['hint', (k) => `…${k.hint}`],
  ['environment', (k) => k.environmentId],
  ['expires', (k) => k.expiresAt],
  ['lastUsed', (k) => k.lastUsedAt],
];

const GRANT_FLAGS = ['preset', 'scope', 'permission', 'level', 'policy', 'group'] as const;

function printCreated(created: CreatedKeyObject, json: boolean): void {
  show(created, { json }, (k) => {
    line(
      `Created key ${k.id} (${k.name}, ${k.kind}${k.expiresAt === null ? ', never expires' : `, expires ${k.expiresAt}`})`,
    );
    for (const warning of k.warnings ?? []) line(yellow(`warning: ${warning}`));
    secret('Key', k.key);
  });
}

/** Bars of one verify count per day, scaled to the busiest day. */
function usageChart(usage: KeyUsageObject): void {
  line(
    `${usage.total} verifies${usage.lastUsedAt === null ? '' : `, last ${usage.lastUsedAt}${usage.lastUsedIp === null ? '' : ` from ${usage.lastUsedIp}`}`}`,
  );
  const max = Math.max(1, ...usage.days.map((day) => day.count));
  for (const day of usage.days) {
    const width = Math.max(1, Math.round((day.count / max) * 40));
    const codes = Object.entries(day.byCode)
      .map(([code, count]) => `${code} ${count}`)
      .join(', ');
    line(`${day.day}  `, green('█'.repeat(width)), ` ${day.count}  `, dim(codes));
  }
  if (usage.days.length === 0) line(dim('(no verifies in these days)'));
}

function expiry(opts: Readonly<Record<string, unknown>>): { expiresInDays?: number | null } {
  if (opts['neverExpires'] === true && opts['expiresInDays'] !== undefined)
    throw new UsageError('--expires-in-days and --never-expires exclude each other');
  if (opts['neverExpires'] === true) return { expiresInDays: null };
  const days = num(opts, 'expiresInDays');
  return days === undefined ? {} : { expiresInDays: days };
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys: create, list, rotate, revoke');
  withUsageControlFlags(keys.command('create'))
    .description('create a key (no grant flags on a terminal: a guided wizard)')
    .option('--environment <id>', 'its environment (an environment key names its own)')
    .requiredOption('--name <name>', 'what the key is for')
    .option('--kind <kind>', 'application or user', 'application')
    .option('--user <id>', 'the user of a user key')
    .option('--admin', 'an admin key')
    .option('--preset <name>', 'start from a preset of the model (keyward model)')
    .option('--scope <scope>', 'type:role or type:res_…:role (repeatable)', collect)
    .option('--permission <name>', 'a named permission (repeatable)', collect)
    .option('--level <type=level>', 'none|view|edit|full on a type (repeatable)', collect)
    .option('--policy <id>', 'link a policy (repeatable)', collect)
    .option('--group <id>', 'join a sharing group (repeatable)', collect)
    .option('--expires-in-days <n>', 'expiry in days', integer)
    .option('--never-expires', 'no expiry')
    .option('--ratelimit <name:limit/durationMs>', 'a rate limit, e.g. per-second:10/1000 (repeatable)', collect)
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const kindText = str(opts, 'kind');
        if (kindText !== 'application' && kindText !== 'user') throw new UsageError('--kind is application or user');
        const kind: CreateKeyInput['kind'] = kindText;
        const base = defined({
          environmentId: str(opts, 'environment'),
          name: str(opts, 'name') ?? '',
          kind,
          userId: str(opts, 'user'),
          admin: opts['admin'] === true ? true : undefined,
          ...expiry(opts),
          ratelimits: parseRateLimitFlags(list(opts, 'ratelimit'), false),
          ...usageControls(opts),
        });
        const flagged = GRANT_FLAGS.some((flag) => opts[flag] !== undefined);
        let grants: Partial<CreateKeyInput>;
        if (!flagged && process.stdin.isTTY === true && process.stdout.isTTY === true && !json) {
          const chosen = await promptKeyGrants(client, base);
          if (chosen === null) return line('Nothing created.');
          grants = chosen;
        } else {
          grants = defined({
            preset: str(opts, 'preset'),
            scopes: list(opts, 'scope'),
            permissions: list(opts, 'permission'),
            levels: levels(list(opts, 'level')),
            policyIds: list(opts, 'policy'),
            groupIds: list(opts, 'group'),
          });
        }
        printCreated(await client.keys.create({ ...base, ...grants }), json);
      }),
    );
  paged(
    keys
      .command('list')
      .description('list keys')
      .option('--tenant <id>')
      .option('--environment <id>')
      .option('--policy <id>', 'keys linked to this policy')
      .option('--group <id>', 'keys in this group')
      .option('--expiring-within-days <n>', 'live keys expiring within n days', integer),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const page = await client.keys.list(
        defined({
          tenantId: str(opts, 'tenant'),
          environmentId: str(opts, 'environment'),
          policyId: str(opts, 'policy'),
          groupId: str(opts, 'group'),
          expiringWithinDays: num(opts, 'expiringWithinDays'),
          limit: num(opts, 'limit'),
          cursor: str(opts, 'cursor'),
        }),
      );
      showPage(page, { json }, COLUMNS);
    }),
  );
  keys
    .command('show <id>')
    .description('show a key (never its secret)')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.keys.get(id), { json }, fields)),
    );
  keys
    .command('rotate <id>')
    .description('replace the secret of a key; prints the new one once')
    .option('--otp <code>', "a TOTP code of the key's user, where MFA is required")
    .option('--grace <seconds>', 'how long the old secret keeps working, at most 604800 (a week; default 0)', integer)
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) =>
        printCreated(
          await client.keys.rotate(id, defined({ otp: str(opts, 'otp'), gracePeriodSeconds: num(opts, 'grace') })),
          json,
        ),
      ),
    );
  for (const [name, enabled] of [
    ['disable', false],
    ['enable', true],
  ] as const) {
    keys
      .command(`${name} <id>`)
      .description(`${name} a key (reversible)`)
      .action((id: string, _o, command: Command) =>
        run(command, async ({ client, json }) =>
          show(await client.keys.update(id, { enabled }), { json }, (k) => line(`Key ${k.id} is ${k.status}`)),
        ),
      );
  }
  withUsageControlFlags(
    keys
      .command('update <id>')
      .description("change a key's name, rate limits, IP allowlist or credits")
      .option('--name <name>', 'a new name')
      .option(
        '--ratelimit <name:limit/durationMs>',
        'a rate limit, e.g. per-second:10/1000 (repeatable; replaces the set)',
        collect,
      )
      .option('--clear-ratelimits', 'remove every rate limit of the key'),
  ).action((id: string, _o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const patch = defined({
        name: str(opts, 'name'),
        ratelimits: parseRateLimitFlags(list(opts, 'ratelimit'), opts['clearRatelimits'] === true),
        ...usageControls(opts),
      });
      if (Object.keys(patch).length === 0)
        throw new UsageError(
          'nothing to change: give --name, --ratelimit, --clear-ratelimits, --ip-allow, --credits or --refill',
        );
      show(await client.keys.update(id, patch), { json }, fields);
    }),
  );
  keys
    .command('revoke <id>')
    .description('revoke a key: permanent and immediate')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.keys.revoke(id), { json }, (k) => line(`Key ${k.id} is ${k.status}`)),
      ),
    );
  registerKeyUsageControls(keys);
  registerKeyImport(keys);
  keys
    .command('usage <id>')
    .description("a key's verifies per day, as a chart")
    .option('--from <day>', 'first UTC day, YYYY-MM-DD')
    .option('--to <day>', 'last UTC day, YYYY-MM-DD')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) =>
        show(
          await client.keys.usage(id, defined({ from: str(opts, 'from'), to: str(opts, 'to') })),
          { json },
          usageChart,
        ),
      ),
    );
}
