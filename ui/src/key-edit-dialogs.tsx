/**
 * Two edits of a key beside its grants: its metadata as JSON (checked as typed, the problem named
 * under the field), and the policies linked to it (any of its environment's or the tenant-wide
 * ones; the server refuses one that gives what the signed-in key may not hand out).
 */
import { useState, type FormEvent } from 'react';
import type { KeyObject, PolicyObject } from './api';
import { useConsole } from './console-context';
import { Dialog, SubmitOrCancel } from './dialog';
import { checkMetadata, metadataText } from './metadata-json';
import { ErrorText } from './problem-text';
import { useAction } from './use-action';

interface KeyEditProps {
  readonly target: KeyObject;
  readonly onSaved: (key: KeyObject) => void;
  readonly onClose: () => void;
}

export function MetadataDialog({ target, onSaved, onClose }: KeyEditProps) {
  const { api } = useConsole();
  const [text, setText] = useState(metadataText(target.metadata));
  const { busy, error, run } = useAction();
  const checked = checkMetadata(text);
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!checked.ok) return;
    void run(async () => {
      onSaved(await api.keys.update(target.id, { metadata: checked.value }));
      onClose();
    });
  };
  return (
    <Dialog title={`Metadata of ${target.name}`} onClose={onClose}>
      <form onSubmit={save}>
        <label htmlFor="key-metadata">Metadata (JSON object)</label>
        <textarea
          id="key-metadata"
          className="json"
          rows={10}
          value={text}
          spellCheck={false}
          aria-invalid={!checked.ok}
          aria-describedby="key-metadata-check"
          onChange={(event) => setText(event.target.value)}
        />
        <p id="key-metadata-check" className={checked.ok ? 'help' : 'error'}>
          {checked.ok
            ? `${Object.keys(checked.value).length} propert${Object.keys(checked.value).length === 1 ? 'y' : 'ies'}; verify answers carry it.`
            : checked.problem}
        </p>
        <ErrorText error={error} />
        <SubmitOrCancel label="Save metadata" disabled={busy || !checked.ok} onCancel={onClose} />
      </form>
    </Dialog>
  );
}

export function LinkPoliciesDialog({
  target,
  policies,
  onSaved,
  onClose,
}: KeyEditProps & { policies: readonly PolicyObject[] }) {
  const { api } = useConsole();
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(target.policyIds));
  const { busy, error, run } = useAction();
  const fitting = policies.filter(
    (policy) => policy.environmentId === null || policy.environmentId === target.environmentId,
  );
  const flip = (id: string) => {
    const next = new Set(chosen);
    if (!next.delete(id)) next.add(id);
    setChosen(next);
  };
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async () => {
      onSaved(await api.keys.update(target.id, { policyIds: [...chosen] }));
      onClose();
    });
  };
  const added = [...chosen].filter((id) => !target.policyIds.includes(id)).length;
  const removed = target.policyIds.filter((id) => !chosen.has(id)).length;
  return (
    <Dialog title={`Policies of ${target.name}`} onClose={onClose}>
      <form onSubmit={save}>
        <p className="help">A linked policy's grants count as the key's own; its limits are shared by its keys.</p>
        {fitting.length === 0 ? (
          <p className="empty">No policy applies in this key's environment: create one on the Policies page.</p>
        ) : (
          <fieldset className="checks">
            <legend>Linked policies</legend>
            {fitting.map((policy) => (
              <label key={policy.id} title={policy.id}>
                <input type="checkbox" checked={chosen.has(policy.id)} onChange={() => flip(policy.id)} /> {policy.name}{' '}
                <span className="help">{policy.environmentId === null ? 'tenant-wide' : ''}</span>
              </label>
            ))}
          </fieldset>
        )}
        <p className="help" role="status">
          {added === 0 && removed === 0
            ? 'No change yet.'
            : `Links ${added}, unlinks ${removed}: the key's access changes at once.`}
        </p>
        <ErrorText error={error} />
        <SubmitOrCancel label="Save policies" disabled={busy || (added === 0 && removed === 0)} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
