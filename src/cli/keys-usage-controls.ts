/**
 * Issue 17 on the command line: `--ip-allow`, `--credits` and `--refill` for `keys create` and
 * `keys update` (registered with the other key commands), and `keys credits add <id> <n>`.
 */
import type { Command } from 'commander';
import type { CreateKeyInput } from '../api/keys.js';
import { collect, defined, integer, list, num, run, str } from './command-kit.js';
import { line, show, UsageError } from './output.js';

/** The usage-control flags, on a command that creates or changes a key. */
export function withUsageControlFlags(command: Command): Command {
  return command
    .option('--ip-allow <cidr>', 'may be used only from this CIDR range (repeatable)', collect)
    .option('--credits <n>', 'usage credits: each verify spends its cost', integer)
    .option('--refill <amount/interval>', 'reset the credits to amount each day or month, e.g. 1000/day');
}

function refillOf(text: string | undefined): { amount: number; interval: 'day' | 'month' } | undefined {
  if (text === undefined) return undefined;
  const [amount, interval, ...rest] = text.split('/');
  const count = Number(amount);
  if (rest.length > 0 || !Number.isInteger(count) || count < 1 || (interval !== 'day' && interval !== 'month')) {
    throw new UsageError('--refill is <amount>/<day|month>, e.g. 1000/day');
  }
  return { amount: count, interval };
}

/** The request fields the flags give; --refill needs --credits (the balance it starts from). */
export function usageControls(
  opts: Readonly<Record<string, unknown>>,
): Pick<CreateKeyInput, 'ipAllowlist' | 'credits'> {
  const remaining = num(opts, 'credits');
  const refill = refillOf(str(opts, 'refill'));
  if (refill !== undefined && remaining === undefined) throw new UsageError('--refill needs --credits');
  return defined({
    ipAllowlist: list(opts, 'ipAllow'),
    credits: remaining === undefined ? undefined : defined({ remaining, refill }),
  });
}

export function registerKeyUsageControls(keys: Command): void {
  keys
    .command('credits')
    .description('usage credits of a key')
    .command('add <id> <n>')
    .description('add n credits to the balance of a key')
    .action((id: string, n: string, _o, command: Command) =>
      run(command, async ({ client, json }) => {
        const added = await client.keys.update(id, { creditsAdd: integer(n) });
        show(added, { json }, (k) => line(`Key ${k.id} has ${k.credits?.remaining ?? 0} credits`));
      }),
    );
}
