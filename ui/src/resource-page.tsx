/**
 * One resource: what it is and where it sits; for a `webhook`, its webhook keys (the signing
 * secrets of the requests it receives), managed here.
 */
import { useCallback } from 'react';
import { useConsole } from './console-context';
import { ErrorText } from './problem-text';
import { useLoad } from './use-load';
import { href } from './use-route';
import { WebhookKeysSection } from './webhook-keys-section';

export function ResourcePage({ id }: { id: string }) {
  const { api } = useConsole();
  const resource = useLoad(useCallback(() => api.resources.get(id), [api, id]));
  if (resource.data === null)
    return resource.loading ? <p role="status">Loading…</p> : <ErrorText error={resource.error} />;
  const shown = resource.data;
  return (
    <section aria-labelledby="resource-title">
      <p className="crumbs">
        <a href={href('resources')}>Resources</a> /
      </p>
      <h2 id="resource-title">{shown.name}</h2>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{shown.type}</dd>
        <dt>Resource id</dt>
        <dd>
          <code>{shown.id}</code>
        </dd>
        <dt>Visibility</dt>
        <dd>{shown.visibility.toLowerCase()}</dd>
      </dl>
      {shown.type === 'webhook' && (
        <WebhookKeysSection
          webhook={{ id: shown.id, name: shown.name, environmentId: shown.environmentId }}
          client={api.webhookKeys}
        />
      )}
    </section>
  );
}
