/** `keyward users`: the people of a tenant, and their TOTP MFA (`mfa enrol` shows a QR code). */
import type { Command } from 'commander';
import QRCode from 'qrcode';
import type { UserObject } from '../client/management.js';
import { defined, num, paged, run, str } from './command-kit.js';
import { fields, inverse, line, secret, show, type Column, showPage } from './output.js';

const COLUMNS: readonly Column<UserObject>[] = [
  ['id', (u) => u.id],
  ['tenant', (u) => u.tenantId],
  ['name', (u) => u.name],
  ['email', (u) => u.email],
  ['role', (u) => u.role],
];

function role(opts: Readonly<Record<string, unknown>>): 'admin' | 'member' | undefined {
  const value = str(opts, 'role');
  return value === 'admin' || value === 'member' ? value : undefined;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('users: the people behind user keys');
  paged(users.command('list').description('list users').option('--tenant <id>', "only this tenant's")).action(
    (_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const page = await client.users.list(
          defined({ tenantId: str(opts, 'tenant'), limit: num(opts, 'limit'), cursor: str(opts, 'cursor') }),
        );
        showPage(page, { json }, COLUMNS);
      }),
  );
  users
    .command('show <id>')
    .description('show a user')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.users.get(id), { json }, fields)),
    );
  users
    .command('create')
    .description('create a user')
    .option('--tenant <id>', 'their tenant (a tenant key names its own)')
    .requiredOption('--name <name>', 'their name')
    .requiredOption('--email <email>', 'their email')
    .option('--role <role>', 'admin or member')
    .option('--external-id <id>', "your platform's own id for the person (unique per tenant; verify answers it)")
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const user = await client.users.create(
          defined({
            tenantId: str(opts, 'tenant'),
            name: str(opts, 'name') ?? '',
            email: str(opts, 'email') ?? '',
            role: role(opts),
            externalId: str(opts, 'externalId'),
          }),
        );
        show(user, { json }, (u) => line(`Created user ${u.id} (${u.email})`));
      }),
    );
  users
    .command('update <id>')
    .description("change a user's name, email or role")
    .option('--name <name>')
    .option('--email <email>')
    .option('--role <role>', 'admin or member')
    .option('--external-id <id>', "your platform's own id for the person (unique per tenant)")
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) =>
        show(
          await client.users.update(
            id,
            defined({
              name: str(opts, 'name'),
              email: str(opts, 'email'),
              role: role(opts),
              externalId: str(opts, 'externalId'),
            }),
          ),
          { json },
          fields,
        ),
      ),
    );
  users
    .command('delete <id>')
    .description('delete a user')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) =>
        show(await client.users.delete(id), { json }, (u) => line(`Deleted user ${u.id}`)),
      ),
    );

  const mfa = users.command('mfa').description("a user's TOTP MFA");
  mfa
    .command('status <userId>')
    .description('whether MFA is enrolled')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.users.mfaStatus(id), { json }, fields)),
    );
  mfa
    .command('enrol <userId>')
    .alias('enroll')
    .description('start enrolment: prints the otpauth URI and its QR code')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => {
        const enrolment = await client.users.mfaEnrol(id);
        if (json) return show(enrolment, { json }, () => undefined);
        // Dark modules as block characters, painted dark on light so the code scans on a dark terminal too.
        for (const row of (await QRCode.toString(enrolment.otpauthUrl, { type: 'utf8' })).trimEnd().split('\n'))
          line(inverse(row));
        line(enrolment.otpauthUrl);
        secret('TOTP seed', enrolment.secret);
        line(`Then confirm with a code from the app: keyward users mfa confirm ${id} --code <code>`);
      }),
    );
  mfa
    .command('confirm <userId>')
    .description('confirm enrolment with a first code')
    .requiredOption('--code <code>', 'the six digits the app shows')
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json, opts }) =>
        show(await client.users.mfaConfirm(id, str(opts, 'code') ?? ''), { json }, fields),
      ),
    );
  mfa
    .command('reset <userId>')
    .description("reset a user's MFA")
    .action((id: string, _o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.users.mfaReset(id), { json }, fields)),
    );
}
