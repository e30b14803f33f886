/**
 * A policy's rate limits on its details: each as "name: limit per window", said to be one bucket
 * its linked keys share (SPEC §4), and the action that edits them in a dialog.
 */
import { useState } from 'react';
import type { PolicyObject } from './api';
import { rateLimitText } from './format';
import { PolicyLimitsDialog } from './policy-limits-dialog';

export interface PolicyLimitsProps {
  readonly policy: PolicyObject;
  readonly onSaved: (policy: PolicyObject) => void;
}

export function PolicyLimits({ policy, onSaved }: PolicyLimitsProps) {
  const [editing, setEditing] = useState(false);
  const saved = (updated: PolicyObject) => {
    setEditing(false);
    onSaved(updated);
  };
  const limits = policy.ratelimits;
  return (
    <>
      <h4>Rate limits</h4>
      {limits.length === 0 ? (
        <p className="help">none</p>
      ) : (
        <>
          <ul className="badges" aria-label={`Rate limits of ${policy.name}`}>
            {limits.map((limit) => (
              <li key={limit.name}>{rateLimitText(limit)}</li>
            ))}
          </ul>
          {/* A policy's limit is one bucket for all its keys (SPEC §4); unsaid, a reader takes it for a budget each. */}
          <p className="help">Shared: one bucket per limit for every linked key together, not one each.</p>
        </>
      )}
      <button type="button" className="secondary" onClick={() => setEditing(true)}>
        Edit rate limits
      </button>
      {editing && <PolicyLimitsDialog policy={policy} onClose={() => setEditing(false)} onSaved={saved} />}
    </>
  );
}
