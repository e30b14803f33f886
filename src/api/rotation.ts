/** Rotation limits shared by the server's schema and the console's form (no schema library here). */

/** A rotated-out secret works for at most a week (SPEC §4, as Stripe allows). */
export const MAX_GRACE_SECONDS = 604_800;
