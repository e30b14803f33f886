/** The one time a key's (or a webhook key's) secret is on the page: after creation or rotation, until this dialog closes. */
import { useId, useState } from 'react';
import { Dialog } from './dialog';

export interface SecretDialogProps {
  readonly title: string;
  readonly keyId: string;
  readonly secret: string;
  readonly warnings?: readonly string[];
  /** An API key (kept as a hash) or a webhook key's secret (kept sealed): either way, never shown again. */
  readonly what?: 'key' | 'secret';
  readonly onClose: () => void;
}

export function SecretDialog({ title, keyId, secret, warnings = [], what = 'key', onClose }: SecretDialogProps) {
  const [copied, setCopied] = useState<string>('');
  const fieldId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copying is not allowed here: select the key and copy it by hand.');
    }
  };
  return (
    <Dialog title={title} onClose={onClose} dismissable={false}>
      {what === 'key' ? (
        <p className="warning">
          <strong>Copy this key now.</strong> It is shown this once: Keyward keeps only a hash of it and cannot show it
          again.
        </p>
      ) : (
        <p className="warning">
          <strong>Copy this secret now.</strong> It is shown this once: Keyward keeps it sealed and never shows it
          again.
        </p>
      )}
      <label htmlFor={fieldId}>
        {what === 'key' ? 'Key' : 'Secret of'} {keyId}
      </label>
      <div className="secret">
        <input
          id={fieldId}
          readOnly
          value={secret}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p role="status" className="status">
        {copied}
      </p>
      {warnings.map((warning) => (
        <p key={warning} className="notice">
          {warning}
        </p>
      ))}
      <div className="actions">
        <button type="button" onClick={onClose}>
          I have stored it
        </button>
      </div>
    </Dialog>
  );
}
