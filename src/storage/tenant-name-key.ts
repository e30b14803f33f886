/**
 * A tenant's name as the unique index compares it (issue 26, migration 0024): two names that read
 * the same to a person, `Acme` and ` acme `, are one. Computed here rather than by SQL `lower()`,
 * which SQLite applies to ASCII letters only: `Zürich` and `ZÜRICH` would differ there.
 */
export function tenantNameKey(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}
