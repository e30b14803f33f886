/**
 * Rotating the server pepper (`keyward pepper rotate`). Everything sealed under it is re-sealed
 * under the new one in one transaction: `secret` resource values, TOTP seeds and webhook keys' secrets (AES-256-GCM,
 * HKDF from the pepper), every audit chain (MACs, checked under the old key first), and the
 * database's pepper fingerprint. Stored key hashes cannot be: they are HMAC(pepper, key) and the
 * keys are not kept. So each live key's hash is remembered as pending, nodes started with
 * `KEYWARD_PEPPER_PREVIOUS` look a key that misses under the new pepper up once more under the
 * previous one (on a cache miss only), let it in only if it is one of those pending keys with
 * the hash recorded, and re-hash it on success; `keyward pepper status`
 * counts the keys still pending. A second rotation while keys are pending would lock those out,
 * so it is refused unless forced.
 */
import { fail, ok, type Result } from '../../core/error-codes.js';
import type { AuthModel } from '../../core/model/model.js';
import { secretBox, type SecretBox } from '../../core/secret-box.js';
import type { Db } from '../../storage/database.js';
import { bindAuditKey, deriveAuditKey } from '../audit/audit-mac.js';
import { resealAllChains, sealLegacyChains } from '../audit/audit-reseal.js';
import { secretBinding } from '../webhooks/endpoint-secrets.js';
import { insertAuditEvent } from '../audit/audit.repository.js';
import { FINGERPRINT_SETTING, fingerprint } from './pepper.js';
import { allWebhookSecrets, updateWebhookKey } from '../webhook-keys/webhook-keys.repository.js';

export interface PepperRotation {
  readonly previous: Buffer;
  readonly next: Buffer;
  /** Rotate even though keys still hash under the pepper before `previous` (they stop working). */
  readonly force?: boolean;
  readonly now: number;
}

export interface PepperRotationReport {
  readonly secrets: number;
  readonly mfaSeeds: number;
  /** Webhook keys whose secrets (current, and previous in a grace) were re-sealed. */
  readonly webhookKeys: number;
  readonly chains: number;
  /** Chains that failed their check under the old key: sealed anyway, and still reported by verify. */
  readonly brokenChains: readonly string[];
  /** Sealed values that did not open under the previous pepper (already broken): left as they were. */
  readonly unreadable: number;
  /** Live keys whose hash is under the previous pepper until they are next used. */
  readonly keysPending: number;
}

/** The keys recorded at the last rotation, joined to their rows where those still have the recorded hash. */
function stillPending(db: Db) {
  return db
    .selectFrom('pepper_pending_keys')
    .innerJoin('api_keys', (join) =>
      join
        .onRef('api_keys.id', '=', 'pepper_pending_keys.key_id')
        .onRef('api_keys.key_hash', '=', 'pepper_pending_keys.key_hash'),
    );
}

