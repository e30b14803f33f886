/**
 * Events out (SPEC §4): the tenant's webhook endpoints, each with its delivery log. A new
 * endpoint's signing secret, and a rotated one, is shown once in a dialog; a delivered or dead
 * delivery can be sent again; a test event checks a receiver.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { listAll, WEBHOOK_EVENT_TYPES, type WebhookDeliveryObject, type WebhookEndpointObject } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { NewPanel } from './item-actions';
import { useConsole } from './console-context';
import { Dialog } from './dialog';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';
import { useLoad } from './use-load';

function SigningSecretDialog({
  endpointId,
  secret,
  onClose,
}: {
  endpointId: string;
  secret: string;
  onClose: () => void;
}) {
  return (
    <Dialog title="Signing secret" onClose={onClose}>
      <p className="warning">
        <strong>Copy this secret now.</strong> It is shown this once; your receiver verifies each event's
        webhook-signature with it (docs/webhooks.md).
      </p>
      <label htmlFor="webhook-secret">Secret of {endpointId}</label>
      <div className="secret">
        <input id="webhook-secret" readOnly value={secret} spellCheck={false} autoComplete="off" />
      </div>
      <div className="actions">
        <button type="button" onClick={onClose}>
          I have stored it
        </button>
      </div>
    </Dialog>
  );
}

function DeliveryLog({ endpoint }: { endpoint: WebhookEndpointObject }) {
  const { api } = useConsole();
  const log = useLoad(useCallback(() => api.webhooks.deliveries(endpoint.id, { limit: 20 }), [api, endpoint.id]));
  const { busy, error, run } = useAction();
  const redeliver = (delivery: WebhookDeliveryObject) =>
    run(async () => {
      await api.webhooks.redeliver(endpoint.id, delivery.id);
      log.reload();
    });
  const test = () =>
    run(async () => {
      await api.webhooks.test(endpoint.id);
      log.reload();
    });
  return (
    <>
      <h4>Deliveries</h4>
      <div className="actions">
        <button type="button" disabled={busy || !endpoint.enabled} onClick={() => void test()}>
          Send a test event
        </button>
        <button type="button" className="link" onClick={() => log.reload()}>
          Refresh
        </button>
      </div>
      <ErrorText error={error ?? log.error} />
      {log.data?.items.length === 0 && <p className="help">Nothing sent yet.</p>}
      {(log.data?.items.length ?? 0) > 0 && (
        <table aria-label={`Deliveries to ${endpoint.url}`}>
          <thead>
            <tr>
              <th>event</th>
              <th>status</th>
              <th>attempts</th>
              <th>last answer</th>
              <th>next try</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {log.data?.items.map((delivery) => (
              <tr key={delivery.id}>
                <td>
                  {delivery.type} {delivery.keyId ?? ''}
                </td>
                <td>{delivery.status}</td>
                <td>{delivery.attempts}</td>
                <td>{delivery.lastError ?? delivery.lastStatusCode ?? ''}</td>
                <td>{delivery.nextAttemptAt ?? ''}</td>
                <td>
                  {(delivery.status === 'dead' || delivery.status === 'delivered') && (
                    <button type="button" disabled={busy} onClick={() => void redeliver(delivery)}>
                      Redeliver
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function EndpointCard({
  endpoint,
  onChanged,
  onSecret,
}: {
  endpoint: WebhookEndpointObject;
  onChanged: () => void;
  onSecret: (shown: { endpointId: string; secret: string }) => void;
}) {
  const { api } = useConsole();
  const { busy, error, run } = useAction();
  const toggle = () =>
    run(async () => {
      await api.webhooks.update(endpoint.id, { enabled: !endpoint.enabled });
      onChanged();
    });
  // Disabling and rotating are asked first, each saying what changes; enabling only gives back.
  const [asking, setAsking] = useState<'delete' | 'disable' | 'rotate' | null>(null);
  return (
    <article className="panel" aria-labelledby={`endpoint-${endpoint.id}`}>
      <h3 id={`endpoint-${endpoint.id}`}>{endpoint.url}</h3>
      <p className="help">
        {endpoint.enabled ? 'Enabled' : 'Disabled: deliveries wait'} · {endpoint.events.join(', ')}
        {endpoint.description === '' ? '' : ` · ${endpoint.description}`}
      </p>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => (endpoint.enabled ? setAsking('disable') : void toggle())}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </button>
        <button type="button" disabled={busy} onClick={() => setAsking('rotate')}>
          Rotate secret
        </button>
        <button type="button" disabled={busy} onClick={() => setAsking('delete')}>
          Delete
        </button>
      </div>
      <ErrorText error={error} />
      {asking === 'disable' && (
        <ConfirmDialog
          title={`Disable the webhook to ${endpoint.url}?`}
          confirmLabel="Disable webhook"
          onConfirm={async () => {
            await api.webhooks.update(endpoint.id, { enabled: false });
            onChanged();
          }}
          onClose={() => setAsking(null)}
        >
          <p>
            No events are sent to it while it is disabled: they wait in its log, and are delivered when it is enabled
            again. Its secret and subscriptions do not change.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'rotate' && (
        <ConfirmDialog
          title={`Rotate the signing secret of ${endpoint.url}?`}
          confirmLabel="Rotate secret"
          onConfirm={async () => {
            const rotated = await api.webhooks.rotateSecret(endpoint.id);
            onSecret({ endpointId: endpoint.id, secret: rotated.secret });
            onChanged();
          }}
          onClose={() => setAsking(null)}
        >
          <p>
            A new signing secret, shown once. For the next 24 hours every event carries two signatures, the old secret's
            and the new one's, so the receiver can switch over; then only the new secret signs.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'delete' && (
        <ConfirmDialog
          title={`Delete the webhook to ${endpoint.url}?`}
          confirmLabel="Delete webhook"
          onConfirm={async () => {
            await api.webhooks.delete(endpoint.id);
            onChanged();
          }}
          onClose={() => setAsking(null)}
        >
          <p>No more events are sent to it, and its delivery log goes with it. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      <DeliveryLog endpoint={endpoint} />
    </article>
  );
}

export function EventsPage() {
  const { api } = useConsole();
  const endpoints = useLoad(useCallback(() => listAll(api.webhooks.list), [api]));
  const [shown, setShown] = useState<{ endpointId: string; secret: string } | null>(null);
  const { busy, error, run } = useAction();
  const create = (event: FormEvent<HTMLFormElement>, close: () => void) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const events = WEBHOOK_EVENT_TYPES.filter((type) => data.get(type) === 'on');
    const threshold = String(data.get('threshold') ?? '');
    void run(async () => {
      const created = await api.webhooks.create({
        url: String(data.get('url') ?? ''),
        events,
        ...(threshold === '' ? {} : { creditsLowThreshold: Number(threshold) }),
      });
      setShown({ endpointId: created.id, secret: created.secret });
      form.reset();
      close();
      endpoints.reload();
    });
  };
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <p className="help">Webhook endpoints receive signed events about this tenant's keys (docs/webhooks.md).</p>
      <NewPanel label="New endpoint">
        {(close) => (
          <form onSubmit={(event) => create(event, close)} aria-label="Add a webhook endpoint">
            <label htmlFor="endpoint-url">Endpoint URL</label>
            <input id="endpoint-url" name="url" type="url" required maxLength={2000} placeholder="https://…" />
            <fieldset>
              <legend>Events</legend>
              {WEBHOOK_EVENT_TYPES.map((type) => (
                <label key={type}>
                  <input type="checkbox" name={type} defaultChecked={type !== 'key.credits_low'} /> {type}
                </label>
              ))}
            </fieldset>
            <label htmlFor="endpoint-threshold">Credits low below (for key.credits_low)</label>
            <input id="endpoint-threshold" name="threshold" type="number" min={1} />
            <button type="submit" disabled={busy}>
              Add endpoint
            </button>
          </form>
        )}
      </NewPanel>
      <ErrorText error={error ?? endpoints.error} />
      {endpoints.loading && <p role="status">Loading…</p>}
      {endpoints.data?.length === 0 && (
        <p className="empty">
          No webhook endpoints yet: add one with "New endpoint" to hear of keys created, changed, rotated or revoked.
        </p>
      )}
      {(endpoints.data ?? []).map((endpoint) => (
        <EndpointCard key={endpoint.id} endpoint={endpoint} onChanged={endpoints.reload} onSecret={setShown} />
      ))}
      {shown !== null && (
        <SigningSecretDialog endpointId={shown.endpointId} secret={shown.secret} onClose={() => setShown(null)} />
      )}
    </section>
  );
}
