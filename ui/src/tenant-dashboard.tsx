/**
 * The Overview's tenant dashboard (issue 26 item 2): the tenant's verifications and refusals over
 * the last 30 days (`GET /v1/analytics/verifications`, drawn by the key page's chart), its busiest
 * keys, the keys that expire within 30 days, and its latest changes (the audit log). Each panel
 * shows only to a key that may read it, and says what to do next when it is empty.
 */
import { type ReactNode, useCallback } from 'react';
import { type Api, holds, type MeObject } from './api';
import { useConsole } from './console-context';
import { asUsage, refusals, soonestExpiring, topKeys } from './dashboard-data';
import { when } from './format';
import { ErrorText } from './problem-text';
import { UsageChart } from './usage-chart';
import { useLoad } from './use-load';
import { href } from './use-route';

const DAYS = 30;

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="panel dashboard-panel" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

function Verifications({ api }: { api: Api }) {
  const byCode = useLoad(
    useCallback(() => api.analytics.verifications({ groupBy: 'code', granularity: 'day' }), [api]),
  );
  if (byCode.data === null) return byCode.loading ? <p role="status">Loading…</p> : <ErrorText error={byCode.error} />;
  const refused = refusals(byCode.data);
  const share = byCode.data.total === 0 ? 0 : Math.round((refused / byCode.data.total) * 100);
  return byCode.data.total === 0 ? (
    <p className="empty-state">
      No verifications in the last {DAYS} days. <a href={href('keys', 'new')}>Create a key</a> and send it to{' '}
      <code>POST /v1/verify</code> from your service: every answer is counted here.
    </p>
  ) : (
    <>
      <p className="summary">
        <strong>{byCode.data.total.toLocaleString()}</strong> verification{byCode.data.total === 1 ? '' : 's'},{' '}
        <strong className={refused > 0 ? 'bad' : undefined}>{refused.toLocaleString()}</strong> refused ({share}%)
      </p>
      <UsageChart usage={asUsage(byCode.data)} />
    </>
  );
}

function TopKeys({ api }: { api: Api }) {
  const top = useLoad(
    useCallback(async () => {
      // The server ranks the keys (issue 26): it answers only the `limit` busiest.
      const ranked = topKeys(await api.analytics.verifications({ groupBy: 'key', granularity: 'day', limit: 5 }));
      // A name for each: a key gone since (or out of reach) keeps its id.
      const names = await Promise.all(
        ranked.map((row) =>
          api.keys.get(row.keyId).then(
            (key) => key.name,
            () => null,
          ),
        ),
      );
      return ranked.map((row, n) => ({ ...row, name: names[n] ?? null }));
    }, [api]),
  );
  if (top.data === null) return top.loading ? <p role="status">Loading…</p> : <ErrorText error={top.error} />;
  if (top.data.length === 0) return <p className="empty-state">No key has been verified in the last {DAYS} days.</p>;
  return (
    <ol className="ranked">
      {top.data.map((row) => (
        <li key={row.keyId}>
          <a href={href('keys', row.keyId)} title={row.keyId}>
            {row.name ?? row.keyId}
          </a>{' '}
          <span className="help">
            {row.verifications.toLocaleString()} verification{row.verifications === 1 ? '' : 's'}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Expiring({ api }: { api: Api }) {
  const keys = useLoad(
    useCallback(() => api.keys.list({ expiringWithinDays: DAYS, status: 'active', limit: 100 }), [api]),
  );
  if (keys.data === null) return keys.loading ? <p role="status">Loading…</p> : <ErrorText error={keys.error} />;
  const soonest = soonestExpiring(keys.data.items);
  if (soonest.length === 0)
    return <p className="empty-state">No key expires in the next {DAYS} days. Nothing to rotate yet.</p>;
  return (
    <ul className="ranked">
      {soonest.map((key) => (
        <li key={key.id}>
          <a href={href('keys', key.id)} title={key.id}>
            {key.name}
          </a>{' '}
          <span className="warn">expires {when(key.expiresAt)}</span>
        </li>
      ))}
      {keys.data.items.length > soonest.length && (
        <li className="help">and {keys.data.items.length - soonest.length} more</li>
      )}
    </ul>
  );
}

function RecentChanges({ api }: { api: Api }) {
  const events = useLoad(useCallback(() => api.audit.list({ order: 'desc', outcome: 'success', limit: 8 }), [api]));
  if (events.data === null) return events.loading ? <p role="status">Loading…</p> : <ErrorText error={events.error} />;
  if (events.data.items.length === 0) return <p className="empty-state">No changes yet.</p>;
  return (
    <>
      <ul className="ranked">
        {events.data.items.map((event) => (
          <li key={event.id}>
            <code>{event.action}</code>{' '}
            {event.target?.id != null && (
              <a href={`${href('audit')}?target=${encodeURIComponent(event.target.id)}`} title={event.target.id}>
                {/* The target's name where it has one (the audit names it); else the id's end, as "key" alone
                    told the changes apart by nothing. The whole id is on hover. */}
                {event.targetName ?? `${event.target.type ?? 'target'} …${event.target.id.slice(-6)}`}
              </a>
            )}{' '}
            <span className="help">{when(event.at)}</span>
          </li>
        ))}
      </ul>
      <a href={href('audit')}>All events</a>
    </>
  );
}

/** What the signed-in key may see of the tenant's activity. */
export function TenantDashboard({ me }: { me: MeObject }) {
  const { api } = useConsole();
  const readsKeys = holds(me, 'users.manage');
  const readsAnalytics = readsKeys || holds(me, 'tenant.manage');
  const readsAudit = holds(me, 'tenant.manage');
  if (!readsAnalytics && !readsAudit) return null;
  return (
    <section aria-labelledby="dashboard-title" className="dashboard">
      <h2 id="dashboard-title">Activity, last {DAYS} days</h2>
      {readsAnalytics && (
        <Panel id="dash-verifications" title="Verifications and refusals">
          <Verifications api={api} />
        </Panel>
      )}
      <div className="dashboard-grid">
        {readsAnalytics && (
          <Panel id="dash-top" title="Top keys">
            <TopKeys api={api} />
          </Panel>
        )}
        {readsKeys && (
          <Panel id="dash-expiring" title={`Expiring within ${DAYS} days`}>
            <Expiring api={api} />
          </Panel>
        )}
        {readsAudit && (
          <Panel id="dash-changes" title="Recent changes">
            <RecentChanges api={api} />
          </Panel>
        )}
      </div>
    </section>
  );
}
