/** Messages on the page: a failure (role=alert, read out at once) or a quiet status line. */
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

export function StatusText({ children }: { children: ReactNode }) {
  return (
    <p className="status" role="status">
      {children}
    </p>
  );
}
