/**
 * Overview: the tenant's dashboard (tenant-dashboard.tsx) for a key that may read it; then the
 * signed-in key (`GET /v1/me`), what its grants add up to, and where it may go.
 */
import { holds } from './api';
import { AREAS } from './areas';
import { Badges } from './badges';
import { useConsole } from './console-context';
import { when } from './format';
import { OnboardingStepper } from './onboarding-stepper';
import { TenantDashboard } from './tenant-dashboard';
import { href } from './use-route';

export function OverviewPage() {
  const { me } = useConsole();
  return (
    <>
      {holds(me, 'tenant.manage') && holds(me, 'users.manage') && <OnboardingStepper />}
      <TenantDashboard me={me} />
      <OverviewOfKey />
    </>
  );
}

function OverviewOfKey() {
  const { me, tenantId } = useConsole();
  const { key, grants } = me;
  const typeWide = Object.entries(grants.typeWide).map(([type, actions]) => `${type}: ${actions.join(', ')}`);
  const onResources = Object.entries(grants.resources).map(([id, actions]) => `${id}: ${actions.join(', ')}`);
  const areas = AREAS.filter((area) => area.id !== 'overview');
  return (
    <section aria-labelledby="me-title">
      <h2 id="me-title">This key</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{key.name}</dd>
        <dt>Key id</dt>
        <dd>
          <code>{key.id}</code>
        </dd>
        <dt>Kind</dt>
        <dd>
          {key.kind}
          {key.admin ? ' (admin)' : ''}
        </dd>
        <dt>Tenant</dt>
        <dd>
          <code>{tenantId}</code>
        </dd>
        <dt>Environment</dt>
        <dd>{key.environmentId === null ? 'none (instance-wide)' : <code>{key.environmentId}</code>}</dd>
        <dt>Status</dt>
        <dd>{key.status}</dd>
        <dt>Expires</dt>
        <dd>{when(key.expiresAt)}</dd>
      </dl>
      <h3>Effective permissions</h3>
      {grants.root ? (
        <p>The root key: every permission, in every tenant.</p>
      ) : (
        <Badges items={grants.permissions} empty="None." />
      )}
      <h3>Scopes</h3>
      <Badges items={key.scopes} empty="No scopes given directly." />
      <h3>Type-wide access</h3>
      <Badges
        items={grants.allTypes.length > 0 ? [`every type: ${grants.allTypes.join(', ')}`, ...typeWide] : typeWide}
        empty="None."
      />
      {onResources.length > 0 && (
        <>
          <h3>Access to single resources</h3>
          <Badges items={onResources} empty="None." />
        </>
      )}
      <h3>Areas</h3>
      <ul className="area-list">
        {areas.map((area) => (
          <li key={area.id}>
            <a href={href(area.id)}>{area.label}</a>{' '}
            {area.needs === null ? (
              <span className="help">open to this key</span>
            ) : holds(me, area.needs) ? (
              <span className="help">with {area.needs}</span>
            ) : (
              <span className="why">needs {area.needs}, which this key lacks</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
