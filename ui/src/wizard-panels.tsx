/** The wizard's first, third and fourth steps: the key and its preset, its groups, the review. */
import type { EnvironmentObject, GroupObject, MeObject, ModelDescriptionObject, PolicyObject, UserObject } from './api';
import type { Grantor } from '../../src/api/grants.js';
import { holds } from './api';
import { choosePreset, type Draft } from './wizard-steps';

interface KeyStepProps {
  readonly model: ModelDescriptionObject;
  readonly me: MeObject;
  readonly grantor: Grantor;
  readonly environments: readonly EnvironmentObject[];
  readonly users: readonly UserObject[];
  readonly draft: Draft;
  readonly update: (change: Partial<Draft>) => void;
}

/** Why the draft may not be an admin key, or null when it may. */
function adminBlocker(me: MeObject, draft: Draft, users: readonly UserObject[]): string | null {
  if (!me.grants.root && !me.key.admin) return 'only an admin key may make admin keys';
  if (draft.kind === 'user' && users.find((user) => user.id === draft.userId)?.role !== 'admin')
    return 'only admin users may own admin keys';
  return null;
}

export function KeyStep({ model, me, grantor, environments, users, draft, update }: KeyStepProps) {
  const adminWhy = adminBlocker(me, draft, users);
  return (
    <>
      <div className="grid">
        <label htmlFor="key-name">Name</label>
        <input
          id="key-name"
          value={draft.name}
          maxLength={200}
          required
          onChange={(event) => update({ name: event.target.value })}
        />
        <label htmlFor="key-kind">Kind</label>
        <select
          id="key-kind"
          value={draft.kind}
          onChange={(event) => update({ kind: event.target.value === 'user' ? 'user' : 'application', admin: false })}
        >
          <option value="application">application (a deployed service)</option>
          <option value="user">user (owned by a person)</option>
        </select>
        {draft.kind === 'user' && (
          <>
            <label htmlFor="key-user">Owner</label>
            <select
              id="key-user"
              value={draft.userId}
              onChange={(event) => update({ userId: event.target.value, admin: false })}
            >
              <option value="">pick a user</option>
              {users.map((user) => (
                <option key={user.id} value={user.id}>
                  {user.name} ({user.email}, {user.role})
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor="key-environment">Environment</label>
        {environments.length > 0 ? (
          <select
            id="key-environment"
            value={draft.environmentId}
            onChange={(event) => update({ environmentId: event.target.value })}
          >
            {environments.map((environment) => (
              <option key={environment.id} value={environment.id}>
                {environment.name} ({environment.id})
              </option>
            ))}
          </select>
        ) : (
          <input id="key-environment" readOnly value={draft.environmentId} />
        )}
        <label htmlFor="key-admin">Admin key</label>
        <span className="inline">
          <input
            id="key-admin"
            type="checkbox"
            checked={draft.admin}
            disabled={adminWhy !== null && !draft.admin}
            aria-describedby="key-admin-why"
            onChange={(event) => update({ admin: event.target.checked })}
          />
          <span id="key-admin-why" className="why">
            {adminWhy ?? 'may hold tenant-scoped permissions'}
          </span>
        </span>
      </div>
      <fieldset className="presets">
        <legend>Preset</legend>
        {model.presets.map((preset) => {
          const why = grantor.preset(preset.name, draft.admin);
          const id = `preset-${preset.name}`;
          const grants = [...preset.scopes, ...preset.permissions];
          // The icon is decoration beside the name; the use case is read out with the grants.
          return (
            <div
              key={preset.name}
              className={`card${draft.preset === preset.name ? ' chosen' : ''}${why !== null ? ' blocked' : ''}`}
            >
              <input
                id={id}
                type="radio"
                name="preset"
                checked={draft.preset === preset.name}
                disabled={why !== null}
                aria-describedby={preset.useCase === null ? `${id}-grants` : `${id}-use ${id}-grants`}
                onChange={() => update(choosePreset(model, draft, preset.name))}
              />
              <label htmlFor={id}>
                {preset.icon !== null && (
                  <span className="preset-icon" aria-hidden="true">
                    {preset.icon}
                  </span>
                )}
                {preset.name}
              </label>
              {preset.useCase !== null && (
                <p id={`${id}-use`} className="use-case">
                  {preset.useCase}
                </p>
              )}
              <p id={`${id}-grants`} className="help">
                {grants.length === 0 ? 'no scopes: you pick them' : grants.join(', ')}
                {preset.adminOnly ? ' · admin keys only' : ''}
                {why !== null ? ` · unavailable: ${why}` : ''}
              </p>
            </div>
          );
        })}
      </fieldset>
    </>
  );
}

export function GroupsStep({
  me,
  groups,
  value,
  onChange,
}: {
  me: MeObject;
  groups: readonly GroupObject[];
  value: readonly string[];
  onChange: (ids: string[]) => void;
}) {
  const manager = holds(me, 'tenant.manage');
  return (
    <fieldset>
      <legend>Sharing groups</legend>
      <p className="help">What a member creates, every member of the group owns.</p>
      {groups.length === 0 && <p className="help">No groups yet.</p>}
      {groups.map((group) => {
        const why =
          manager || me.key.groupIds.includes(group.id) ? null : 'you are not a member and lack tenant.manage';
        const id = `group-${group.id}`;
        return (
          <div key={group.id} className="check">
            <input
              id={id}
              type="checkbox"
              checked={value.includes(group.id)}
              disabled={why !== null}
              aria-describedby={`${id}-why`}
              onChange={(event) =>
                onChange(
                  event.target.checked ? [...value, group.id] : value.filter((candidate) => candidate !== group.id),
                )
              }
            />
            <label htmlFor={id}>{group.name}</label>
            <span id={`${id}-why`} className="why">
              {why ?? ''}
            </span>
          </div>
        );
      })}
    </fieldset>
  );
}

function names(ids: readonly string[], of: readonly { id: string; name: string }[]): string {
  return ids.length === 0 ? 'none' : ids.map((id) => of.find((item) => item.id === id)?.name ?? id).join(', ');
}

export function ReviewStep({
  draft,
  environments,
  users,
  policies,
  groups,
}: {
  draft: Draft;
  environments: readonly EnvironmentObject[];
  users: readonly UserObject[];
  policies: readonly PolicyObject[];
  groups: readonly GroupObject[];
}) {
  const levels = Object.entries(draft.grants.levels).map(([type, level]) => `${type}: ${level}`);
  return (
    <dl className="facts review">
      <dt>Name</dt>
      <dd>{draft.name}</dd>
      <dt>Kind</dt>
      <dd>
        {draft.kind}
        {draft.admin ? ', admin' : ''}
        {draft.kind === 'user' ? `, owned by ${names([draft.userId], users)}` : ''}
      </dd>
      <dt>Environment</dt>
      <dd>{names([draft.environmentId], environments)}</dd>
      <dt>Preset</dt>
      <dd>{draft.preset}</dd>
      <dt>Scopes</dt>
      <dd>{draft.grants.scopes.join(', ') || 'none'}</dd>
      <dt>Permissions</dt>
      <dd>{draft.grants.permissions.join(', ') || 'none'}</dd>
      <dt>Levels</dt>
      <dd>{levels.join(', ') || 'none'}</dd>
      <dt>Policies</dt>
      <dd>{names(draft.policyIds, policies)}</dd>
      <dt>Groups</dt>
      <dd>{names(draft.groupIds, groups)}</dd>
      <dt>Expires</dt>
      <dd>
        {draft.expiry === 'never'
          ? 'never'
          : draft.expiry === 'default'
            ? "the environment's default"
            : `in ${draft.expiry} days`}
      </dd>
    </dl>
  );
}
