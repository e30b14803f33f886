/**
 * A thing shown by its name, its id on hover and a click away from the clipboard: where a page
 * knows the name (an audit event's actor and target, a key's owner) a person reads that, and the
 * id is still there for a support ticket or a filter.
 */
import { useState } from 'react';

export function NamedId({ name, id }: { name: string | undefined; id: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard
      ?.writeText(id)
      .then(() => setCopied(true))
      .catch(() => setCopied(false));
  };
  return (
    <span className="named">
      {name === undefined ? <code title={id}>{id}</code> : <span title={id}>{name}</span>}
      <button type="button" className="link copy-id" onClick={copy} aria-label={`Copy id ${id}`} title={`Copy ${id}`}>
        {copied ? 'copied' : 'copy id'}
      </button>
    </span>
  );
}
