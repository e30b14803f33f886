/**
 * `keyward/client`: the verify client (`createVerifier`, verifier.ts), the in-process replica
 * (`createReplica`, replica.ts: SPEC §4) and the management API's client (`createClient`,
 * management.ts). Imports nothing of the server at run time.
 */
export * from './verifier.js';
export * from './management.js';
export { createReplica, type Replica, type ReplicaOptions } from './replica.js';
export type { ModelNames } from './model-names.js';
