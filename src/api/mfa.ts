/** TOTP MFA request and response schemas (SPEC §4–§5). The seed appears in one response only: enrolment's. */
import { Type, type Static } from '@sinclair/typebox';
import { IdSchema, Nullable, Timestamp } from './common.js';

export const MfaCodeBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{6}$', description: 'the six-digit code the authenticator app shows now' }) },
  { additionalProperties: false },
);

export const MfaEnrolment = Type.Object({
  secret: Type.String({ description: 'the TOTP seed, base32; shown once, on enrolment' }),
  otpauthUrl: Type.String({ description: 'otpauth://totp/… URI for authenticator apps (QR code)' }),
});

export const MfaStatus = Type.Object({
  userId: IdSchema('user'),
  enrolled: Type.Boolean({ description: 'true once a code confirmed the enrolment' }),
  confirmedAt: Nullable(Timestamp),
});

export const MfaVerified = Type.Object({ valid: Type.Literal(true), userId: IdSchema('user') });

export type MfaCodeInput = Static<typeof MfaCodeBody>;
export type MfaEnrolmentObject = Static<typeof MfaEnrolment>;
export type MfaStatusObject = Static<typeof MfaStatus>;
export type MfaVerifiedObject = Static<typeof MfaVerified>;
