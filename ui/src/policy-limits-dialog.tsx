/**
 * Edit a policy's rate limits (PATCH `ratelimits`, the whole set; `[]` clears it) with the same
 * rows as a key's usage controls. A refusal shows the server's detail and keeps what was typed.
 */
import { type FormEvent, useState } from 'react';
import type { PolicyObject } from './api';
import { useConsole } from './console-context';
import { Dialog, SubmitOrCancel } from './dialog';
import { FormProblems } from './problem-text';
import { RateLimitRows } from './rate-limit-rows';
import { type LimitRow, limitProblems, limitsChanged, limitsOf, rowsOf } from './rate-limits';
import { useAction } from './use-action';

export interface PolicyLimitsDialogProps {
  readonly policy: PolicyObject;
  readonly onClose: () => void;
  readonly onSaved: (policy: PolicyObject) => void;
}

export function PolicyLimitsDialog({ policy, onClose, onSaved }: PolicyLimitsDialogProps) {
  const { api } = useConsole();
  const [rows, setRows] = useState<readonly LimitRow[]>(() => rowsOf(policy.ratelimits));
  const { busy, error, run } = useAction();
  const problems = limitProblems(rows);
  const unchanged = !limitsChanged(policy.ratelimits, rows);
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (problems.length > 0 || unchanged) return;
    void run(async () => onSaved(await api.policies.update(policy.id, { ratelimits: limitsOf(rows) })));
  };

  return (
    <Dialog title={`Rate limits of ${policy.name}`} onClose={onClose}>
      <form onSubmit={save}>
        <p className="help">
          Each limit is one budget shared by every key linked to the policy, on top of each key's own limits.
        </p>
        <RateLimitRows rows={rows} onChange={setRows} empty="None: the policy adds no rate limit to its keys." />
        <FormProblems problems={problems} label="Before saving" error={error} />
        <SubmitOrCancel
          label="Save rate limits"
          disabled={busy || problems.length > 0 || unchanged}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
