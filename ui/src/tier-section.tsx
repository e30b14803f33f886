/**
 * Settings → Tier (seed 000, Manage Tenant: "Change tier settings"): what each of the instance's
 * tiers gives a new key of the tenant (its rate limits and credits, from `GET /v1/tiers`), and the
 * choice of the tenant's own. A tier is a default, not a floor: keys already made keep theirs.
 */
import { useCallback, useId, useState, type FormEvent } from 'react';
import type { TenantObject, TierObject } from './api';
import { useConsole } from './console-context';
import { rateLimitText } from './format';
import { ErrorText, StatusText } from './problem-text';
import { useAction } from './use-action';
import { useLoad } from './use-load';
import { creditsText } from './usage-controls-section';

function TierRow({ tier, current }: { tier: TierObject; current: boolean }) {
  return (
    <tr aria-current={current ? 'true' : undefined}>
      <th scope="row">
        {tier.name}
        {current && (
          <>
            {' '}
            <span className="tag">current</span>
          </>
        )}
      </th>
      <td data-label="Rate limits">
        {tier.ratelimits.length === 0 ? 'none' : tier.ratelimits.map(rateLimitText).join('; ')}
      </td>
      <td data-label="Credits">{creditsText(tier.credits)}</td>
    </tr>
  );
}

export function TierSection({ tenant, onSaved }: { tenant: TenantObject; onSaved: (tenant: TenantObject) => void }) {
  const { api } = useConsole();
  const titleId = useId();
  const tiers = useLoad(useCallback(() => api.tiers.list(), [api]));
  const [chosen, setChosen] = useState(tenant.tier);
  const [saved, setSaved] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const items = tiers.data?.items ?? [];
  // A tier the instance does not define (set before the file changed) is still the tenant's: shown, with no defaults.
  const known = items.some((tier) => tier.name === tenant.tier);
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(null);
    void run(async () => {
      onSaved(await api.tenants.update(tenant.id, { tier: chosen }));
      setSaved(chosen);
    });
  };
  return (
    <section aria-labelledby={titleId} className="panel">
      <h3 id={titleId}>Tier</h3>
      <p className="help">
        The tier names the rate limits and credits each new key of the tenant starts with, unless the key is made with
        its own. Keys already made keep theirs.
      </p>
      {tiers.data === null ? (
        tiers.loading ? (
          <p role="status">Loading tiers…</p>
        ) : (
          <ErrorText error={tiers.error} />
        )
      ) : items.length === 0 ? (
        <p>
          This server defines no tiers (<code>KEYWARD_TIERS</code>): the tenant is on <strong>{tenant.tier}</strong>,
          and new keys get no default rate limits or credits.
        </p>
      ) : (
        <>
          <table aria-label="What each tier gives a new key">
            <thead>
              <tr>
                <th scope="col">Tier</th>
                <th scope="col">Rate limits</th>
                <th scope="col">Credits</th>
              </tr>
            </thead>
            <tbody>
              {items.map((tier) => (
                <TierRow key={tier.name} tier={tier} current={tier.name === tenant.tier} />
              ))}
            </tbody>
          </table>
          <form onSubmit={save} className="inline">
            <label htmlFor="tenant-tier">Tenant's tier</label>
            <select id="tenant-tier" value={chosen} onChange={(event) => setChosen(event.target.value)}>
              {!known && <option value={tenant.tier}>{tenant.tier} (not defined here: no defaults)</option>}
              {items.map((tier) => (
                <option key={tier.name} value={tier.name}>
                  {tier.name}
                </option>
              ))}
            </select>
            <button type="submit" disabled={busy || chosen === tenant.tier}>
              Change tier
            </button>
          </form>
          <ErrorText error={error} />
          {saved !== null && <StatusText>The tenant is now on {saved}: new keys get what it gives.</StatusText>}
        </>
      )}
    </section>
  );
}
