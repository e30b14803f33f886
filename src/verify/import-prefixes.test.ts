/** The registry of import prefixes verify looks foreign strings up under (issue 29). */
import { describe, expect, it } from 'vitest';
import { createImportPrefixes } from './import-prefixes.js';

describe('import prefixes', () => {
  it('matches a string that starts with a registered prefix and has more after it', () => {
    const prefixes = createImportPrefixes(['sk_live_']);
    expect(prefixes.matches('sk_live_abc')).toBe(true);
    expect(prefixes.matches('sk_live_')).toBe(false);
    expect(prefixes.matches('sk_test_abc')).toBe(false);
    expect(prefixes.matches('xsk_live_abc')).toBe(false);
  });

  it('learns a prefix from its change-log announcement, and nothing from other instance changes', () => {
    const prefixes = createImportPrefixes();
    expect(prefixes.size).toBe(0);
    prefixes.learn('settings');
    expect(prefixes.size).toBe(0);
    prefixes.learn('import-prefix:pk_');
    prefixes.learn('import-prefix:pk_');
    expect(prefixes.size).toBe(1);
    expect(prefixes.matches('pk_123')).toBe(true);
  });
});
