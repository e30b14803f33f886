/** `keyward audit`: the audit log (`list --since 24h`) and its hash chain's check (`verify`). */
import type { Command } from 'commander';
import type { ListAuditInput } from '../api/audit.js';
import type { AuditEventObject } from '../client/management.js';
import { defined, num, paged, run, str } from './command-kit.js';
import { fields, green, line, red, show, UsageError, type Column, showPage } from './output.js';

const COLUMNS: readonly Column<AuditEventObject>[] = [
  ['at', (e) => e.at],
  ['action', (e) => e.action],
  ['outcome', (e) => e.outcome],
  ['actor', (e) => (e.actor.type === 'operator' ? 'instance operator' : e.actorKeyId)],
  ['target', (e) => e.target?.id],
  ['tenant', (e) => e.tenantId],
];

const UNITS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30m`, `24h`, `7d`, `2w` before now, or a date / date-time as is. */
export function since(value: string, now = Date.now()): string {
  const relative = /^(\d+)([mhdw])$/.exec(value);
  if (relative !== null) return new Date(now - Number(relative[1]) * (UNITS[relative[2] ?? 'd'] ?? 0)).toISOString();
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--since takes 30m, 24h, 7d, 2w or a date, got "${value}"`);
  return new Date(at).toISOString();
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log and its hash chain');
  paged(
    audit
      .command('list')
      .description('list audit events, oldest first')
      .option('--since <when>', '30m, 24h, 7d, 2w or a date')
      .option('--tenant <id>')
      .option('--action <action>', 'e.g. key.create')
      .option('--actor <keyId>')
      .option('--target <id>')
      .option('--outcome <outcome>', 'success or denied'),
  ).action((_o, command: Command) =>
    run(command, async ({ client, json, opts }) => {
      const sinceText = str(opts, 'since');
      const outcome = str(opts, 'outcome');
      const page = await client.audit.list(
        defined<ListAuditInput>({
          from: sinceText === undefined ? undefined : since(sinceText),
          tenantId: str(opts, 'tenant'),
          action: str(opts, 'action'),
          actorKeyId: str(opts, 'actor'),
          targetId: str(opts, 'target'),
          outcome: outcome === 'success' || outcome === 'denied' ? (outcome as 'success' | 'denied') : undefined,
          limit: num(opts, 'limit'),
          cursor: str(opts, 'cursor'),
        }),
      );
      showPage(page, { json }, COLUMNS);
    }),
  );
  audit
    .command('verify')
    .description("check the audit log's hash chain; exit 1 when it is broken")
    .option('--tenant <id>')
    .action((_o, command: Command) =>
      run(command, async ({ client, json, opts }) => {
        const check = await client.audit.verify(defined({ tenantId: str(opts, 'tenant') }));
        show(check, { json }, (c) => {
          line(c.ok ? green(`OK: ${c.checked} events chained`) : red(`BROKEN after ${c.checked} events`));
          if (!c.ok) fields({ firstBadEventId: c.firstBadEventId });
        });
        if (!check.ok) process.exitCode = 1;
      }),
    );
}
