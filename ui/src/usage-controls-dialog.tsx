/**
 * Edit a key's usage controls (SPEC §4): rate limits, credits and IP allowlist in one dialog and
 * one PATCH carrying only the fields that changed. A refusal (a bad CIDR, say) shows the server's
 * detail and keeps the dialog open with what was typed.
 */
import { type FormEvent, useId, useState } from 'react';
import type { KeyObject } from './api';
import { useConsole } from './console-context';
import { Dialog, SubmitOrCancel } from './dialog';
import { FormProblems } from './problem-text';
import { RateLimitRows } from './rate-limit-rows';
import { useAction } from './use-action';
import { formOf, patchOf, problemsOf, type RefillInterval, type UsageForm } from './usage-controls';

export interface UsageControlsDialogProps {
  readonly target: KeyObject;
  readonly onClose: () => void;
  readonly onSaved: (key: KeyObject) => void;
}

export function UsageControlsDialog({ target, onClose, onSaved }: UsageControlsDialogProps) {
  const { api } = useConsole();
  const id = useId();
  const [form, setForm] = useState<UsageForm>(() => formOf(target));
  const { busy, error, run } = useAction();
  const set = (change: Partial<UsageForm>) => setForm((current) => ({ ...current, ...change }));
  const problems = problemsOf(form);
  const patch = patchOf(target, form);
  const unchanged = Object.keys(patch).length === 0;
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (problems.length > 0 || unchanged) return;
    void run(async () => onSaved(await api.keys.update(target.id, patch)));
  };

  return (
    <Dialog title={`Usage controls of ${target.name}`} onClose={onClose}>
      <form onSubmit={save} className="usage-form">
        <RateLimitRows
          rows={form.limits}
          onChange={(limits) => set({ limits })}
          empty="None: the key is not rate limited (its policies' limits still apply)."
        />

        <fieldset className="grid">
          <legend>Credits</legend>
          <div className="span check">
            <input
              id={`${id}-metered`}
              type="checkbox"
              checked={form.metered}
              onChange={(event) => set({ metered: event.target.checked })}
            />
            <label htmlFor={`${id}-metered`}>Metered: each verify spends credits</label>
          </div>
          {form.metered && (
            <>
              <label htmlFor={`${id}-remaining`}>Remaining</label>
              <input
                id={`${id}-remaining`}
                type="number"
                min={0}
                step={1}
                inputMode="numeric"
                value={form.remaining}
                onChange={(event) => set({ remaining: event.target.value })}
                aria-describedby={`${id}-remaining-help`}
              />
              <p id={`${id}-remaining-help`} className="help span">
                Saving a change here sets the balance to this number; to top it up, use Add credits.
              </p>
              <label htmlFor={`${id}-refill`}>Refill to</label>
              <input
                id={`${id}-refill`}
                type="number"
                min={1}
                step={1}
                inputMode="numeric"
                placeholder="no refill"
                value={form.refillAmount}
                onChange={(event) => set({ refillAmount: event.target.value })}
              />
              <label htmlFor={`${id}-interval`}>Refill every</label>
              <select
                id={`${id}-interval`}
                value={form.refillInterval}
                disabled={form.refillAmount.trim() === ''}
                onChange={(event) => set({ refillInterval: event.target.value as RefillInterval })}
              >
                <option value="day">day</option>
                <option value="month">month</option>
              </select>
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>IP allowlist</legend>
          <label htmlFor={`${id}-allowlist`}>Allowed ranges</label>
          <textarea
            id={`${id}-allowlist`}
            rows={3}
            spellCheck={false}
            value={form.allowlist}
            onChange={(event) => set({ allowlist: event.target.value })}
            aria-describedby={`${id}-allowlist-help`}
          />
          <p id={`${id}-allowlist-help`} className="help">
            One CIDR per line, IPv4 or IPv6 (203.0.113.0/24, 2001:db8::/32). Empty: any address.
          </p>
        </fieldset>

        <FormProblems problems={problems} label="Before saving" error={error} />
        <SubmitOrCancel
          label="Save usage controls"
          disabled={busy || problems.length > 0 || unchanged}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}
