/** `keyward login`, `logout`, `whoami`, `model` and `verify`: who the CLI is, and the product's one question. */
import type { Command } from 'commander';
import { createClient, KeywardApiError, type VerifyAnswerObject } from '../client/management.js';
import type { ModelDescriptionObject } from '../api/model.js';
import { run } from './command-kit.js';
import { keyArgument, keyFromStdin } from './key-input.js';
import { bold, fail, fields, green, line, red, show, table, UsageError } from './output.js';
import { DEFAULT_PROFILE, removeProfile, saveProfile, storedProfile } from './profile.js';
import { loginWithSso } from './sso-login.js';

function printModel(model: ModelDescriptionObject): void {
  line(bold('Presets'));
  table(model.presets, [
    ['name', (p) => p.name],
    ['scopes', (p) => p.scopes],
    ['permissions', (p) => p.permissions],
    ['adminOnly', (p) => p.adminOnly],
  ]);
  line();
  line(bold('Types'));
  table(model.types, [
    ['name', (t) => t.name],
    ['roles', (t) => t.roles],
    ['parents', (t) => t.parents],
  ]);
  line();
  line(bold('Permissions'));
  table(model.permissions, [
    ['id', (p) => p.id],
    ['scope', (p) => p.scope],
    ['title', (p) => p.title],
  ]);
  line();
  line(bold('Levels'));
  table(model.levels, [
    ['name', (l) => l.name],
    ['actions', (l) => l.actions],
  ]);
}

function printVerdict(answer: VerifyAnswerObject): void {
  line(answer.valid ? green(answer.code) : red(answer.code));
  if (answer.keyId !== null)
    line(`key ${answer.keyId} (tenant ${answer.tenantId ?? '-'}, environment ${answer.environmentId ?? '-'})`);
  if (answer.missing !== undefined) line(`missing: ${JSON.stringify(answer.missing)}`);
  for (const limit of answer.ratelimits ?? [])
    line(`rate limit ${limit.name}: ${limit.remaining} of ${limit.limit} left until ${limit.resetAt}`);
  if (answer.credits !== undefined) line(`credits: ${answer.credits.remaining} left`);
}

interface LoginOptions {
  url: string;
  key?: string;
  profile?: string;
  json?: boolean;
  sso?: boolean;
  email?: string;
  operator?: boolean;
  browser: boolean;
  keyId?: string;
}

async function ssoLogin(opts: LoginOptions): Promise<void> {
  const name = opts.profile ?? DEFAULT_PROFILE;
  const signedIn = await loginWithSso({
    url: opts.url,
    operator: opts.operator === true,
    browser: opts.browser,
    ...(opts.email === undefined ? {} : { email: opts.email }),
    ...(opts.keyId === undefined ? {} : { keyId: opts.keyId }),
  });
  const me = await createClient({ baseUrl: opts.url, key: signedIn.token }).me();
  const session = {
    token: signedIn.token,
    id: signedIn.sessionId,
    email: signedIn.email,
    expiresAt: signedIn.expiresAt,
  };
  const path = saveProfile(name, { url: opts.url, session });
  show(
    { session: { id: session.id, email: session.email, expiresAt: session.expiresAt }, key: me.key },
    { json: opts.json === true },
    () =>
      line(
        `Logged in to ${opts.url} as ${session.email} with SSO, acting with ${me.key.name} (${me.key.id}) until ${session.expiresAt}; profile "${name}" saved in ${path}`,
      ),
  );
}

/** `keyward logout`: a session is ended on the server, then the profile forgotten; a key's profile is only forgotten. */
async function logout(opts: { profile?: string }): Promise<void> {
  const name = opts.profile ?? DEFAULT_PROFILE;
  const stored = storedProfile(name);
  if (stored === undefined) throw new UsageError(`no profile "${name}" to log out of`);
  if (stored.session !== undefined) {
    const client = createClient({ baseUrl: stored.url, key: stored.session.token });
    try {
      await client.sessions.delete(stored.session.id);
      line(`Ended session ${stored.session.id} (${stored.session.email}) on ${stored.url}`);
    } catch (error) {
      // Already over (expired, ended elsewhere, its key revoked): nothing is left to end on the server.
      if (!(error instanceof KeywardApiError) || error.httpStatus !== 401) throw error;
      line(`Session ${stored.session.id} had already ended on ${stored.url}`);
    }
  } else line(`The key of profile "${name}" stays valid on the server: revoke it there if it should stop working`);
  removeProfile(name);
  line(`Forgot profile "${name}"`);
}

