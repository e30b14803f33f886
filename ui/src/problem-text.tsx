/** Messages on the page: a failure (role=alert, read out at once), what stops a form, or a quiet status line. */
import type { ReactNode } from 'react';
import { describeError } from './api';

export function ErrorText({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="error" role="alert">
      {describeError(error)}
    </p>
  );
}

/** `tone="ok"`: a change went through ("Saved."), shown so that it is not missed. */
export function StatusText({ children, tone }: { children: ReactNode; tone?: 'ok' }) {
  return (
    <p className={tone === 'ok' ? 'status saved' : 'status'} role="status">
      {children}
    </p>
  );
}

/** What stops a form from going on (`label` names the list), then why the server refused it, if it did. */
export function FormProblems({
  problems,
  label,
  error,
}: {
  problems: readonly string[];
  label: string;
  error: unknown;
}) {
  return (
    <>
      {problems.length > 0 && (
        <ul className="problems" aria-label={label}>
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <ErrorText error={error} />
    </>
  );
}
