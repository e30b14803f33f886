/**
 * A filtered audit view as a file (issue 26 item 6): CSV for a spreadsheet, JSON for a script.
 * It walks the same pages `GET /v1/audit` answers, the largest at a time, and yields each as it
 * is read, so an export of a long log is streamed in bounded memory rather than built whole.
 * A cell that starts like a formula is quoted with a leading apostrophe, so an opened CSV never
 * runs what an attacker put in a name (OWASP's CSV injection advice).
 */
import type { AuditEventObject, ExportAuditInput } from '../../api/audit.js';
import type { Result } from '../../core/error-codes.js';
import { ok } from '../../core/error-codes.js';
import type { Caller, ServiceDeps } from '../deps.js';
import { listAuditEvents } from './audit.service.js';

/** The largest page `GET /v1/audit` answers: the export reads at that stride. */
const STRIDE = 100;

export interface AuditExport {
  readonly contentType: string;
  readonly fileName: string;
  readonly chunks: AsyncIterable<string>;
}

const CSV_COLUMNS = [
  'at',
  'action',
  'outcome',
  'status',
  'actor',
  'actorKeyId',
  'targetType',
  'targetId',
  'targetName',
  'environmentId',
  'requestId',
  'sourceIp',
  'details',
] as const;

/** One CSV field: quoted when it must be, defused when a spreadsheet would read it as a formula. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function actorText(event: AuditEventObject): string {
  if (event.actor.type === 'operator') return 'operator';
  if (event.actor.type === 'none') return '';
  return event.actorName ?? event.actor.keyId;
}

export function csvRow(event: AuditEventObject): string {
  const cells = [
    event.at,
    event.action,
    event.outcome,
    event.status,
    actorText(event),
    event.actorKeyId,
    event.target?.type,
    event.target?.id,
    event.targetName,
    event.environmentId,
    event.requestId,
    event.sourceIp,
    event.details,
  ];
  return `${cells.map(csvField).join(',')}\r\n`;
}

async function* pagesFrom(
  deps: ServiceDeps,
  caller: Caller,
  query: ExportAuditInput,
  first: { items: AuditEventObject[]; nextCursor: string | null },
): AsyncGenerator<AuditEventObject[]> {
  let page = first;
  yield page.items;
  while (page.nextCursor !== null) {
    const next = await listAuditEvents(deps, caller, { ...query, limit: STRIDE, cursor: page.nextCursor });
    // The first page passed every check the later ones meet; a failure now is the storage's.
    if (!next.ok) throw new Error(`audit export stopped: ${next.problem.code} ${next.problem.detail}`);
    page = next.value;
    yield page.items;
  }
}

async function* csvChunks(pages: AsyncIterable<AuditEventObject[]>): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  for await (const items of pages) if (items.length > 0) yield items.map(csvRow).join('');
}

async function* jsonChunks(pages: AsyncIterable<AuditEventObject[]>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const items of pages) {
    for (const item of items) {
      yield `${first ? '\n' : ',\n'}${JSON.stringify(item)}`;
      first = false;
    }
  }
  yield '\n]\n';
}

/** The export of what `GET /v1/audit` would list with these filters; a bad filter fails before a byte is sent. */
export async function exportAudit(
  deps: ServiceDeps,
  caller: Caller,
  input: ExportAuditInput,
): Promise<Result<AuditExport>> {
  const { format, ...query } = input;
  const first = await listAuditEvents(deps, caller, { ...query, limit: STRIDE });
  if (!first.ok) return first;
  const pages = pagesFrom(deps, caller, query, first.value);
  const stamp = new Date(deps.clock.now()).toISOString().slice(0, 10);
  return format === 'json'
    ? ok({ contentType: 'application/json', fileName: `audit-${stamp}.json`, chunks: jsonChunks(pages) })
    : ok({ contentType: 'text/csv; charset=utf-8', fileName: `audit-${stamp}.csv`, chunks: csvChunks(pages) });
}
