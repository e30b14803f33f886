/**
 * Keys → Create a key: loads what the wizard offers (environments, users, policies, groups,
 * the tenant's settings), runs it, then shows the new secret once and opens the key's page.
 * What this key may not read (environments and settings need tenant.manage) is simply absent.
 */
import { useCallback, useState } from 'react';
import { holds, listAll, type CreatedKeyObject, type CreateKeyInput } from './api';
import { useConsole } from './console-context';
import { KeyWizard } from './key-wizard';
import { ErrorText } from './problem-text';
import { useResourceSearch } from './grants-dialog';
import { SecretDialog } from './secret-dialog';
import { expiryRulesFor } from './settings';
import { useLoad } from './use-load';
import { go } from './use-route';

export function NewKeyPage() {
  const { api, me, model, grantor, tenantId } = useConsole();
  const [created, setCreated] = useState<CreatedKeyObject | null>(null);
  const manager = holds(me, 'tenant.manage');
  const context = useLoad(
    useCallback(async () => {
      const [environments, users, policies, groups, tenant] = await Promise.all([
        manager ? listAll(api.environments.list) : Promise.resolve([]),
        listAll(api.users.list),
        listAll(api.policies.list),
        listAll(api.groups.list),
        manager ? api.tenants.get(tenantId) : Promise.resolve(null),
      ]);
      return { environments, users, policies, groups, tenant };
    }, [api, manager, tenantId]),
  );
  const searchResources = useResourceSearch();

  if (context.data === null)
    return context.loading ? <p role="status">Loading…</p> : <ErrorText error={context.error} />;
  const { environments, users, policies, groups, tenant } = context.data;
  const create = async (input: CreateKeyInput) => setCreated(await api.keys.create(input));

  return (
    <>
      <KeyWizard
        model={model}
        me={me}
        grantor={grantor}
        environments={environments}
        users={users}
        policies={policies}
        groups={groups}
        rulesFor={(draft) =>
          expiryRulesFor(
            draft.kind,
            environments.find((environment) => environment.id === draft.environmentId),
            tenant,
          )
        }
        create={create}
        onCancel={() => go('keys')}
        searchResources={searchResources}
      />
      {created !== null && (
        <SecretDialog
          title="Key created"
          keyId={created.id}
          secret={created.key}
          warnings={created.warnings ?? []}
          onClose={() => go('keys', created.id)}
        />
      )}
    </>
  );
}
