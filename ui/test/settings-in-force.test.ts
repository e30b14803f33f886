/** Issue 23 item 5 in the console: each setting says what is in force and where it comes from. */
import { describe, expect, it } from 'vitest';
import type { EnvironmentObject } from '../src/api';
import { inForceText } from '../src/settings';

const environment = (effective: EnvironmentObject['effective']): EnvironmentObject => ({
  id: 'env_01aaaaaaaaaaaaaaaaaaaaaaaa',
  tenantId: 'ten_01aaaaaaaaaaaaaaaaaaaaaaaa',
  name: 'prod',
  keyPrefix: 'kw',
  mfaRequired: null,
  rotationWindowDays: null,
  defaultKeyExpiryDays: null,
  maxKeyExpiryDays: null,
  maxApplicationKeyExpiryDays: null,
  mfaReverifyDays: null,
  ipAllowlist: null,
  effective,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const DEFAULTS: NonNullable<EnvironmentObject['effective']> = {
  mfaRequired: { value: false, source: 'default' },
  mfaReverifyDays: { value: null, source: 'default' },
  rotationWindowDays: { value: 7, source: 'default' },
  defaultKeyExpiryDays: { value: null, source: 'default' },
  maxKeyExpiryDays: { value: 90, source: 'tenant' },
  maxApplicationKeyExpiryDays: { value: null, source: 'default' },
};

describe('settings in force', () => {
  it('says the rotation window is 7 days by default, not "not set"', () => {
    expect(inForceText(environment(DEFAULTS), 'rotationWindowDays')).toBe('In force: 7 days (default).');
  });

  it("names the tenant or the environment when the value is theirs, and 'none' for no limit", () => {
    expect(inForceText(environment(DEFAULTS), 'maxKeyExpiryDays')).toBe('In force: 90 days (the tenant).');
    expect(
      inForceText(
        environment({ ...DEFAULTS, rotationWindowDays: { value: 1, source: 'environment' } }),
        'rotationWindowDays',
      ),
    ).toBe('In force: 1 day (this environment).');
    expect(inForceText(environment(DEFAULTS), 'maxApplicationKeyExpiryDays')).toBe('In force: none (default).');
  });

  it('says nothing when the server does not (an older one)', () => {
    const { effective: _none, ...older } = environment(DEFAULTS);
    expect(inForceText(older as EnvironmentObject, 'rotationWindowDays')).toBeNull();
  });
});
