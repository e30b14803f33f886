/**
 * A user's MFA enrolment: the TOTP seed as a QR code (and as text) for an authenticator app, then
 * a code to confirm it. The seed lives in the page's state until the dialog closes.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { UserObject } from './api';
import { useConsole } from './console-context';
import { Dialog } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

export interface Enrolment {
  readonly user: UserObject;
  readonly secret: string;
  readonly otpauthUrl: string;
}

export function EnrolDialog({
  enrolment,
  onClose,
  onConfirmed,
}: {
  enrolment: Enrolment;
  onClose: () => void;
  onConfirmed: () => void;
}) {
  const { api } = useConsole();
  const [qr, setQr] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => {
    let current = true;
    void import('qrcode')
      .then(({ default: QRCode }) => QRCode.toDataURL(enrolment.otpauthUrl, { margin: 2, width: 200 }))
      .then((url) => current && setQr(url));
    return () => {
      current = false;
    };
  }, [enrolment.otpauthUrl]);
  const confirm = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').trim();
    void run(async () => {
      await api.users.mfaConfirm(enrolment.user.id, code);
      onConfirmed();
    });
  };
  return (
    <Dialog title={`Two-factor authentication for ${enrolment.user.name}`} onClose={onClose}>
      <p>Scan this code with an authenticator app, then enter the 6-digit code it shows.</p>
      {qr !== null ? (
        <img
          className="qr"
          src={qr}
          width={200}
          height={200}
          alt={`QR code of the authenticator secret for ${enrolment.user.email}`}
        />
      ) : (
        <p role="status">Drawing the QR code…</p>
      )}
      <p className="help">
        Or type this secret: <code className="break">{enrolment.secret}</code>
      </p>
      <form onSubmit={confirm} className="filters">
        <label htmlFor="mfa-confirm-code">Code from the app</label>
        <input
          id="mfa-confirm-code"
          name="code"
          required
          inputMode="numeric"
          pattern="[0-9]{6}"
          maxLength={6}
          autoComplete="one-time-code"
        />
        <button type="submit" disabled={busy}>
          Confirm enrolment
        </button>
      </form>
      <ErrorText error={error} />
    </Dialog>
  );
}
