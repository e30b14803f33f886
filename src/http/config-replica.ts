/** Settings of the change stream replicas follow (SPEC §4, replica; docs/replica.md). */
import { integer, type ConfigVariable, type Env } from './config-values.js';

export interface ReplicaSettings {
  /** How often a replica's change stream hears that this node is fresh. */
  readonly changeStreamHeartbeatMs: number;
  /** How long a change stream lasts before its replica reconnects (and its key is checked again). */
  readonly changeStreamMaxMs: number;
}

export const REPLICA_VARIABLES: readonly ConfigVariable[] = [
  {
    name: 'KEYWARD_CHANGE_STREAM_HEARTBEAT_MS',
    description: 'how often a replica streaming changes hears that the node is fresh (its staleness clock restarts)',
    default: '1000',
  },
  {
    name: 'KEYWARD_CHANGE_STREAM_MAX_MS',
    description: 'how long one change stream lasts before the replica reconnects and its key is checked again',
    default: '600000',
  },
];

export function replicaSettings(env: Env): ReplicaSettings {
  return {
    changeStreamHeartbeatMs: integer(env, 'KEYWARD_CHANGE_STREAM_HEARTBEAT_MS', 1000, 10, 60_000),
    changeStreamMaxMs: integer(env, 'KEYWARD_CHANGE_STREAM_MAX_MS', 600_000, 10, 86_400_000),
  };
}
