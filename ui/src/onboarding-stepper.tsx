/**
 * A new tenant walked to its first environment, first admin user and first key (issue 26 item 3):
 * a stepper on the Overview, each step a small form, each skippable, the whole dismissable. It
 * resumes where the tenant stands (onboarding.ts), so a reload or another tab carries on there.
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { Api, CreatedKeyObject } from './api';
import { useConsole } from './console-context';
import {
  currentStep,
  loadSkips,
  type Skips,
  type Step,
  STEP_LABELS,
  STEPS,
  saveSkips,
  stepStates,
  type TenantProgress,
} from './onboarding';
import { ErrorText } from './problem-text';
import { SecretDialog } from './secret-dialog';
import { useAction } from './use-action';
import { useLoad } from './use-load';

interface Standing extends TenantProgress {
  readonly environmentIds: readonly { id: string; name: string }[];
  readonly adminUserId: string | null;
}

async function standingOf(api: Api): Promise<Standing> {
  const [environments, users, keys] = await Promise.all([
    api.environments.list({ limit: 100 }),
    api.users.list({ limit: 100 }),
    api.keys.list({ limit: 1 }),
  ]);
  const admin = users.items.find((user) => user.role === 'admin');
  return {
    environments: environments.items.length,
    environmentIds: environments.items.map(({ id, name }) => ({ id, name })),
    admins: admin === undefined ? 0 : 1,
    adminUserId: admin?.id ?? null,
    keys: keys.items.length,
  };
}

const text = (data: FormData, name: string) => String(data.get(name) ?? '').trim();

function StepForm({ step, standing, onDone }: { step: Step; standing: Standing; onDone: () => void }) {
  const { api } = useConsole();
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<CreatedKeyObject | null>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    void run(async () => {
      if (step === 'environment') {
        const keyPrefix = text(data, 'keyPrefix');
        await api.environments.create({ name: text(data, 'name'), ...(keyPrefix === '' ? {} : { keyPrefix }) });
      } else if (step === 'admin') {
        await api.users.create({ name: text(data, 'name'), email: text(data, 'email'), role: 'admin' });
      } else {
        // With an admin, the key is theirs and administers the tenant; without, a plain application key.
        const owner = standing.adminUserId;
        setCreated(
          await api.keys.create({
            environmentId: text(data, 'environmentId'),
            name: text(data, 'name'),
            ...(owner === null
              ? { kind: 'application' as const }
              : { kind: 'user' as const, userId: owner, admin: true, preset: 'tenant-admin' }),
          }),
        );
        return;
      }
      onDone();
    });
  };
  return (
    <form className="grid" onSubmit={submit} aria-label={STEP_LABELS[step]}>
      {step === 'environment' && (
        <>
          <p className="help span">Keys live in an environment: production, staging… Start with one.</p>
          <label htmlFor="onboard-env-name">Environment name</label>
          <input id="onboard-env-name" name="name" required maxLength={200} defaultValue="production" />
          <label htmlFor="onboard-env-prefix">Key prefix (optional)</label>
          <input id="onboard-env-prefix" name="keyPrefix" maxLength={16} placeholder="prod" />
        </>
      )}
      {step === 'admin' && (
        <>
          <p className="help span">The person who runs this tenant: they get the first key.</p>
          <label htmlFor="onboard-admin-name">Name</label>
          <input id="onboard-admin-name" name="name" required maxLength={200} />
          <label htmlFor="onboard-admin-email">Email</label>
          <input id="onboard-admin-email" name="email" type="email" required maxLength={320} />
        </>
      )}
      {step === 'key' && (
        <>
          <p className="help span">
            {standing.adminUserId === null
              ? 'An application key, to call the API from a service.'
              : "The admin's key: it manages this tenant. Hand it to them; it is shown once."}
          </p>
          <label htmlFor="onboard-key-name">Key name</label>
          <input id="onboard-key-name" name="name" required maxLength={200} defaultValue="first admin key" />
          <label htmlFor="onboard-key-env">Environment</label>
          <select id="onboard-key-env" name="environmentId">
            {standing.environmentIds.map((environment) => (
              <option key={environment.id} value={environment.id}>
                {environment.name}
              </option>
            ))}
          </select>
        </>
      )}
      <div className="span">
        <ErrorText error={error} />
        <button type="submit" disabled={busy || (step === 'key' && standing.environmentIds.length === 0)}>
          {STEP_LABELS[step]}
        </button>
        {step === 'key' && standing.environmentIds.length === 0 && (
          <span className="help"> A key needs an environment: create one first.</span>
        )}
      </div>
      {created !== null && (
        <SecretDialog title="First key created" keyId={created.id} secret={created.key} onClose={onDone} />
      )}
    </form>
  );
}

const STATE_TEXT = { done: 'done', skipped: 'skipped', current: 'now', later: 'to do' } as const;

/** Shown while the tenant lacks a first environment, admin or key and the walk was not dismissed. */
export function OnboardingStepper() {
  const { api, tenantId } = useConsole();
  const standing = useLoad(useCallback(() => standingOf(api), [api]));
  const [skips, setSkips] = useState<Skips>(() => loadSkips(tenantId));
  const change = (next: Skips) => {
    saveSkips(tenantId, next);
    setSkips(next);
  };
  if (standing.data === null) return <ErrorText error={standing.error} />;
  const step = currentStep(standing.data, skips);
  if (step === null) return null;
  const states = stepStates(standing.data, skips);
  return (
    <section className="panel onboarding" aria-labelledby="onboarding-title">
      <h2 id="onboarding-title">Set up this tenant</h2>
      <ol className="stepper">
        {STEPS.map((each, n) => (
          <li key={each} className={`step-${states[each]}`} aria-current={each === step ? 'step' : undefined}>
            <span className="step-number">{states[each] === 'done' ? '✓' : n + 1}</span> {STEP_LABELS[each]}{' '}
            <span className="help">({STATE_TEXT[states[each]]})</span>
          </li>
        ))}
      </ol>
      <StepForm key={step} step={step} standing={standing.data} onDone={standing.reload} />
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => change({ ...skips, skipped: [...skips.skipped, step] })}
        >
          Skip this step
        </button>
        <button type="button" className="link" onClick={() => change({ ...skips, dismissed: true })}>
          Hide set-up
        </button>
      </div>
    </section>
  );
}
