/** A key's rotate and revoke confirmations. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { MAX_GRACE_SECONDS } from '../../src/api/rotation.js';
import type { Api, CreatedKeyObject, KeyObject } from './api';
import { Dialog } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

/** A confirmation's last row: why it failed, if it did, then its own button and Cancel. */
function ConfirmActions({ error, onCancel, children }: { error: unknown; onCancel: () => void; children: ReactNode }) {
  return (
    <>
      <ErrorText error={error} />
      <div className="actions">
        {children}
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

/** What becomes of the secret in use (ending …hint): at once, or after the grace typed so far. */
export function RetiredSecret({ hint, grace }: { hint: string; grace: string }) {
  const seconds = Number(grace);
  if (grace.trim() === '' || !Number.isFinite(seconds) || seconds <= 0)
    return (
      <>
        The secret in use (ending …{hint}) <strong>stops working at once</strong>: every caller still using it is
        refused.
      </>
    );
  const until = new Date(Date.now() + seconds * 1000);
  return (
    <>
      The secret in use (ending …{hint}) keeps working for {seconds} s, until {until.toLocaleString()}; both work until
      then.
    </>
  );
}

export interface KeyActionProps {
  readonly api: Api;
  readonly target: KeyObject;
  readonly onClose: () => void;
}

export function RevokeDialog({
  api,
  target,
  onClose,
  onRevoked,
}: KeyActionProps & { onRevoked: (key: KeyObject) => void }) {
  const { busy, error, run } = useAction();
  const revoke = () => run(async () => onRevoked(await api.keys.revoke(target.id)));
  return (
    <Dialog title={`Revoke ${target.name}?`} onClose={onClose}>
      <p>
        Key <code>{target.id}</code> stops working at once, everywhere. Revoking cannot be undone.
      </p>
      <ConfirmActions error={error} onCancel={onClose}>
        <button type="button" className="danger" onClick={() => void revoke()} disabled={busy}>
          Revoke key
        </button>
      </ConfirmActions>
    </Dialog>
  );
}

export function RotateDialog({
  api,
  target,
  onClose,
  onRotated,
}: KeyActionProps & { onRotated: (rotated: CreatedKeyObject) => void }) {
  const { busy, error, run } = useAction();
  const [grace, setGrace] = useState('');
  const rotate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const grace = String(data.get('grace') ?? '').trim();
    const otp = String(data.get('otp') ?? '').trim();
    void run(async () =>
      onRotated(
        await api.keys.rotate(target.id, {
          ...(grace !== '' ? { gracePeriodSeconds: Number(grace) } : {}),
          ...(otp !== '' ? { otp } : {}),
        }),
      ),
    );
  };
  return (
    <Dialog title={`Rotate ${target.name}?`} onClose={onClose}>
      <form onSubmit={rotate} className="grid">
        <ul className="span changes" aria-label="What changes">
          <li>
            A new secret for key <code>{target.id}</code>, shown once.
          </li>
          <li>
            <RetiredSecret hint={target.hint} grace={grace} />
          </li>
          <li>Unchanged: the key's id, name, grants, policies, limits, credits and history.</li>
        </ul>
        <label htmlFor="rotate-grace">Grace seconds</label>
        <input
          id="rotate-grace"
          name="grace"
          type="number"
          min={0}
          max={MAX_GRACE_SECONDS}
          placeholder="0"
          value={grace}
          onChange={(event) => setGrace(event.target.value)}
          aria-describedby="rotate-grace-help"
        />
        <p id="rotate-grace-help" className="help span">
          How long the old secret keeps working, at most a week ({MAX_GRACE_SECONDS}). Empty or 0: it fails at once.
        </p>
        <label htmlFor="rotate-otp">One-time code</label>
        <input
          id="rotate-otp"
          name="otp"
          inputMode="numeric"
          pattern="[0-9]{6}"
          maxLength={6}
          autoComplete="one-time-code"
          aria-describedby="rotate-otp-help"
        />
        <p id="rotate-otp-help" className="help span">
          Only where MFA is required: a code of your own user.
        </p>
        <div className="span">
          <ConfirmActions error={error} onCancel={onClose}>
            <button type="submit" disabled={busy}>
              Rotate key
            </button>
          </ConfirmActions>
        </div>
      </form>
    </Dialog>
  );
}
