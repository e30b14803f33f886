/**
 * Users: people of the tenant with their role and MFA; renamed, given an external id (the id in
 * the customer's own directory) or deleted (their keys revoked, asked first) from their row, and
 * added behind "New user". MFA is enrolled through mfa-enrol-dialog.tsx; a reset is asked first.
 */
import { ConfirmDialog } from './confirm-dialog';
import { useCallback, useState, type FormEvent } from 'react';
import { listAll, type UserObject } from './api';
import { useConsole } from './console-context';
import { EnrolDialog, type Enrolment } from './mfa-enrol-dialog';
import { FieldDialog, ItemActions, NewPanel } from './item-actions';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { useLoad } from './use-load';

function UserRow({
  user,
  onChanged,
  onDeleted,
  onEnrol,
}: {
  user: UserObject;
  onChanged: (user: UserObject) => void;
  onDeleted: () => void;
  onEnrol: (enrolment: Enrolment) => void;
}) {
  const [editingExternalId, setEditingExternalId] = useState(false);
  const { api } = useConsole();
  const mfa = useLoad(useCallback(() => api.users.mfaStatus(user.id), [api, user.id]));
  const { busy, error, run } = useAction();
  // A role change and an MFA reset are asked first (ConfirmDialog): each changes what the person can do.
  const [asking, setAsking] = useState<{ readonly role: 'admin' | 'member' } | 'mfa' | null>(null);
  const enrol = () => run(async () => onEnrol({ user, ...(await api.users.mfaEnrol(user.id)) }));
  return (
    <tr>
      <th scope="row" data-label="Name">
        <span title={user.id}>{user.name}</span>{' '}
        <span className="help">
          {user.email}
          {user.externalId === null ? '' : ` · external id ${user.externalId}`}
        </span>
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
      </td>
      <td data-label="Actions">
        <ItemActions
          noun="user"
          name={user.name}
          onRename={async (name) => onChanged(await api.users.update(user.id, { name }))}
          onDelete={async () => {
            await api.users.delete(user.id);
            onDeleted();
          }}
          deleteText={
            <p>
              {user.name} ({user.email}) is deleted, and every key they own is revoked at once. This cannot be undone.
            </p>
          }
        >
          <button
            type="button"
            className="secondary small"
            onClick={() => setEditingExternalId(true)}
            aria-label={`External id of ${user.name}`}
          >
            External id
          </button>
        </ItemActions>
        {editingExternalId && (
          <FieldDialog
            title={`External id of ${user.name}`}
            label="External id"
            initial={user.externalId ?? ''}
            required={false}
            maxLength={200}
            help="The user's id in your own directory or identity provider. Empty clears it."
            onSave={async (externalId) => onChanged(await api.users.update(user.id, { externalId }))}
            onClose={() => setEditingExternalId(false)}
          />
        )}
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
  const create = (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const externalId = String(data.get('externalId') ?? '').trim();
    void run(async () => {
      await api.users.create({
        ...(externalId === '' ? {} : { externalId }),
        name: String(data.get('name') ?? '').trim(),
        email: String(data.get('email') ?? '').trim(),
        role: data.get('role') === 'admin' ? 'admin' : 'member',
      });
      form.reset();
      close();
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
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          {/* A new generation reloads every row's MFA status after an enrolment. */}
          <tbody key={generation}>
            {(users.data ?? []).map((user) => (
              <UserRow key={user.id} user={user} onChanged={replace} onDeleted={users.reload} onEnrol={setEnrolment} />
            ))}
          </tbody>
        </table>
      </div>
      {users.loading && <p role="status">Loading…</p>}
      {users.data?.length === 0 && (
        <p className="empty">No users yet: add the first with "New user", then give them a key.</p>
      )}
      <NewPanel label="New user">
        {(close) => (
          <form onSubmit={(event) => create(event, close)} className="grid" aria-labelledby="create-user-title">
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
            <label htmlFor="user-external-id">External id</label>
            <input id="user-external-id" name="externalId" maxLength={200} placeholder="optional" />
            <div className="span">
              <ErrorText error={error} />
              <button type="submit" disabled={busy}>
                Add user
              </button>
            </div>
          </form>
        )}
      </NewPanel>
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
