/**
 * A key page's "Usage controls": its own rate limits, the limits its linked policies share with
 * it, its credits and its IP allowlist; for a live key, the edit and add-credits dialogs.
 */
import { useId, useState } from 'react';
import { AddCreditsDialog } from './add-credits-dialog';
import type { KeyObject, PolicyObject } from './api';
import { rateLimitText } from './format';
import { UsageControlsDialog } from './usage-controls-dialog';

export interface UsageControlsSectionProps {
  readonly target: KeyObject;
  /** Not revoked and not root: only such a key's controls can change. */
  readonly live: boolean;
  /** The tenant's policies as loaded, or undefined while they load; the key's linked ones are picked out. */
  readonly policies: readonly PolicyObject[] | undefined;
  readonly onChanged: (key: KeyObject) => void;
}

export function creditsText(credits: KeyObject['credits']): string {
  if (credits === null) return 'not metered';
  const refill = credits.refill == null ? '' : `, reset to ${credits.refill.amount} each ${credits.refill.interval}`;
  return `${credits.remaining} left${refill}`;
}

export function UsageControlsSection({ target, live, policies, onChanged }: UsageControlsSectionProps) {
  const titleId = useId();
  const [open, setOpen] = useState<'edit' | 'add' | null>(null);
  const linked = (policies ?? []).filter((policy) => target.policyIds.includes(policy.id));
  const limits = [
    ...target.ratelimits.map(rateLimitText),
    // A policy's limit is one bucket for all its keys (SPEC §4), so it is named as shared.
    ...linked.flatMap((policy) =>
      policy.ratelimits.map((limit) => `${rateLimitText(limit)}, shared with policy ${policy.name}`),
    ),
  ];
  const saved = (updated: KeyObject) => {
    setOpen(null);
    onChanged(updated);
  };

  return (
    <section aria-labelledby={titleId}>
      <h3 id={titleId}>Usage controls</h3>
      <dl className="facts">
        <dt>Rate limits</dt>
        <dd>
          {limits.length === 0 ? (
            <p className="help">none</p>
          ) : (
            <ul className="badges">
              {limits.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Credits</dt>
        <dd>{creditsText(target.credits)}</dd>
        <dt>IP allowlist</dt>
        <dd>{target.ipAllowlist === null ? 'any address' : target.ipAllowlist.join(', ')}</dd>
      </dl>
      {live && (
        <div className="actions wrap">
          <button type="button" className="secondary" onClick={() => setOpen('edit')}>
            Edit usage controls
          </button>
          {target.credits !== null && (
            <button type="button" className="secondary" onClick={() => setOpen('add')}>
              Add credits
            </button>
          )}
        </div>
      )}
      {open === 'edit' && <UsageControlsDialog target={target} onClose={() => setOpen(null)} onSaved={saved} />}
      {open === 'add' && <AddCreditsDialog target={target} onClose={() => setOpen(null)} onSaved={saved} />}
    </section>
  );
}
