/**
 * The signed-in key lives in this tab's sessionStorage only: gone when the tab closes, never
 * in localStorage, a cookie or a URL. It is stored once sign-in is complete (MFA included).
 */
const STORAGE_NAME = 'keyward.key';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_NAME);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_NAME, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_NAME);
}
