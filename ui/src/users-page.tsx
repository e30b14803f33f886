/**
 * Users: people of the tenant with their role and MFA. Enrolment shows the TOTP seed as a QR
 * code (and as text) for an authenticator app, then asks for a code to confirm it; reset
 * clears an enrolment. The seed lives in this page's state until the dialog closes.
 */
import { ConfirmDialog } from './confirm-dialog';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { listAll, type UserObject } from './api';
import { useConsole } from './console-context';
import { Dialog } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { useLoad } from './use-load';

interface Enrolment {
  readonly user: UserObject;
  readonly secret: string;
  readonly otpauthUrl: string;
}

function EnrolDialog({
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

function UserRow({
  user,
  onChanged,
  onEnrol,
}: {
  user: UserObject;
  onChanged: (user: UserObject) => void;
  onEnrol: (enrolment: Enrolment) => void;
}) {
  const { api } = useConsole();
  const mfa = useLoad(useCallback(() => api.users.mfaStatus(user.id), [api, user.id]));
  const { busy, error, run } = useAction();
  // A role change and an MFA reset are asked first (ConfirmDialog): each changes what the person can do.
  const [asking, setAsking] = useState<{ readonly role: 'admin' | 'member' } | 'mfa' | null>(null);
  const enrol = () => run(async () => onEnrol({ user, ...(await api.users.mfaEnrol(user.id)) }));
  return (
    <tr>
      <th scope="row" data-label="Name">
        {user.name} <span className="help">{user.email}</span>
      </th>
      <td data-label="Role">
        <label className="visually-hidden" htmlFor={`role-${user.id}`}>
          Role of {user.name}
        </label>
        <select
          id={`role-${user.id}`}
          value={user.role}
          disabled={busy}
          onChange={(event) => setAsking({ role: event.target.value === 'admin' ? 'admin' : 'member' })}
        >
          <option value="member">member</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td data-label="MFA">
        {mfa.data === null ? '…' : mfa.data.enrolled ? 'enrolled' : 'not enrolled'}{' '}
        {mfa.data?.enrolled === true ? (
          <button
            type="button"
            className="danger"
            disabled={busy}
            onClick={() => setAsking('mfa')}
            aria-label={`Reset MFA of ${user.name}`}
          >
            Reset
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void enrol()}
            aria-label={`Enrol MFA for ${user.name}`}
          >
            Enrol
          </button>
        )}
        <ErrorText error={error ?? mfa.error} />
        {asking === 'mfa' && (
          <ConfirmDialog
            title={`Reset MFA of ${user.name}?`}
            confirmLabel="Reset MFA"
            onConfirm={async () => {
              await api.users.mfaReset(user.id);
              mfa.reload();
            }}
            onClose={() => setAsking(null)}
          >
            <p>
              {user.name}'s authenticator stops working for Keyward: their next sign-in needs a new enrolment. Where MFA
              is required, their keys are refused until they enrol again.
            </p>
          </ConfirmDialog>
        )}
        {asking !== null && asking !== 'mfa' && (
          <ConfirmDialog
            title={`Make ${user.name} ${asking.role === 'admin' ? 'an admin' : 'a member'}?`}
            confirmLabel={`Make ${asking.role}`}
            onConfirm={async () => onChanged(await api.users.update(user.id, { role: asking.role }))}
            onClose={() => setAsking(null)}
          >
            <p>
              {user.name} ({user.email}) goes from <strong>{user.role}</strong> to <strong>{asking.role}</strong>
              {asking.role === 'admin'
                ? ': they may then own admin keys.'
                : ': they may no longer own admin keys (refused while they hold a live one).'}
            </p>
          </ConfirmDialog>
        )}
      </td>
    </tr>
  );
}

export function UsersPage() {
  const { api } = useConsole();
  const users = useLoad(useCallback(() => listAll(api.users.list), [api]));
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [generation, setGeneration] = useState(0);
  const { busy, error, run } = useAction();
  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    void run(async () => {
      await api.users.create({
        name: String(data.get('name') ?? '').trim(),
        email: String(data.get('email') ?? '').trim(),
        role: data.get('role') === 'admin' ? 'admin' : 'member',
      });
      form.reset();
      users.reload();
    });
  };
  const replace = (user: UserObject) =>
    users.set((users.data ?? []).map((candidate) => (candidate.id === user.id ? user : candidate)));
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <ErrorText error={users.error} />
      <div className="table-wrap">
        <table className="cards-on-phone">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">MFA</th>
            </tr>
          </thead>
          {/* A new generation reloads every row's MFA status after an enrolment. */}
          <tbody key={generation}>
            {(users.data ?? []).map((user) => (
              <UserRow key={user.id} user={user} onChanged={replace} onEnrol={setEnrolment} />
            ))}
          </tbody>
        </table>
      </div>
      {users.loading && <p role="status">Loading…</p>}
      <form onSubmit={create} className="grid panel" aria-labelledby="create-user-title">
        <h3 id="create-user-title">Add a user</h3>
        <label htmlFor="user-name">User name</label>
        <input id="user-name" name="name" required maxLength={200} />
        <label htmlFor="user-email">Email</label>
        <input id="user-email" name="email" type="email" required maxLength={320} />
        <label htmlFor="user-role">Role</label>
        <select id="user-role" name="role" defaultValue="member">
          <option value="member">member</option>
          <option value="admin">admin</option>
        </select>
        <div className="span">
          <ErrorText error={error} />
          <button type="submit" disabled={busy}>
            Add user
          </button>
        </div>
      </form>
      {enrolment !== null && (
        <EnrolDialog
          enrolment={enrolment}
          onClose={() => setEnrolment(null)}
          onConfirmed={() => {
            setEnrolment(null);
            setGeneration((value) => value + 1);
          }}
        />
      )}
    </section>
  );
}