export function registerAccount(program: Command): void {
  program
    .command('logout')
    .description('end the SSO session of the profile on the server and forget the profile here')
    .action(async (_o, command: Command) => {
      try {
        await logout(command.optsWithGlobals<{ profile?: string }>());
      } catch (error) {
        fail(error);
      }
    });
  program
    .command('login')
    .description(
      'check a key against a server and store both in a profile (0600); with --sso, sign in with your identity provider and store a session instead',
    )
    .option('--url <url>', 'where Keyward listens', process.env['KEYWARD_URL'] ?? 'http://127.0.0.1:7600')
    .option('--key <key>', 'the key to act with: - reads it from stdin (else KEYWARD_KEY, else asked for)')
    .option('--sso', "sign in through your company's identity provider in a browser: the profile keeps a session")
    .option('--email <email>', 'with --sso: your work email, which names your identity provider')
    .option('--operator', "with --sso: sign in as an operator of the instance, through the operators' provider")
    .option('--no-browser', 'with --sso: print the address to open elsewhere, and read the code it shows from stdin')
    .option('--key-id <id>', 'with --sso: the key the session acts with, when you hold several')
    .action(async (_o, command: Command) => {
      try {
        const opts = command.optsWithGlobals<LoginOptions>();
        if (opts.sso === true || opts.operator === true) return await ssoLogin(opts);
        let key =
          opts.key !== undefined ? await keyArgument(opts.key, 'keyward login --key -') : process.env['KEYWARD_KEY'];
        if (key === undefined && process.stdin.isTTY === true) key = await keyFromStdin();
        if (key === undefined || key === '')
          throw new UsageError('no key: pass --key - with the key on stdin, set KEYWARD_KEY, or run on a terminal');
        const me = await createClient({ baseUrl: opts.url, key }).me();
        const path = saveProfile(opts.profile ?? DEFAULT_PROFILE, { url: opts.url, key });
        show(me.key, { json: opts.json === true }, (k) =>
          line(
            `Logged in to ${opts.url} as ${k.name} (${k.id}); profile "${opts.profile ?? DEFAULT_PROFILE}" saved in ${path}`,
          ),
        );
      } catch (error) {
        fail(error);
      }
    });
  program
    .command('whoami')
    .description('the calling key and what it may do')
    .action((_o, command: Command) =>
      run(command, async ({ client, json }) => {
        const me = await client.me();
        show(me, { json }, () => {
          fields({
            id: me.key.id,
            name: me.key.name,
            kind: me.key.kind,
            admin: me.key.admin,
            tenant: me.key.tenantId,
            environment: me.key.environmentId,
            root: me.grants.root,
            permissions: me.grants.permissions,
          });
        });
      }),
    );
  program
    .command('model')
    .description('the authorization model in force: presets, types, roles, permissions')
    .action((_o, command: Command) =>
      run(command, async ({ client, json }) => show(await client.model(), { json }, printModel)),
    );
  program
    .command('verify <key> [permission]')
    .description(
      'ask whether a key is valid (and holds a permission, or may do an action on a resource); exit 0 only when VALID. Pass - as the key to read it from stdin (or a hidden prompt on a terminal): a key in argv is seen by ps and shell history',
    )
    .option('--action <action>', 'an action of the model')
    .option('--type <type>', 'the resource type the action is on')
    .option('--resource <id>', 'the resource id (res_…)')
    .option('--external <id>', "the resource's externalId")
    .option('--cost <n>', "what this check spends of the key's rate limits and credits (0: look only)")
    .action((given: string, permission: string | undefined, _o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const key = await keyArgument(given, 'keyward verify -');
        const action = typeof opts['action'] === 'string' ? opts['action'] : undefined;
        const type = typeof opts['type'] === 'string' ? opts['type'] : undefined;
        if ((action === undefined) !== (type === undefined)) throw new UsageError('--action and --type go together');
        const resource =
          type === undefined
            ? undefined
            : {
                type,
                ...(typeof opts['resource'] === 'string' ? { id: opts['resource'] } : {}),
                ...(typeof opts['external'] === 'string' ? { externalId: opts['external'] } : {}),
              };
        const cost = typeof opts['cost'] === 'string' ? Number(opts['cost']) : undefined;
        if (cost !== undefined && !(Number.isInteger(cost) && cost >= 0))
          throw new UsageError('--cost is a whole number, 0 or more');
        const answer = await client.verify({
          key,
          ...(cost === undefined ? {} : { cost }),
          ...(permission === undefined ? {} : { permission }),
          ...(action === undefined ? {} : { action }),
          ...(resource === undefined ? {} : { resource }),
        });
        show(answer, { json }, printVerdict);
        if (!answer.valid) process.exitCode = 1;
      }),
    );
}
