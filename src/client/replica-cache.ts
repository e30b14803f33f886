/**
 * The replica's verdicts (SPEC §4, replica): answers the server gave, keyed by the HMAC of the
 * presented key under this process's secret (verdict-hash.ts) and then by the request's other
 * members that change a verdict (permission, action, resource, clientIp: none of them secret).
 * Indexed by key id and by "asked about a resource", so the change stream evicts what a change
 * reaches; counted per key and code as they are served, for the usage the replica reports.
 *
 * A hit is a hash, three Map lookups (the key's slot, the client's address, the rest) and a
 * counter: no allocation for a verify of a permission, with or without an address; a string of
 * the rest for an action or a resource.
 */
import type { VerifyAnswer, VerifyRequest } from './verifier.js';
import { createVerdictHasher } from './verdict-hash.js';

/** One key's and code's verifies served from the cache since the last report. */
export interface UsageCell {
  readonly keyId: string;
  readonly code: string;
  count: number;
  lastAt: number;
  lastIp: string | undefined;
}

interface Entry {
  readonly answer: VerifyAnswer;
  /** Served until then (the replica's own bound), and never at or past the key's expiry. */
  readonly until: number;
  /** Its own verifies since the last report (summed per key and code when reported). */
  readonly usage: UsageCell;
  readonly aboutResource: boolean;
}

/**
 * One presented key's verdicts, in the map by the digest's first word; its next three tell two
 * keys apart that share it (then the newer one replaces the other: a miss, never a wrong answer).
 */
interface KeyNode {
  readonly check1: number;
  readonly check2: number;
  readonly check3: number;
  readonly keyId: string;
  readonly slot: number;
  /** The verdicts of requests without a `clientIp`, by the rest of the request (`restOf`). */
  readonly verdicts: Map<string, Entry>;
  /** Those of requests with one, by it and then the rest; made for the first (most keys never need it). */
  byIp: Map<string, Map<string, Entry>> | undefined;
  /** Verdicts held under both. */
  size: number;
}

export interface ReplicaCache {
  /** The cached answer to `request` at `now`, counted as served; undefined on a miss. */
  get(request: VerifyRequest, now: number): VerifyAnswer | undefined;
  /** Keeps `answer` (of a key, for that key id) until `until`. */
  set(request: VerifyRequest, answer: VerifyAnswer & { readonly keyId: string }, until: number): void;
  evictKey(keyId: string): void;
  evictResources(): void;
  clear(): void;
  /** Verdicts held. */
  readonly size: number;
  /** The usage counted since the last call, handed over (and forgotten here). */
  takeUsage(): UsageCell[];
}

/**
 * The request's members other than the key and its address, as one string: the permission alone
 * (the caller's own string, whose hash V8 keeps: no allocation) for the common verify of a
 * permission or of nothing (''); otherwise all of them, after a newline no permission can hold.
 */
function restOf(request: VerifyRequest): string {
  const { permission, resource, action } = request;
  if (action === undefined && resource === undefined && permission !== '') return permission ?? '';
  // None of permission, action, type or id can hold a newline (their patterns); externalId, last, may.
  return `\n${permission ?? ''}\n${action ?? ''}\n${resource?.type ?? ''}\n${resource?.id ?? ''}\n${resource?.externalId ?? ''}`;
}

/** A key's tables of verdicts: without an address, then one per address (an emptied one stays: rare, and small). */
function tablesOf(node: KeyNode): Map<string, Entry>[] {
  return node.byIp === undefined ? [node.verdicts] : [node.verdicts, ...node.byIp.values()];
}

