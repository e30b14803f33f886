/** Which page an area and the rest of the route show. */
import type { AreaId } from './areas';
import { AuditPage } from './audit-page';
import { EnvironmentsPage } from './environments-page';
import { EventsPage } from './events-page';
import { GroupsPage } from './groups-page';
import { KeyPage } from './key-page';
import { KeysPage } from './keys-page';
import { NewKeyPage } from './new-key-page';
import { OverviewPage } from './overview-page';
import { PoliciesPage } from './policies-page';
import { ResourcePage } from './resource-page';
import { ResourcesPage } from './resources-page';
import { SettingsPage } from './settings-page';
import { SessionsPage } from './sessions-page';
import type { Route } from './use-route';
import { UsersPage } from './users-page';

export function AreaPage({ area, route }: { area: AreaId; route: Route }) {
  const detail = route.parts[1];
  switch (area) {
    case 'overview':
      return <OverviewPage />;
    case 'keys':
      if (detail === 'new') return <NewKeyPage />;
      return detail === undefined ? <KeysPage /> : <KeyPage key={detail} id={detail} />;
    case 'policies':
      return <PoliciesPage />;
    case 'groups':
      return <GroupsPage />;
    case 'users':
      return <UsersPage />;
    case 'environments':
      return <EnvironmentsPage />;
    case 'resources':
      return detail === undefined ? <ResourcesPage /> : <ResourcePage key={detail} id={detail} />;
    case 'events':
      return <EventsPage />;
    case 'audit':
      return <AuditPage />;
    case 'settings':
      return <SettingsPage />;
    case 'sessions':
      return <SessionsPage />;
  }
}
