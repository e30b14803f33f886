/**
 * The one way to change state. `mutate` runs a unit of work in a single transaction; each
 * change it records writes its audit event and its change-log row in that same transaction.
 * A unit of work that returns a failure rolls back, so a rejected request changes nothing.
 * After commit, the recorded changes are handed to `onCommitted` (this node's cache eviction).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../core/clock.js';
import { entityOfId } from '../core/entities.js';
import type { Problem, Result } from '../core/error-codes.js';
import type { Database } from '../storage/database.js';
import { appendChange, type Change } from '../storage/change-log.js';
import { isDeadlock, isUniqueViolation } from '../storage/dialect.js';
import type { Storage } from '../storage/storage.js';
import { insertAuditEvent, type AuditEventInput } from './audit/audit.repository.js';
import { ACTOR_EMAIL, recordedAs } from './audit/audit-actor.js';
import { emitKeyChange } from './webhooks/key-events.js';

/** Who is acting, for the audit trail. */
export interface Actor {
  readonly keyId: string | null;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
  /** The root key: a tenant's chain records it as the instance operator (audit-actor.ts). */
  readonly operator?: boolean;
  /** The person whose SSO session made the request (an operator's, or a tenant person's): audited as the actor. */
  readonly sessionEmail?: string;
  /** The status the API answers when the change succeeds (201 for a creation); absent: 200. */
  readonly successStatus?: number;
}

export interface MutationDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly onCommitted: (changes: readonly Change[]) => void;
  /** Wakes other nodes' change followers when a transaction that recorded changes commits (the storage's). */
  readonly notifyChanges: Storage['notifyChanges'];
}

export interface ChangeRecord {
  readonly action: string;
  readonly tenantId: string | null;
  readonly environmentId: string | null;
  readonly target: { readonly type: Change['entity']; readonly id: string };
  readonly op: Change['op'];
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * `false`: nothing any node caches depends on this change (a TOTP step used at sign-in), so it
   * is audited but writes no change-log row, which would drop caches on every node for nothing.
   */
  readonly cached?: false;
}

/**
 * The row a change is about, as its repository hands it over: its id (whose prefix says what it
 * is) and where it lives. A tenant is its own tenant, an environment its own environment.
 */
export interface ChangeSubject {
  readonly id: string;
  readonly tenant_id?: string | null;
  readonly environment_id?: string | null;
}

export interface RecordOptions {
  /** See `ChangeRecord.cached`. */
  readonly cached?: false;
}

export interface UnitOfWork {
  readonly trx: Transaction<Database>;
  readonly now: number;
  /** Records `action` on `subject`: its target, tenant and environment are the subject's (`changeOf`). */
  record(
    action: string,
    subject: ChangeSubject,
    op: Change['op'],
    details?: Readonly<Record<string, unknown>>,
    options?: RecordOptions,
  ): Promise<void>;
  /** Records a change spelled out in full: for an event filed elsewhere than its subject's chain. */
  record(change: ChangeRecord): Promise<void>;
}

/** The change `action` makes to `subject`, its target, tenant and environment read off the row. */
export function changeOf(
  action: string,
  subject: ChangeSubject,
  op: Change['op'],
  details?: Readonly<Record<string, unknown>>,
  options: RecordOptions = {},
): ChangeRecord {
  const type = entityOfId(subject.id);
  // A programming error, not a request's: every stored row's id carries its entity's prefix.
  if (type === undefined) throw new Error(`${action}: ${subject.id} is not the id of any entity`);
  return {
    action,
    tenantId: type === 'tenant' ? subject.id : (subject.tenant_id ?? null),
    environmentId: type === 'environment' ? subject.id : (subject.environment_id ?? null),
    target: { type, id: subject.id },
    op,
    ...(details === undefined ? {} : { details }),
    ...(options.cached === false ? { cached: false as const } : {}),
  };
}

class Rollback {
  constructor(readonly problem: Problem) {}
}

/** Attempts of a unit of work that PostgreSQL chose as a deadlock's victim, before the error stands. */
const DEADLOCK_ATTEMPTS = 3;

export async function mutate<T>(
  deps: MutationDeps,
  actor: Actor,
  work: (unit: UnitOfWork) => Promise<Result<T>>,
): Promise<Result<T>> {
  // Row locks are taken in one order (tenant, environment, groups, user, keys, policies,
  // resources), but two writes may still meet the other way round (a key and a group each
  // changing the other); PostgreSQL then rolls one back, which runs again from the start.
  for (let attempt = 1; ; attempt++) {
    try {
      return await mutateOnce(deps, actor, work);
    } catch (error) {
      if (!isDeadlock(error) || attempt >= DEADLOCK_ATTEMPTS) throw error;
    }
  }
}

async function mutateOnce<T>(
  deps: MutationDeps,
  actor: Actor,
  work: (unit: UnitOfWork) => Promise<Result<T>>,
): Promise<Result<T>> {
  const changes: Change[] = [];
  const now = deps.clock.now();
  try {
    const value = await deps.db.transaction().execute(async (trx) => {
      const recordChange = async (change: ChangeRecord): Promise<void> => {
        const event: AuditEventInput = {
          tenantId: change.tenantId,
          environmentId: change.environmentId,
          actorKeyId: actor.keyId,
          action: change.action,
          targetType: change.target.type,
          targetId: change.target.id,
          outcome: 'success',
          // As the API answered it: a creation's event says 201 (SPEC §5), not 200.
          status: actor.successStatus ?? 200,
          requestId: actor.requestId,
          sourceIp: actor.sourceIp,
          details:
            actor.sessionEmail === undefined
              ? (change.details ?? {})
              : { ...change.details, [ACTOR_EMAIL]: actor.sessionEmail },
        };
        for (const recorded of recordedAs(event, actor.operator === true)) await insertAuditEvent(trx, recorded, now);
        // A key's change is an event out, in the outbox of the same transaction (issue 24).
        await emitKeyChange(trx, change, now);
        if (change.cached === false) return;
        const entry: Change = {
          entity: change.target.type,
          entityId: change.target.id,
          tenantId: change.tenantId,
          environmentId: change.environmentId,
          op: change.op,
        };
        await appendChange(trx, entry, now);
        changes.push(entry);
      };
      async function record(
        first: string | ChangeRecord,
        subject?: ChangeSubject,
        op?: Change['op'],
        details?: Readonly<Record<string, unknown>>,
        options?: RecordOptions,
      ): Promise<void> {
        if (typeof first !== 'string') return recordChange(first);
        if (subject === undefined || op === undefined) throw new Error(`${first}: record needs a subject and an op`);
        return recordChange(changeOf(first, subject, op, details, options));
      }
      const unit: UnitOfWork = { trx, now, record };
      const result = await work(unit);
      if (!result.ok) throw new Rollback(result.problem);
      // Delivered at commit, and not at all on rollback.
      if (changes.length > 0) await deps.notifyChanges(trx);
      return result.value;
    });
    deps.onCommitted(changes);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof Rollback) return { ok: false, problem: error.problem };
    // Two requests raced to claim the same unique name or email: the loser gets a conflict.
    if (isUniqueViolation(error))
      return {
        ok: false,
        problem: { code: 'CONFLICT', detail: 'A conflicting change was made at the same time; retry.' },
      };
    throw error;
  }
}
