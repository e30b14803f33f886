/**
 * Settings in force (issue 23 item 5): each auth setting's effective value and where it comes
 * from — the environment's own, its tenant's, or Keyward's default — so a reader sees "7 days
 * (default)" where the stored setting is null.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Nullable } from './common.js';

export const SettingSource = Type.Union([Type.Literal('environment'), Type.Literal('tenant'), Type.Literal('default')]);

const inForce = <T extends TSchema>(value: T, description: string) =>
  Type.Object({ value, source: SettingSource }, { description });

export const EffectiveSettings = Type.Object(
  {
    mfaRequired: inForce(Type.Boolean(), 'whether rotating a user key needs a one-time code'),
    mfaReverifyDays: inForce(
      Nullable(Type.Integer()),
      'days a user key works after its user last passed MFA; null: never asked',
    ),
    rotationWindowDays: inForce(Type.Integer(), 'days an expired key may still rotate itself'),
    defaultKeyExpiryDays: inForce(Nullable(Type.Integer()), 'expiry of a new key that names none; null: never expires'),
    maxKeyExpiryDays: inForce(Nullable(Type.Integer()), 'the longest a user key may live; null: no maximum'),
    maxApplicationKeyExpiryDays: inForce(
      Nullable(Type.Integer()),
      'the longest an application key may live; null: no maximum',
    ),
  },
  { description: 'each setting in force, and whether it comes from the environment, its tenant or the default' },
);

export type SettingSourceName = Static<typeof SettingSource>;
export type EffectiveSettingsObject = Static<typeof EffectiveSettings>;
