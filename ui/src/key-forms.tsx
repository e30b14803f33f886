/** The Keys page's forms: create a key, and the rotate and revoke confirmations. */
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Api, CreatedKeyObject, CreateKeyInput, KeyObject } from './api';
import { Dialog } from './dialog';
import { commaList } from './format';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

/** The default model's presets (SPEC §2); `custom` adds no scope, so it is not sent. */
const PRESETS = ['custom', 'deploy', 'read-only', 'agent-runner'] as const;

function inputOf(form: HTMLFormElement): CreateKeyInput {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  const kind = text('kind') === 'user' ? 'user' : 'application';
  const preset = text('preset');
  const permissions = commaList(text('permissions'));
  const days = text('expiresInDays');
  return {
    name: text('name'),
    kind,
    ...(kind === 'user' ? { userId: text('userId') } : {}),
    ...(data.get('admin') === 'on' ? { admin: true } : {}),
    ...(preset !== '' && preset !== 'custom' ? { preset } : {}),
    ...(permissions.length > 0 ? { permissions } : {}),
    ...(days !== '' ? { expiresInDays: Number(days) } : {}),
    ...(text('environmentId') !== '' ? { environmentId: text('environmentId') } : {}),
  };
}

export function CreateKeyForm({ api, onCreated }: { api: Api; onCreated: (created: CreatedKeyObject) => void }) {
  const [kind, setKind] = useState<'application' | 'user'>('application');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    void run(async () => {
      onCreated(await api.createKey(inputOf(form)));
      form.reset();
      setKind('application');
    });
  };

  return (
    <form onSubmit={submit} className="grid" aria-labelledby="create-title">
      <h3 id="create-title">Create a key</h3>
      <label htmlFor="key-name">Name</label>
      <input id="key-name" name="name" required maxLength={200} />
      <label htmlFor="key-kind">Kind</label>
      <select id="key-kind" name="kind" value={kind} onChange={(event) => setKind(event.target.value === 'user' ? 'user' : 'application')}>
        <option value="application">application (a deployed service)</option>
        <option value="user">user (owned by a person)</option>
      </select>
      {kind === 'user' && (
        <>
          <label htmlFor="key-user">User id</label>
          <input id="key-user" name="userId" required pattern="usr_[0-9a-z]+" placeholder="usr_…" />
        </>
      )}
      <label htmlFor="key-preset">Preset</label>
      <select id="key-preset" name="preset" defaultValue="custom">
        {PRESETS.map((preset) => (
          <option key={preset} value={preset}>
            {preset}
          </option>
        ))}
      </select>
      <label htmlFor="key-permissions">Permissions</label>
      <input id="key-permissions" name="permissions" placeholder="functions.execute, applications.use" aria-describedby="key-permissions-help" />
      <p id="key-permissions-help" className="help span">
        Comma-separated. You can only give what your own key holds.
      </p>
      <label htmlFor="key-expiry">Expires in days</label>
      <input id="key-expiry" name="expiresInDays" type="number" min={1} max={36500} aria-describedby="key-expiry-help" />
      <p id="key-expiry-help" className="help span">
        Empty: the environment's default (never, unless one is set).
      </p>
      <label htmlFor="key-environment">Environment id</label>
      <input id="key-environment" name="environmentId" pattern="env_[0-9a-z]+" placeholder="this key's environment" />
      <label htmlFor="key-admin">Admin</label>
      <input id="key-admin" name="admin" type="checkbox" />
      <div className="span">
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

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

export interface KeyActionProps {
  readonly api: Api;
  readonly target: KeyObject;
  readonly onClose: () => void;
}

export function RevokeDialog({ api, target, onClose, onRevoked }: KeyActionProps & { onRevoked: (key: KeyObject) => void }) {
  const { busy, error, run } = useAction();
  const revoke = () => run(async () => onRevoked(await api.revokeKey(target.id)));
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

export function RotateDialog({ api, target, onClose, onRotated }: KeyActionProps & { onRotated: (rotated: CreatedKeyObject) => void }) {
  const { busy, error, run } = useAction();
  const rotate = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const grace = String(data.get('grace') ?? '').trim();
    const otp = String(data.get('otp') ?? '').trim();
    void run(async () => onRotated(await api.rotateKey(target.id, { ...(grace !== '' ? { gracePeriodSeconds: Number(grace) } : {}), ...(otp !== '' ? { otp } : {}) })));
  };
  return (
    <Dialog title={`Rotate ${target.name}?`} onClose={onClose}>
      <form onSubmit={rotate} className="grid">
        <p className="span">
          Key <code>{target.id}</code> gets a new secret, shown once; its grants and history stay.
        </p>
        <label htmlFor="rotate-grace">Grace seconds</label>
        <input id="rotate-grace" name="grace" type="number" min={0} max={86400} placeholder="0" aria-describedby="rotate-grace-help" />
        <p id="rotate-grace-help" className="help span">
          How long the old secret keeps working (at most 86400). Empty or 0: it fails at once.
        </p>
        <label htmlFor="rotate-otp">One-time code</label>
        <input id="rotate-otp" name="otp" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} autoComplete="one-time-code" aria-describedby="rotate-otp-help" />
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
