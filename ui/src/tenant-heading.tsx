/**
 * Which tenant the console is working in, in the header and in the page title ("Acme · Keyward"),
 * so that root, switching between tenants, and every admin, with several tabs open, can tell.
 * The name is read where the key may read its tenant (root, or `tenant.manage`); otherwise the id
 * stands in for it.
 */
import { useCallback, useEffect, useRef } from 'react';
import { type Api, holds, KeywardApiError, type MeObject } from './api';
import { useLoad } from './use-load';

const PRODUCT = 'Keyward';
const RENAMED = 'keyward:tenant-renamed';

/** Tells the heading to read the tenant's name again (Settings renamed it): the header is not a child of that page. */
export function announceTenantRenamed(): void {
  window.dispatchEvent(new Event(RENAMED));
}

export function TenantHeading({
  api,
  me,
  tenantId,
  onGone,
}: {
  api: Api;
  me: MeObject;
  tenantId: string;
  /** The tenant is no longer there (a stored choice of root's after the tenant went). */
  onGone: () => void;
}) {
  const mayRead = me.grants.root || holds(me, 'tenant.manage');
  const tenant = useLoad(
    useCallback(() => (mayRead ? api.tenants.get(tenantId) : Promise.resolve(null)), [api, tenantId, mayRead]),
  );
  const name = tenant.data?.name ?? null;
  const reload = useRef(tenant.reload);
  reload.current = tenant.reload;
  useEffect(() => {
    const again = () => reload.current();
    window.addEventListener(RENAMED, again);
    return () => window.removeEventListener(RENAMED, again);
  }, []);
  useEffect(() => {
    document.title = name === null ? PRODUCT : `${name} · ${PRODUCT}`;
    return () => {
      document.title = PRODUCT;
    };
  }, [name]);
  const gone = tenant.error instanceof KeywardApiError && tenant.error.httpStatus === 404;
  useEffect(() => {
    if (gone) onGone();
  }, [gone, onGone]);
  return (
    <p className="tenant">
      {/* The id on hover: two tenants may share a name, their ids never. */}
      Tenant: <strong title={tenantId}>{name ?? tenantId}</strong>
    </p>
  );
}
