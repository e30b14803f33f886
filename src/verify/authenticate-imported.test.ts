/**
 * An imported key (issue 29) is found by its SHA-256 until its first use re-seals it under the
 * pepper's HMAC. On several nodes another node may re-seal it between this node's HMAC miss and
 * its SHA-256 lookup: the key must still be found, not answered NOT_FOUND for that one verify.
 */
import { describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.js';
import { hashKey, importedKeyDigest } from '../core/key-hash.js';
import type { KeyRecord } from '../core/key-record.js';
import { createAuthenticator } from './authenticate.js';
import { createImportPrefixes } from './import-prefixes.js';
import { createKeyCache } from './key-cache.js';
import type { StoredKey } from './verify-store.js';

const PEPPER = Buffer.from('authenticate-imported-test-pepper-0123456789', 'utf8');
const PRESENTED = 'sk_live_0123456789abcdef';
const RECORD = { id: 'key_01aaaaaaaaaaaaaaaaaaaaaaaa' } as KeyRecord;

function stored(keyHash: string): StoredKey {
  return { id: RECORD.id, keyHash, previousKeyHash: null, previousValidUntil: null, record: () => RECORD };
}

/** A store whose rows change as another node's re-seal would change them, after the first HMAC read. */
function resealedElsewhere() {
  const hmac = hashKey(PEPPER, PRESENTED);
  const lookups: string[] = [];
  let hmacReads = 0;
  const store = {
    keyByHash: async (hash: string) => {
      lookups.push(hash === hmac ? 'hmac' : hash === importedKeyDigest(PRESENTED) ? 'sha256' : 'other');
      if (hash !== hmac) return undefined;
      hmacReads++;
      return hmacReads === 1 ? undefined : stored(hmac);
    },
    isPendingUnderPreviousPepper: async () => false,
    rehash: async () => {
      throw new Error('nothing to re-seal: the other node did');
    },
  };
  return { store, lookups };
}

describe('an imported key re-sealed by another node during this lookup', () => {
  it('is found by its HMAC after the SHA-256 lookup misses', async () => {
    const { store, lookups } = resealedElsewhere();
    const authenticator = createAuthenticator({
      store,
      pepper: PEPPER,
      clock: manualClock(),
      cache: createKeyCache({ ttlMs: 60_000, maxEntries: 10 }),
      importPrefixes: createImportPrefixes(['sk_live_']),
    });
    const found = await authenticator.authenticate(PRESENTED);
    expect(found.found).toBe(true);
    expect(found.found === true ? found.key.id : undefined).toBe(RECORD.id);
    expect(lookups).toEqual(['hmac', 'sha256', 'hmac']);
  });

  it('costs a string of no registered prefix no lookup at all', async () => {
    const { store, lookups } = resealedElsewhere();
    const authenticator = createAuthenticator({
      store,
      pepper: PEPPER,
      clock: manualClock(),
      cache: createKeyCache({ ttlMs: 60_000, maxEntries: 10 }),
      importPrefixes: createImportPrefixes(['pk_']),
    });
    expect(await authenticator.authenticate(PRESENTED)).toEqual({ found: false, malformed: true });
    expect(lookups).toEqual([]);
  });
});
