/** `keyward tenants` and `keyward environments`: the two levels every key lives under. */
import type { Command } from 'commander';
import type { EnvironmentObject, TenantObject } from '../client/management.js';
import { defined, integer, num, paged, run, str } from './command-kit.js';
import { fields, line, show, type Column, showPage } from './output.js';

const TENANT_COLUMNS: readonly Column<TenantObject>[] = [
  ['id', (t) => t.id],
  ['name', (t) => t.name],
  ['created', (t) => t.createdAt],
];

const ENVIRONMENT_COLUMNS: readonly Column<EnvironmentObject>[] = [
  ['id', (e) => e.id],
  ['tenant', (e) => e.tenantId],
  ['name', (e) => e.name],
  ['keyPrefix', (e) => e.keyPrefix],
];

function tenantSettings(opts: Readonly<Record<string, unknown>>) {
  return defined({
    name: str(opts, 'name'),
    rotationWindowDays: num(opts, 'rotationWindowDays'),
    defaultKeyExpiryDays: num(opts, 'defaultKeyExpiryDays'),
    maxKeyExpiryDays: num(opts, 'maxKeyExpiryDays'),
    ...(opts['mfaRequired'] === undefined ? {} : { mfaRequired: opts['mfaRequired'] === true }),
  });
}

function settingOptions(command: Command): Command {
  return command
    .option('--mfa-required', 'require MFA of user keys')
    .option('--rotation-window-days <n>', 'days an expired key may still rotate itself', integer)
    .option('--default-key-expiry-days <n>', 'expiry of a key created without one', integer)
    .option('--max-key-expiry-days <n>', 'longest expiry a key may have', integer);
}

export function registerTenants(program: Command): void {
  const tenants = program.command('tenants').description('tenants: one per customer of your platform');
  paged(tenants.command('list').description('list tenants')).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const page = await client.tenants.list(defined({ limit: num(opts, 'limit'), cursor: str(opts, 'cursor') }));
      showPage(page, { json }, TENANT_COLUMNS);
    }),
  );
  tenants
    .command('show <id>')
    .description('show a tenant')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.tenants.get(id), { json }, fields)),
    );
  settingOptions(
    tenants.command('create').description('create a tenant').requiredOption('--name <name>', 'its name'),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const tenant = await client.tenants.create({ ...tenantSettings(opts), name: str(opts, 'name') ?? '' });
      show(tenant, { json }, (t) => line(`Created tenant ${t.id} (${t.name})`));
    }),
  );
  settingOptions(
    tenants
      .command('update <id>')
      .description("change a tenant's name or settings")
      .option('--name <name>', 'its new name'),
  ).action((id: string, _o, command: Command) =>
    run(command, async ({ client, json, opts }) =>
      show(await client.tenants.update(id, tenantSettings(opts)), { json }, fields),
    ),
  );
}

export function registerEnvironments(program: Command): void {
  const environments = program
    .command('environments')
    .description("environments: a tenant's separate worlds (prod, staging)");
  paged(
    environments.command('list').description('list environments').option('--tenant <id>', "only this tenant's"),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const page = await client.environments.list(
        defined({ tenantId: str(opts, 'tenant'), limit: num(opts, 'limit'), cursor: str(opts, 'cursor') }),
      );
      showPage(page, { json }, ENVIRONMENT_COLUMNS);
    }),
  );
  environments
    .command('show <id>')
    .description('show an environment')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.environments.get(id), { json }, fields)),
    );
  settingOptions(
    environments
      .command('create')
      .description('create an environment')
      .option('--tenant <id>', 'its tenant (a tenant key names its own)')
      .requiredOption('--name <name>', 'its name')
      .option('--key-prefix <prefix>', "prefix of its keys' text"),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const environment = await client.environments.create({
        ...tenantSettings(opts),
        name: str(opts, 'name') ?? '',
        ...defined({ tenantId: str(opts, 'tenant'), keyPrefix: str(opts, 'keyPrefix') }),
      });
      show(environment, { json }, (e) => line(`Created environment ${e.id} (${e.name}) in ${e.tenantId}`));
    }),
  );
  settingOptions(
    environments
      .command('update <id>')
      .description("change an environment's name or settings")
      .option('--name <name>', 'its new name'),
  ).action((id: string, _o, command: Command) =>
    run(command, async ({ client, json, opts }) =>
      show(await client.environments.update(id, tenantSettings(opts)), { json }, fields),
    ),
  );
  environments
    .command('delete <id>')
    .description('delete an environment')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.environments.delete(id), { json }, (e) => line(`Deleted environment ${e.id}`)),
      ),
    );
}
