/** A key's status as a badge: active, expires in N days, expired (with its rotation window's end), disabled, revoked. */
import type { KeyObject } from './api';
import { when } from './format';

const DAY_MS = 86_400_000;
/** SPEC §4: the rotation window when neither the environment nor the tenant sets one. */
export const DEFAULT_ROTATION_WINDOW_DAYS = 7;

export interface StatusText {
  readonly tone: 'ok' | 'warn' | 'bad' | 'muted';
  readonly text: string;
}

export function statusOf(
  key: Pick<KeyObject, 'status' | 'expiresAt'>,
  now: number,
  rotationWindowDays: number = DEFAULT_ROTATION_WINDOW_DAYS,
): StatusText {
  if (key.status === 'revoked') return { tone: 'bad', text: 'revoked' };
  if (key.status === 'disabled') return { tone: 'muted', text: 'disabled' };
  const expires = key.expiresAt === null ? null : Date.parse(key.expiresAt);
  if (key.status === 'expired' || (expires !== null && expires <= now)) {
    const windowEnd = expires === null ? null : new Date(expires + rotationWindowDays * DAY_MS);
    if (windowEnd === null || windowEnd.getTime() <= now) return { tone: 'bad', text: 'expired' };
    return { tone: 'bad', text: `expired; may rotate itself until ${when(windowEnd.toISOString())}` };
  }
  if (expires === null) return { tone: 'ok', text: 'active' };
  const days = Math.ceil((expires - now) / DAY_MS);
  return { tone: days <= 7 ? 'warn' : 'ok', text: `active, expires in ${days} day${days === 1 ? '' : 's'}` };
}

export function StatusBadge({ status }: { status: StatusText }) {
  return <span className={`status-badge ${status.tone}`}>{status.text}</span>;
}
