/** `keyward groups` (sharing groups and their members) and `keyward policies` (named grant sets). */
import type { Command } from 'commander';
import type { GroupObject, PolicyObject } from '../client/management.js';
import { collect, defined, levels, list, num, paged, run, str } from './command-kit.js';
import { fields, line, show, UsageError, type Column, showPage } from './output.js';
import { parseRateLimitFlags } from './ratelimit-flags.js';

const GROUP_COLUMNS: readonly Column<GroupObject>[] = [
  ['id', (g) => g.id],
  ['tenant', (g) => g.tenantId],
  ['name', (g) => g.name],
  ['members', (g) => g.memberKeyIds.length],
];

const POLICY_COLUMNS: readonly Column<PolicyObject>[] = [
  ['id', (p) => p.id],
  ['environment', (p) => p.environmentId ?? 'tenant-wide'],
  ['name', (p) => p.name],
  ['permissions', (p) => p.permissions],
  ['scopes', (p) => p.scopes],
];

export function registerGroups(program: Command): void {
  const groups = program.command('groups').description('sharing groups: get owner of what their member keys create');
  paged(groups.command('list').description('list groups').option('--tenant <id>', "only this tenant's")).action(
    (_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const page = await client.groups.list(
          defined({ tenantId: str(opts, 'tenant'), limit: num(opts, 'limit'), cursor: str(opts, 'cursor') }),
        );
        showPage(page, { json }, GROUP_COLUMNS);
      }),
  );
  groups
    .command('show <id>')
    .description('show a group and its members')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.groups.get(id), { json }, fields)),
    );
  groups
    .command('create')
    .description('create a group')
    .option('--tenant <id>', 'its tenant (a tenant key names its own)')
    .requiredOption('--name <name>', 'its name')
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const group = await client.groups.create(
          defined({ tenantId: str(opts, 'tenant'), name: str(opts, 'name') ?? '' }),
        );
        show(group, { json }, (g) => line(`Created group ${g.id} (${g.name})`));
      }),
    );
  groups
    .command('delete <id>')
    .description('delete a group')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.groups.delete(id), { json }, (g) => line(`Deleted group ${g.id}`)),
      ),
    );
  const members = groups.command('members').description("a group's member keys");
  members
    .command('add <groupId> <memberId>')
    .description('add a key (key_…) or a user (usr_…) to a group')
    .action((id: string, memberId: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(
          await client.groups.addMember(id, memberId.startsWith('usr_') ? { userId: memberId } : { keyId: memberId }),
          { json },
          fields,
        ),
      ),
    );
  members
    .command('remove <groupId> <keyId>')
    .description('remove a key from a group')
    .action((id: string, keyId: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.groups.removeMember(id, keyId), { json }, fields)),
    );
}

export function registerPolicies(program: Command): void {
  const policies = program.command('policies').description('policies: named grant sets linked to keys');
  paged(
    policies.command('list').description('list policies').option('--tenant <id>').option('--environment <id>'),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const page = await client.policies.list(
        defined({
          tenantId: str(opts, 'tenant'),
          environmentId: str(opts, 'environment'),
          limit: num(opts, 'limit'),
          cursor: str(opts, 'cursor'),
        }),
      );
      showPage(page, { json }, POLICY_COLUMNS);
    }),
  );
  policies
    .command('show <id>')
    .description('show a policy')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.policies.get(id), { json }, fields)),
    );
  policies
    .command('create')
    .description('create a policy')
    .option('--tenant <id>')
    .option('--environment <id>', 'omit for a tenant-wide policy')
    .requiredOption('--name <name>')
    .option('--preset <name>', "a model preset's scopes")
    .option('--permission <name>', 'a named permission (repeatable)', collect)
    .option('--scope <scope>', 'type:role or type:res_…:role (repeatable)', collect)
    .option('--level <type=level>', 'none|view|edit|full on a type (repeatable)', collect)
    .option(
      '--ratelimit <name:limit/durationMs>',
      'a rate limit its keys share, e.g. per-second:10/1000 (repeatable)',
      collect,
    )
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const policy = await client.policies.create(
          defined({
            tenantId: str(opts, 'tenant'),
            environmentId: str(opts, 'environment'),
            name: str(opts, 'name') ?? '',
            preset: str(opts, 'preset'),
            permissions: list(opts, 'permission'),
            scopes: list(opts, 'scope'),
            levels: levels(list(opts, 'level')),
            ratelimits: parseRateLimitFlags(list(opts, 'ratelimit'), false),
          }),
        );
        show(policy, { json }, (p) => line(`Created policy ${p.id} (${p.name})`));
      }),
    );
  policies
    .command('update <id>')
    .description("change a policy's name or rate limits")
    .option('--name <name>', 'a new name')
    .option(
      '--ratelimit <name:limit/durationMs>',
      'a rate limit its keys share (repeatable; replaces the set)',
      collect,
    )
    .option('--clear-ratelimits', 'remove every rate limit of the policy')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const patch = defined({
          name: str(opts, 'name'),
          ratelimits: parseRateLimitFlags(list(opts, 'ratelimit'), opts['clearRatelimits'] === true),
        });
        if (Object.keys(patch).length === 0)
          throw new UsageError('nothing to change: give --name, --ratelimit or --clear-ratelimits');
        show(await client.policies.update(id, patch), { json }, (p) => line(`Policy ${p.id} updated`));
      }),
    );
  policies
    .command('delete <id>')
    .description('delete a policy')
    .option('--force', 'unlink it from its keys first')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) =>
        show(await client.policies.delete(id, opts['force'] === true ? { force: true } : undefined), { json }, (p) =>
          line(`Deleted policy ${p.id}`),
        ),
      ),
    );
}
