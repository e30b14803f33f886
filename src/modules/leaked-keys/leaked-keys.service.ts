/**
 * Leaked-key reports (SPEC §4, `POST /v1/leaked-keys`): a secret scanner (GitHub's partner
 * program) sends what it found; each candidate is labelled and each live Keyward key among them
 * revoked. Constant work per candidate: the format and checksum are checked first, so garbage
 * costs no lookup; a well-formed one costs one indexed lookup by its HMAC (two while keys still
 * hash under the previous pepper). Each revocation is its own transaction with its audit event
 * (`key.revoke`, `reason: leaked`) and its `key.leaked` event, under the key's lock, so two
 * reports of one key revoke it once.
 *
 * No key is needed: revoking a key takes its full secret, and whoever holds that may already
 * revoke the key with it (`POST /v1/keys/{id}/revoke` as itself). The answer says only
 * true/false positive per token hash: nothing of the key, its tenant or its state.
 */
import { createHash } from 'node:crypto';
import type { LeakCandidateObject, LeakLabelObject } from '../../api/leaked-keys.js';
import { ok } from '../../core/error-codes.js';
import { isWellFormedKey } from '../../core/key-format.js';
import { hashKey, sameHash } from '../../core/key-hash.js';
import type { ServiceDeps } from '../deps.js';
import { lockKey, updateKey } from '../keys/keys.repository.js';
import { mutate, type Actor } from '../mutation.js';
import { emitKeyLeaked } from './key-leaked-event.js';
import { findKeyIdByHash } from './leaked-key-lookup.js';

/** Who reported: the audit trail's actor (no key), by request and source address. */
export interface LeakReporter {
  readonly requestId: string;
  readonly sourceIp: string;
}

/** GitHub's feedback format names a token by its SHA-256 (hex), so the answer repeats no secret. */
function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The key a well-formed token is a secret of, with the hash it was found by; undefined for none. */
async function keyOf(deps: ServiceDeps, token: string): Promise<{ id: string; hash: string } | undefined> {
  const hash = hashKey(deps.pepper, token);
  const id = await findKeyIdByHash(deps.db, hash);
  if (id !== undefined) return { id, hash };
  // A key not used since a pepper rotation still hashes under the previous pepper (pepper-rotation.ts).
  if (deps.previousPepper === undefined) return undefined;
  const previous = hashKey(deps.previousPepper, token);
  const old = await findKeyIdByHash(deps.db, previous);
  return old === undefined ? undefined : { id: old, hash: previous };
}

/**
 * Revokes the key if `hash` still lets it in, judged under the row's lock: a secret rotated out
 * and past its grace leaked too, but no longer works, so there is nothing to revoke; a key
 * already revoked (another report, a moment before) is left as it is, with no second event.
 */
async function revokeLeaked(
  deps: ServiceDeps,
  actor: Actor,
  keyId: string,
  hash: string,
  candidate: LeakCandidateObject,
): Promise<void> {
  const where = { url: candidate.url ?? null, source: candidate.source ?? null, type: candidate.type };
  await mutate(deps, actor, async (unit) => {
    const { trx, now, record } = unit;
    const row = await lockKey(trx, keyId);
    if (row === undefined || row.revoked_at !== null) return ok(null);
    const current = sameHash(row.key_hash, hash);
    const inGrace =
      row.previous_key_hash !== null &&
      sameHash(row.previous_key_hash, hash) &&
      row.previous_valid_until !== null &&
      now < row.previous_valid_until;
    if (!current && !inGrace) return ok(null);
    const target = { type: 'key', id: keyId } as const;
    const [tenantId, environmentId] = [row.tenant_id, row.environment_id];
    if (row.kind === 'root') {
      // The root key is never revoked (`keyward root-key reset` replaces it): the leak is put on record.
      await record({
        action: 'key.leaked',
        tenantId,
        environmentId,
        target,
        op: 'update',
        cached: false,
        details: where,
      });
      return ok(null);
    }
    await updateKey(trx, keyId, { revoked_at: now, updated_at: now });
    // A revocation like any other (`key.revoke`, which also tells endpoints `key.revoked`), saying why.
    const details = { reason: 'leaked', ...where, rotatedOut: !current };
    await record({ action: 'key.revoke', tenantId, environmentId, target, op: 'update', details });
    // Every key but the root key (handled above) has a tenant, whose endpoints hear of it.
    if (tenantId !== null) await emitKeyLeaked(unit, { keyId, tenantId, environmentId, ...where });
    return ok(null);
  });
}

/** Each candidate's label, in the report's order. */
export async function createLeakReport(
  deps: ServiceDeps,
  report: readonly LeakCandidateObject[],
  reporter: LeakReporter,
): Promise<LeakLabelObject[]> {
  const actor: Actor = { keyId: null, requestId: reporter.requestId, sourceIp: reporter.sourceIp };
  const labels: LeakLabelObject[] = [];
  for (const candidate of report) {
    // Format and checksum first: a string that is not a Keyward key costs no lookup.
    const key = isWellFormedKey(candidate.token) ? await keyOf(deps, candidate.token) : undefined;
    if (key !== undefined) await revokeLeaked(deps, actor, key.id, key.hash, candidate);
    labels.push({
      token_hash: tokenHash(candidate.token),
      token_type: candidate.type,
      label: key === undefined ? 'false_positive' : 'true_positive',
    });
  }
  return labels;
}