export function createReplicaCache(maxEntries: number): ReplicaCache {
  const hasher = createVerdictHasher();
  const digest = hasher.digest;
  /** By the digest's first word (a small integer: no allocation to look up); insertion-ordered, oldest first. */
  const nodes = new Map<number, KeyNode>();
  /** A key's nodes: nearly always one (its secret; a rotated-out one in its grace is a second), held bare. */
  const byKeyId = new Map<string, KeyNode | KeyNode[]>();
  /** Counts of verdicts dropped before they were reported. */
  let retired: UsageCell[] = [];
  let size = 0;

  const slotOf = (): number => digest[0] as number;
  const matches = (node: KeyNode): boolean =>
    node.check1 === digest[1] && node.check2 === digest[2] && node.check3 === digest[3];

  function retire(entry: Entry): void {
    if (entry.usage.count > 0) retired.push(entry.usage);
  }

  function retireAll(node: KeyNode): void {
    for (const table of tablesOf(node)) for (const entry of table.values()) retire(entry);
  }

  function dropNode(node: KeyNode): void {
    nodes.delete(node.slot);
    size -= node.size;
    retireAll(node);
    const ofKey = byKeyId.get(node.keyId);
    if (ofKey === node) byKeyId.delete(node.keyId);
    else if (Array.isArray(ofKey)) {
      const left = ofKey.filter((other) => other !== node);
      if (left.length === 1) byKeyId.set(node.keyId, left[0] as KeyNode);
      else byKeyId.set(node.keyId, left);
    }
  }

  return {
    get(request, now) {
      if (!hasher.hash(request.key)) return undefined;
      const node = nodes.get(slotOf());
      if (node === undefined || !matches(node)) return undefined;
      const ip = request.clientIp;
      const ofIp = ip === undefined ? node.verdicts : node.byIp?.get(ip);
      if (ofIp === undefined) return undefined;
      const rest = restOf(request);
      const entry = ofIp.get(rest);
      if (entry === undefined) return undefined;
      if (entry.until <= now) {
        retire(entry);
        ofIp.delete(rest);
        if (ofIp.size === 0 && ip !== undefined) node.byIp?.delete(ip);
        node.size--;
        size--;
        if (node.size === 0) dropNode(node);
        return undefined;
      }
      const cell = entry.usage;
      cell.count++;
      cell.lastAt = now;
      cell.lastIp = request.clientIp;
      return entry.answer;
    },
    set(request, answer, until) {
      if (maxEntries <= 0 || !hasher.hash(request.key)) return;
      const slot = slotOf();
      let node = nodes.get(slot);
      if (node !== undefined && (!matches(node) || node.keyId !== answer.keyId)) {
        dropNode(node);
        node = undefined;
      }
      if (node === undefined) {
        node = {
          check1: digest[1] as number,
          check2: digest[2] as number,
          check3: digest[3] as number,
          keyId: answer.keyId,
          slot,
          verdicts: new Map(),
          byIp: undefined,
          size: 0,
        };
        nodes.set(slot, node);
        const ofKey = byKeyId.get(answer.keyId);
        byKeyId.set(answer.keyId, ofKey === undefined ? node : [...(Array.isArray(ofKey) ? ofKey : [ofKey]), node]);
      }
      const ip = request.clientIp;
      let ofIp = node.verdicts;
      if (ip !== undefined) {
        node.byIp ??= new Map();
        ofIp = node.byIp.get(ip) ?? new Map();
        node.byIp.set(ip, ofIp);
      }
      const rest = restOf(request);
      const replaced = ofIp.get(rest);
      if (replaced === undefined) {
        node.size++;
        size++;
      } else retire(replaced);
      // Frozen: every caller served from the cache shares this object.
      ofIp.set(rest, {
        answer: Object.freeze(answer),
        until,
        usage: { keyId: answer.keyId, code: answer.code, count: 0, lastAt: 0, lastIp: undefined },
        aboutResource: request.resource !== undefined,
      });
      while (size > maxEntries) {
        const oldest = nodes.values().next();
        if (oldest.done === true) break;
        dropNode(oldest.value);
      }
    },
    evictKey(keyId) {
      const ofKey = byKeyId.get(keyId);
      for (const node of ofKey === undefined ? [] : Array.isArray(ofKey) ? [...ofKey] : [ofKey]) dropNode(node);
    },
    evictResources() {
      for (const node of [...nodes.values()]) {
        for (const table of tablesOf(node))
          for (const [rest, entry] of table) {
            if (!entry.aboutResource) continue;
            retire(entry);
            table.delete(rest);
            node.size--;
            size--;
          }
        if (node.size === 0) dropNode(node);
      }
    },
    clear() {
      for (const node of nodes.values()) retireAll(node);
      nodes.clear();
      byKeyId.clear();
      size = 0;
    },
    get size() {
      return size;
    },
    takeUsage() {
      const summed = new Map<string, UsageCell>();
      const add = (cell: UsageCell): void => {
        if (cell.count === 0) return;
        const name = `${cell.keyId} ${cell.code}`;
        const into = summed.get(name);
        if (into === undefined) summed.set(name, { ...cell });
        else {
          into.count += cell.count;
          if (cell.lastAt >= into.lastAt) {
            into.lastAt = cell.lastAt;
            into.lastIp = cell.lastIp;
          }
        }
        cell.count = 0;
      };
      for (const cell of retired) add(cell);
      retired = [];
      for (const node of nodes.values())
        for (const table of tablesOf(node)) for (const entry of table.values()) add(entry.usage);
      return [...summed.values()];
    },
  };
}
