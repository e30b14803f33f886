/** The console's areas, in navigation order, each with the permission it needs (null: any key). */
export const AREAS = [
  { id: 'overview', label: 'Overview', needs: null },
  { id: 'keys', label: 'Keys', needs: 'users.manage' },
  { id: 'policies', label: 'Policies', needs: 'users.manage' },
  { id: 'groups', label: 'Groups', needs: 'users.manage' },
  { id: 'users', label: 'Users', needs: 'users.manage' },
  { id: 'environments', label: 'Environments', needs: 'tenant.manage' },
  // Resources answer per action through the check: every key sees what it may discover.
  { id: 'resources', label: 'Resources', needs: null },
  { id: 'events', label: 'Events', needs: 'tenant.manage' },
  { id: 'audit', label: 'Audit', needs: 'tenant.manage' },
  { id: 'settings', label: 'Settings', needs: 'tenant.manage' },
  // Any key: a person sees their own SSO sessions; users.manage sees the tenant's.
  { id: 'sessions', label: 'Sessions', needs: null },
] as const;

export type AreaId = (typeof AREAS)[number]['id'];

export function areaOf(part: string | undefined): (typeof AREAS)[number] {
  return AREAS.find((area) => area.id === part) ?? AREAS[0];
}
