/**
 * Root's chosen tenant, kept in this tab's sessionStorage beside the key (session.ts), so that a
 * reload goes on in the same tenant instead of asking again. An id is no secret; it is forgotten
 * on sign-out and on "Switch tenant".
 */
const STORAGE_NAME = 'keyward.tenant';

export function storedTenant(): string | null {
  const id = sessionStorage.getItem(STORAGE_NAME);
  return id !== null && /^ten_[0-9a-z]{26}$/.test(id) ? id : null;
}

export function storeTenant(id: string | null): void {
  if (id === null) sessionStorage.removeItem(STORAGE_NAME);
  else sessionStorage.setItem(STORAGE_NAME, id);
}
