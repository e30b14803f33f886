/**
 * Leaked-key reports (SPEC §4): GitHub's secret-scanning partner format in, and its feedback
 * format out, with the token hashed (SHA-256, hex) so no answer repeats a secret.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Candidates one report may carry; GitHub batches its matches, and each costs at most one lookup. */
export const MAX_LEAK_CANDIDATES = 1000;

export const LeakCandidate = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 1000, description: 'the string found' }),
    type: Type.String({
      maxLength: 200,
      description: 'the secret type the scanner matched (its name for the pattern)',
    }),
    url: Type.Optional(Type.String({ maxLength: 4000, description: 'where it was found (may be empty)' })),
    source: Type.Optional(Type.String({ maxLength: 100, description: 'content, commit, issue_comment, npm, …' })),
  },
  // GitHub may add members to its payload; a report is never refused for one it did not know.
  { additionalProperties: true },
);

export const LeakReport = Type.Array(LeakCandidate, { maxItems: MAX_LEAK_CANDIDATES });

export const LeakLabel = Type.Object({
  token_hash: Type.String({ description: 'SHA-256 of the token, hex' }),
  token_type: Type.String(),
  label: Type.Union([Type.Literal('true_positive'), Type.Literal('false_positive')], {
    description: 'true_positive: a Keyward key (revoked now if it still worked); false_positive: not one',
  }),
});

export const LeakFeedback = Type.Array(LeakLabel);

export type LeakCandidateObject = Static<typeof LeakCandidate>;
export type LeakLabelObject = Static<typeof LeakLabel>;
