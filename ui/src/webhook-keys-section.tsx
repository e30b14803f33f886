/**
 * A webhook's webhook keys (SPEC §4): the signing secrets its senders (Slack, GitHub, Standard
 * Webhooks) sign with, listed by hint; create one (generated, or the sender's secret imported),
 * rotate it with a grace, delete it. A new secret is shown once, in a dialog, and never again.
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { Api, CreatedWebhookKeyObject, WebhookKeyObject } from './api';
import { ConfirmDialog } from './confirm-dialog';
import { when } from './format';
import { ErrorText } from './problem-text';
import { SecretDialog } from './secret-dialog';
import { useAction } from './use-action';
import { useLoad } from './use-load';

const SCHEMES = ['slack', 'github', 'standard'] as const;
type Scheme = (typeof SCHEMES)[number];
const isScheme = (value: string): value is Scheme => (SCHEMES as readonly string[]).includes(value);

export interface WebhookKeysSectionProps {
  /** The webhook resource the keys are bound to, and its environment. */
  readonly webhook: { readonly id: string; readonly name: string; readonly environmentId?: string | undefined };
  readonly client: Pick<Api['webhookKeys'], 'list' | 'create' | 'rotate' | 'delete'>;
}

function CreateWebhookKey({
  webhook,
  client,
  onCreated,
}: WebhookKeysSectionProps & { onCreated: (created: CreatedWebhookKeyObject) => void }) {
  const [scheme, setScheme] = useState<Scheme>('slack');
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const secret = String(data.get('secret') ?? '');
    void run(async () => {
      const created = await client.create({
        name: String(data.get('name') ?? '').trim(),
        scheme,
        webhookId: webhook.id,
        ...(webhook.environmentId === undefined ? {} : { environmentId: webhook.environmentId }),
        ...(secret === '' ? {} : { secret }),
      });
      form.reset();
      onCreated(created);
    });
  };
  return (
    <form onSubmit={submit} className="grid panel" aria-labelledby="create-webhook-key-title">
      <h3 id="create-webhook-key-title">Add a webhook key</h3>
      <label htmlFor="webhook-key-name">Webhook key name</label>
      <input id="webhook-key-name" name="name" required maxLength={200} />
      <label htmlFor="webhook-key-scheme">Signed by</label>
      <select
        id="webhook-key-scheme"
        value={scheme}
        onChange={(event) => isScheme(event.target.value) && setScheme(event.target.value)}
      >
        <option value="slack">Slack (X-Slack-Signature)</option>
        <option value="github">GitHub (X-Hub-Signature-256)</option>
        <option value="standard">Standard Webhooks (whsec_)</option>
      </select>
      <label htmlFor="webhook-key-secret">Sender&apos;s secret (empty: generate one)</label>
      <input id="webhook-key-secret" name="secret" type="password" autoComplete="off" maxLength={256} />
      <div className="span">
        <ErrorText error={error} />
        <button type="submit" disabled={busy}>
          Add webhook key
        </button>
      </div>
    </form>
  );
}

function Row({
  item,
  client,
  onSecret,
  onChanged,
}: {
  item: WebhookKeyObject;
  client: WebhookKeysSectionProps['client'];
  onSecret: (created: CreatedWebhookKeyObject) => void;
  onChanged: () => void;
}) {
  const { busy, error, run } = useAction();
  const rotate = () => run(async () => onSecret(await client.rotate(item.id)));
  const [deleting, setDeleting] = useState(false);
  return (
    <li>
      <strong>{item.name}</strong> <span className="tag">{item.scheme}</span> <code className="id">{item.id}</code>{' '}
      <span className="help">
        secret …{item.secretHint}
        {item.previousSecretValidUntil === null
          ? ''
          : `; the previous one verifies until ${when(item.previousSecretValidUntil)}`}
      </span>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => void rotate()}>
          Rotate {item.name}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => setDeleting(true)}>
          Delete {item.name}
        </button>
      </div>
      <ErrorText error={error} />
      {deleting && (
        <ConfirmDialog
          title={`Delete webhook key ${item.name}?`}
          confirmLabel="Delete webhook key"
          onConfirm={async () => {
            await client.delete(item.id);
            onChanged();
          }}
          onClose={() => setDeleting(false)}
        >
          <p>
            Its secret (…{item.secretHint}) is destroyed: verify refuses every delivery signed with it from now on. This
            cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}

export function WebhookKeysSection({ webhook, client }: WebhookKeysSectionProps) {
  const keys = useLoad(useCallback(() => client.list({ webhookId: webhook.id, limit: 100 }), [client, webhook.id]));
  const [secret, setSecret] = useState<CreatedWebhookKeyObject | null>(null);
  const shown = (created: CreatedWebhookKeyObject) => {
    setSecret(created);
    keys.reload();
  };
  return (
    <section aria-labelledby="webhook-keys-title">
      <h3 id="webhook-keys-title">Webhook keys</h3>
      <p className="help">
        The secrets senders sign this webhook&apos;s requests with. Your service asks Keyward whether a request&apos;s
        signature verifies, and never holds them.
      </p>
      <ErrorText error={keys.error} />
      {keys.data?.items.length === 0 && <p>No webhook key yet.</p>}
      <ul className="item-list" aria-label={`Webhook keys of ${webhook.name}`}>
        {keys.data?.items.map((item) => (
          <Row key={item.id} item={item} client={client} onSecret={shown} onChanged={keys.reload} />
        ))}
      </ul>
      <CreateWebhookKey webhook={webhook} client={client} onCreated={shown} />
      {secret !== null && (
        <SecretDialog
          title={`Secret of ${secret.name}`}
          keyId={secret.id}
          secret={secret.secret}
          what="secret"
          onClose={() => setSecret(null)}
        />
      )}
    </section>
  );
}