/** Live keys whose stored hash is still the one they had when the pepper was last rotated. */
export async function keysUnderPreviousPepper(db: Db): Promise<number> {
  const row = await stillPending(db)
    .where('api_keys.revoked_at', 'is', null)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/**
 * Whether the key was recorded at the rotation with this hash and still has it: the only keys a
 * node lets in under the previous pepper. Anything else hashed under it (a key made by a node
 * that was not stopped, a row written into the database, a secret already rotated out) is unknown.
 */
export async function isPendingUnderPreviousPepper(db: Db, keyId: string, keyHash: string): Promise<boolean> {
  const row = await stillPending(db)
    .where('pepper_pending_keys.key_id', '=', keyId)
    .where('pepper_pending_keys.key_hash', '=', keyHash)
    .select('pepper_pending_keys.key_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Opens under `from` and seals under `to`; null when it does not open (left untouched). */
function reseal(value: string, boundTo: string, from: SecretBox, to: SecretBox): string | null {
  const plain = from.open(value, boundTo);
  return plain === null ? null : to.seal(plain, boundTo);
}

/** Each webhook key's secrets, bound to its id as webhook-keys.service.ts seals them; a key with a secret that does not open is left whole. */
/** Both of each webhook endpoint's signing secrets, bound as endpoint-secrets.ts binds them. */
async function resealEndpointSecrets(
  trx: Db,
  from: SecretBox,
  to: SecretBox,
): Promise<{ resealed: number; unreadable: number }> {
  let [resealed, unreadable] = [0, 0];
  const endpoints = await trx.selectFrom('webhook_endpoints').select(['id', 'secret', 'previous_secret']).execute();
  for (const row of endpoints) {
    const current = reseal(row.secret, secretBinding(row.id, 'current'), from, to);
    const previous =
      row.previous_secret === null ? null : reseal(row.previous_secret, secretBinding(row.id, 'previous'), from, to);
    if (current === null || (row.previous_secret !== null && previous === null)) unreadable++;
    else {
      await trx
        .updateTable('webhook_endpoints')
        .set({ secret: current, previous_secret: previous })
        .where('id', '=', row.id)
        .execute();
      resealed++;
    }
  }
  return { resealed, unreadable };
}

async function resealWebhookSecrets(
  trx: Db,
  from: SecretBox,
  to: SecretBox,
): Promise<{ resealed: number; unreadable: number }> {
  let [resealed, unreadable] = [0, 0];
  for (const row of await allWebhookSecrets(trx)) {
    const secret = reseal(row.secret, row.id, from, to);
    const previous = row.previous_secret === null ? null : reseal(row.previous_secret, row.id, from, to);
    if (secret === null || (row.previous_secret !== null && previous === null)) unreadable++;
    else {
      await updateWebhookKey(trx, row.id, { secret, previous_secret: previous });
      resealed++;
    }
  }
  return { resealed, unreadable };
}

export async function rotatePepper(
  db: Db,
  model: AuthModel,
  rotation: PepperRotation,
): Promise<Result<PepperRotationReport>> {
  const stored = await db
    .selectFrom('instance_settings')
    .select('value')
    .where('name', '=', FINGERPRINT_SETTING)
    .executeTakeFirst();
  if (stored === undefined || stored.value !== fingerprint(rotation.previous)) {
    return fail('VALIDATION', 'KEYWARD_PEPPER_PREVIOUS is not the pepper this database is sealed under', {
      field: 'KEYWARD_PEPPER_PREVIOUS',
    });
  }
  if (rotation.previous.equals(rotation.next))
    return fail('VALIDATION', 'the new pepper (KEYWARD_PEPPER) is the current one', { field: 'KEYWARD_PEPPER' });
  const pending = await keysUnderPreviousPepper(db);
  if (pending > 0 && rotation.force !== true) {
    return fail(
      'CONFLICT',
      `${pending} live keys still hash under the pepper before the current one and would stop working; wait until they are used (keyward pepper status) or force`,
    );
  }
  const [oldKey, newKey] = [deriveAuditKey(rotation.previous), deriveAuditKey(rotation.next)];
  const [from, to] = [secretBox(rotation.previous), secretBox(rotation.next)];
  const secretTypes = [...model.types.values()].filter((type) => type.value === 'secret').map((type) => type.name);
  // A chain an older version left unsealed is sealed (under the old key) before it is re-sealed.
  bindAuditKey(db, oldKey);
  await sealLegacyChains(db, oldKey);
  try {
    const report = await db.transaction().execute(async (trx) => {
      let unreadable = 0;
      let [secrets, mfaSeeds] = [0, 0];
      const values =
        secretTypes.length === 0
          ? []
          : await trx
              .selectFrom('resources')
              .select(['id', 'value'])
              .where('type', 'in', secretTypes)
              .where('value', 'is not', null)
              .execute();
      for (const row of values) {
        const sealed = reseal(row.value as string, row.id, from, to);
        if (sealed === null) unreadable++;
        else {
          await trx.updateTable('resources').set({ value: sealed }).where('id', '=', row.id).execute();
          secrets++;
        }
      }
      const seeds = await trx.selectFrom('user_mfa').select(['user_id', 'secret']).execute();
      for (const row of seeds) {
        // Bound to the user as mfa.service.ts binds it; the rotation test opens a seed afterwards.
        const sealed = reseal(row.secret, `mfa:${row.user_id}`, from, to);
        if (sealed === null) unreadable++;
        else {
          await trx.updateTable('user_mfa').set({ secret: sealed }).where('user_id', '=', row.user_id).execute();
          mfaSeeds++;
        }
      }
      // Webhook signing secrets (issue 24): endpoints' (events out) counted with the secrets, webhook keys' apart.
      const endpoints = await resealEndpointSecrets(trx, from, to);
      secrets += endpoints.resealed;
      const webhooks = await resealWebhookSecrets(trx, from, to);
      unreadable += endpoints.unreadable + webhooks.unreadable;
      const chains = await resealAllChains(trx, oldKey, newKey);
      await trx.deleteFrom('pepper_pending_keys').execute();
      await trx
        .insertInto('pepper_pending_keys')
        .columns(['key_id', 'key_hash'])
        .expression((eb) => eb.selectFrom('api_keys').select(['id', 'key_hash']).where('revoked_at', 'is', null))
        .execute();
      await trx
        .updateTable('instance_settings')
        .set({ value: fingerprint(rotation.next) })
        .where('name', '=', FINGERPRINT_SETTING)
        .execute();
      const keysPending = await keysUnderPreviousPepper(trx);
      const result: PepperRotationReport = {
        secrets,
        mfaSeeds,
        webhookKeys: webhooks.resealed,
        chains: chains.chains,
        brokenChains: chains.broken.map((chain) => chain.chainId),
        unreadable,
        keysPending,
      };
      bindAuditKey(db, newKey);
      const { brokenChains, ...counts } = result;
      await insertAuditEvent(
        trx,
        {
          tenantId: null,
          environmentId: null,
          actorKeyId: null,
          action: 'instance.pepperRotate',
          targetType: 'instance',
          targetId: null,
          outcome: 'success',
          status: 200,
          requestId: null,
          sourceIp: null,
          details: { ...counts, brokenChains },
        },
        rotation.now,
      );
      return result;
    });
    return ok(report);
  } catch (error) {
    bindAuditKey(db, oldKey);
    throw error;
  }
}
