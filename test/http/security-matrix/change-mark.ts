/**
 * Where the record of changes stands: a rejected request changes nothing but the audit log's
 * refusals (SPEC §5). Every change goes through `mutate`, which appends a change-log row, a
 * successful audit event, or both, so neither may move while a case is refused.
 */
import type { TestKeyward } from '../../support/keyward.js';

export interface ChangeMark {
  readonly lastChange: number;
  /** A count, not the newest id: on the matrix's still clock, ids made in one millisecond do not sort by time. */
  readonly successes: number;
}

export async function changeMark(kw: TestKeyward): Promise<ChangeMark> {
  const row = await kw.keyward.storage.db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('change_log')
        .select((inner) => inner.fn.max('seq').as('seq'))
        .as('lastChange'),
      eb
        .selectFrom('audit_events')
        .where('outcome', '=', 'success')
        .select((inner) => inner.fn.countAll().as('n'))
        .as('successes'),
    ])
    .executeTakeFirstOrThrow();
  return { lastChange: Number(row.lastChange ?? 0), successes: Number(row.successes ?? 0) };
}
