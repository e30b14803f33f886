/**
 * Sharing groups: their members, keys and users (a user member brings all its keys), added and
 * removed here. Only a member of a group, or a key with tenant.manage, may add to it (SPEC §3),
 * so the add form says so instead of offering it.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { holds, listAll, type GroupObject, type KeyObject, type UserObject } from './api';
import { useConsole } from './console-context';
import { ItemActions, NewPanel } from './item-actions';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { useLoad } from './use-load';
import { href } from './use-route';

/** The user members of a group (each brings its keys, SPEC §1). */
export function userMemberIds(group: GroupObject): string[] {
  return group.memberUserIds;
}

interface Directory {
  readonly keys: readonly KeyObject[];
  readonly users: readonly UserObject[];
}

function GroupCard({
  group,
  directory,
  onChanged,
  onDeleted,
}: {
  group: GroupObject;
  directory: Directory;
  onChanged: (group: GroupObject) => void;
  onDeleted: () => void;
}) {
  const { api, me } = useConsole();
  const { busy, error, run } = useAction();
  const [kind, setKind] = useState<'key' | 'user'>('key');
  const mayAdd = holds(me, 'tenant.manage') || me.key.groupIds.includes(group.id);
  const userIds = userMemberIds(group);
  const keyName = (id: string) => directory.keys.find((key) => key.id === id)?.name ?? id;
  const userName = (id: string) => directory.users.find((user) => user.id === id)?.name ?? id;

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const member = String(new FormData(event.currentTarget).get('member') ?? '');
    if (member === '') return;
    void run(async () =>
      onChanged(await api.groups.addMember(group.id, kind === 'key' ? { keyId: member } : { userId: member })),
    );
  };
  const remove = (memberId: string) => run(async () => onChanged(await api.groups.removeMember(group.id, memberId)));
  const candidates =
    kind === 'key'
      ? directory.keys.filter((key) => key.status !== 'revoked' && !group.memberKeyIds.includes(key.id))
      : directory.users.filter((user) => !userIds.includes(user.id));

  return (
    <article className="panel" aria-labelledby={`group-${group.id}`}>
      <h3 id={`group-${group.id}`}>
        {group.name}{' '}
        <ItemActions
          noun="group"
          name={group.name}
          onRename={async (name) => onChanged(await api.groups.update(group.id, { name }))}
          onDelete={async () => {
            await api.groups.delete(group.id);
            onDeleted();
          }}
          deleteText={
            <p>
              Group <code>{group.id}</code> is deleted: its {group.memberKeyIds.length + userIds.length} member(s) stop
              sharing what it holds on resources. The keys and users themselves stay.
            </p>
          }
        />
      </h3>
      <h4>Members</h4>
      {group.memberKeyIds.length + userIds.length === 0 && <p className="help">No members yet.</p>}
      <ul className="chips">
        {userIds.map((id) => (
          <li key={id}>
            user {userName(id)}
            <button
              type="button"
              className="link"
              aria-label={`Remove user ${userName(id)} from ${group.name}`}
              disabled={busy}
              onClick={() => void remove(id)}
            >
              ×
            </button>
          </li>
        ))}
        {group.memberKeyIds.map((id) => (
          <li key={id}>
            key <a href={href('keys', id)}>{keyName(id)}</a>
            <button
              type="button"
              className="link"
              aria-label={`Remove key ${keyName(id)} from ${group.name}`}
              disabled={busy}
              onClick={() => void remove(id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {mayAdd ? (
        <form className="filters" onSubmit={add} aria-label={`Add a member to ${group.name}`}>
          <label htmlFor={`kind-${group.id}`}>Member kind</label>
          <select
            id={`kind-${group.id}`}
            value={kind}
            onChange={(event) => setKind(event.target.value === 'user' ? 'user' : 'key')}
          >
            <option value="key">key</option>
            <option value="user">user</option>
          </select>
          <label htmlFor={`member-${group.id}`}>Member</label>
          <select id={`member-${group.id}`} name="member" key={kind}>
            {candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
          <button type="submit" disabled={busy || candidates.length === 0}>
            Add member
          </button>
        </form>
      ) : (
        <p className="why">Only a member of this group, or a key with tenant.manage, may add to it.</p>
      )}
      <ErrorText error={error} />
    </article>
  );
}

export function GroupsPage() {
  const { api } = useConsole();
  const groups = useLoad(useCallback(() => listAll(api.groups.list), [api]));
  const directory = useLoad(
    useCallback(async () => {
      const [keys, users] = await Promise.all([
        listAll((page) => api.keys.list({ limit: 100, ...page })),
        listAll(api.users.list),
      ]);
      return { keys, users };
    }, [api]),
  );
  const { busy, error, run } = useAction();
  const create = (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    void run(async () => {
      await api.groups.create({ name });
      form.reset();
      close();
      groups.reload();
    });
  };
  const replace = (group: GroupObject) =>
    groups.set((groups.data ?? []).map((candidate) => (candidate.id === group.id ? group : candidate)));

  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Groups</h2>
      <p className="help">Sharing groups: when a member key creates a resource, the group owns it too.</p>
      <NewPanel label="New group">
        {(close) => (
          <form className="filters" onSubmit={(event) => create(event, close)} aria-label="Create a group">
            <label htmlFor="group-name">Group name</label>
            <input id="group-name" name="name" required maxLength={200} />
            <button type="submit" disabled={busy}>
              Create group
            </button>
          </form>
        )}
      </NewPanel>
      <ErrorText error={error ?? groups.error ?? directory.error} />
      {groups.loading && <p role="status">Loading…</p>}
      {groups.data?.length === 0 && (
        <p className="empty">
          No groups yet: create one with "New group", then add the keys or users who should share what they make.
        </p>
      )}
      {(groups.data ?? []).map((group) => (
        <GroupCard
          key={group.id}
          group={group}
          directory={directory.data ?? { keys: [], users: [] }}
          onChanged={replace}
          onDeleted={groups.reload}
        />
      ))}
    </section>
  );
}
