import { AUDIT_ACTIONS, AUDIT_SCHEMAS } from "@/emulator/audit-catalog";
import { castOf, composeEntry, formatUuid, pickAction, storedId, type Cast, type Entity } from "@/emulator/audit-events";
import { auditError, checkToken } from "@/emulator/auth";
import { json, type Reply, type RequestContext } from "@/emulator/http";
import { createRandom, randomAt, type Random } from "@/emulator/random";
import type { AuditEntry, BulkAuditConfig, EmulatorState } from "@/emulator/state";

// The Audit Logs API (reference §1): GET /audit/v1/logs for an org-installed owner token with
// auditlogs:read, and the unauthenticated /schemas and /actions. Events live in
// state.auditEntries, or, in bulk mode, are derived on demand from a seed and their index so that a
// benchmark can page through a hundred million of them without the emulator holding any.
//
// Serving order is newest first. Within one second the order is fixed (stored events in the order
// they were added, then bulk events by index) so that a cursor can point into the middle of a
// second; Slack does not say how it orders ties, and no client can see the difference because every
// row of a second has the same date_create.

const AUDIT_SCOPE = "auditlogs:read";
const MAX_LIMIT = 9999;
// UNCONFIRMED (reference §1.2, §9): Slack does not document the default. 100 is the Web API's usual
// cursor default; a puller that forgets `limit` still works, only with more calls against Tier 3.
const DEFAULT_LIMIT = 100;
const MAX_ACTIONS = 30;
// A page finishes the second its last row falls in (reference §1.4), but not without end: past this
// many extra rows it stops mid-second and the cursor remembers how far into the second it got.
const TIE_OVERFLOW_CAP = MAX_LIMIT;
// Rows examined per request. Only a filter that matches little of a bulk window reaches it; the page
// then comes back short or empty with a cursor, which is why Sekoia's connector treats "the cursor as
// progress" (reference §7).
const SCAN_BUDGET = 50_000;
// UNCONFIRMED: cursors expire (reference §1.4, pitfall 4) after a lifetime Slack does not state.
const CURSOR_LIFETIME_SECONDS = 15 * 60;
const HISTORY_EVENTS = 600;
const HISTORY_SECONDS = 24 * 60 * 60;
// Ground truth in bulk mode pages ids instead of listing millions at once.
const GROUND_TRUTH_BULK_PAGE = 1000;
const GROUND_TRUTH_MAX_PAGE = 1_000_000;

// ---------------------------------------------------------------------------------------------
// Stored events

/** First index whose date_create is ≥ time (entries ascending). */
function lowerBound(entries: readonly AuditEntry[], time: number): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (entries[middle]!.date_create < time) low = middle + 1;
    else high = middle;
  }
  return low;
}
const upperBound = (entries: readonly AuditEntry[], time: number) => lowerBound(entries, Math.floor(time) + 1);

function storeEntries(state: EmulatorState, entries: AuditEntry[]) {
  const enterpriseId = state.world.enterprise.id;
  const stored = state.auditEntries.get(enterpriseId) ?? [];
  for (const entry of entries) {
    // Appending keeps the order; an earlier clock (tests move time) inserts after its second's rows.
    if (!stored.length || stored.at(-1)!.date_create <= entry.date_create) stored.push(entry);
    else stored.splice(upperBound(stored, entry.date_create), 0, entry);
  }
  state.auditEntries.set(enterpriseId, stored);
}

/**
 * Stores entries exactly as given, whatever else they contain or lack, so tests can serve the odd
 * records a puller must quarantine. Only `id` and a whole-second `date_create` are needed to place
 * and track them.
 */
export function injectAuditEntries(state: EmulatorState, entries: AuditEntry[]): void {
  storeEntries(state, [...entries].sort((a, b) => a.date_create - b.date_create));
}

/** Forgets stored events older than `before` (and whether they were served), oldest first. */
export function pruneAuditEntries(state: EmulatorState, before: number): number {
  const stored = state.auditEntries.get(state.world.enterprise.id);
  if (!stored?.length || stored[0]!.date_create >= before) return 0;
  const removed = stored.splice(0, lowerBound(stored, before));
  const ledger = ledgerOf(state);
  for (const entry of removed) ledger.storedTimes.delete(entry.id);
  return removed.length;
}

/** A plausible last day: ~600 events, some in the same second, ascending. */
export function seedAuditHistory(state: EmulatorState, now: number): void {
  const random = state.random.fork("audit-history");
  const cast = castOf(state.world);
  const times: number[] = [];
  for (let index = 0; index < HISTORY_EVENTS; index += 1) {
    const previous = times.at(-1);
    times.push(previous !== undefined && random.chance(0.12) ? previous : now - HISTORY_SECONDS + random.int(0, HISTORY_SECONDS - 1));
  }
  times.sort((left, right) => left - right);
  storeEntries(
    state,
    times.map((time) => composeEntry(random, cast, time, storedId)),
  );
}

/** `count` new events at `now`, all in the same second, from the emulator's seeded generator. */
export function generateAuditEvents(state: EmulatorState, count: number, now: number): AuditEntry[] {
  const cast = castOf(state.world);
  const created = Array.from({ length: count }, () => composeEntry(state.random, cast, now, storedId));
  storeEntries(state, created);
  return created;
}

// ---------------------------------------------------------------------------------------------
// Bulk events: event i happens at oldest + floor(i · span / count), its content from randomAt(seed, i).

/** floor(a · b / c) for non-negative integers, exact even where a · b passes 2^53. */
function multiplyDivide(a: number, b: number, c: number): number {
  const product = a * b;
  if (!Number.isSafeInteger(product)) return Number((BigInt(a) * BigInt(b)) / BigInt(c));
  // Float division can round up across an integer; correct it with exact integer products.
  let quotient = Math.floor(product / c);
  while (quotient * c > product) quotient -= 1;
  while ((quotient + 1) * c <= product) quotient += 1;
  return quotient;
}

const bulkSpan = (bulk: BulkAuditConfig) => bulk.latest - bulk.oldest + 1;
const bulkTime = (bulk: BulkAuditConfig, index: number) => bulk.oldest + multiplyDivide(index, bulkSpan(bulk), bulk.count);

/** The first bulk index whose time is ≥ time: ceil((time − oldest) · count / span). */
function bulkIndexAtOrAfter(bulk: BulkAuditConfig, time: number): number {
  if (time <= bulk.oldest) return 0;
  if (time > bulk.latest) return bulk.count;
  const span = BigInt(bulkSpan(bulk));
  return Number((BigInt(Math.ceil(time) - bulk.oldest) * BigInt(bulk.count) + span - 1n) / span);
}

const ID_MASK = (1n << 48n) - 1n;
// Odd, so multiplying by it permutes 48-bit numbers: every index gets its own id suffix.
const ID_MULTIPLIER = 0x5deece66dn;
const idSalts = new Map<string, bigint>();

/** 20 random hex digits and 12 that are a bijection of the index, so ids never collide in bulk. */
function bulkId(bulk: BulkAuditConfig, index: number, random: Random): string {
  let salt = idSalts.get(bulk.seed);
  if (salt === undefined) {
    const saltRandom = createRandom(`${bulk.seed}:ids`);
    salt = (BigInt(saltRandom.int(0, 0xffffff)) << 24n) | BigInt(saltRandom.int(0, 0xffffff));
    idSalts.set(bulk.seed, salt);
  }
  const suffix = ((BigInt(index) * ID_MULTIPLIER + salt) & ID_MASK).toString(16).padStart(12, "0");
  return formatUuid(`${random.hex(20)}${suffix}`);
}

function bulkEntry(cast: Cast, bulk: BulkAuditConfig, index: number): AuditEntry {
  return composeEntry(randomAt(bulk.seed, index), cast, bulkTime(bulk, index), (random) => bulkId(bulk, index, random));
}

const bulkAction = (bulk: BulkAuditConfig, index: number) => pickAction(randomAt(bulk.seed, index)).action;

export function configureBulkAudit(state: EmulatorState, config: BulkAuditConfig | null): void {
  state.bulkAudit = config;
}

// ---------------------------------------------------------------------------------------------
// One newest-first stream over stored and bulk events

type Source = { cast: Cast; stored: readonly AuditEntry[]; bulk: BulkAuditConfig | null };

/**
 * A place in the stream: every row with date_create < at, plus the rows of second `at` after the
 * first `skip`. What a cursor carries; it says nothing about `oldest`, as Slack's does not (§1.4).
 */
type Position = { at: number; skip: number };
type Row = { at: number; offset: number; kind: "stored" | "bulk"; index: number };

function sourceOf(state: EmulatorState): Source {
  const enterpriseId = state.world.enterprise.id;
  const bulk = state.bulkAudit?.enterpriseId === enterpriseId ? state.bulkAudit : null;
  return { cast: castOf(state.world), stored: state.auditEntries.get(enterpriseId) ?? [], bulk };
}

/** The newest second ≤ time that has any row, or null. */
function newestSecondAtOrBefore(source: Source, time: number): number | null {
  const storedIndex = upperBound(source.stored, time) - 1;
  const storedTime = storedIndex >= 0 ? source.stored[storedIndex]!.date_create : -Infinity;
  const bulkIndex = source.bulk ? bulkIndexAtOrAfter(source.bulk, Math.floor(time) + 1) - 1 : -1;
  const bulkLatest = source.bulk && bulkIndex >= 0 ? bulkTime(source.bulk, bulkIndex) : -Infinity;
  const newest = Math.max(storedTime, bulkLatest);
  return Number.isFinite(newest) ? newest : null;
}

function* walk(source: Source, start: Position, floor: number): Generator<Row> {
  let at = newestSecondAtOrBefore(source, start.at);
  let skip = at === start.at ? start.skip : 0;
  while (at !== null && at >= floor) {
    const storedFrom = lowerBound(source.stored, at);
    const storedCount = upperBound(source.stored, at) - storedFrom;
    const bulkFrom = source.bulk ? bulkIndexAtOrAfter(source.bulk, at) : 0;
    const rowCount = storedCount + (source.bulk ? bulkIndexAtOrAfter(source.bulk, at + 1) - bulkFrom : 0);
    for (let offset = skip; offset < rowCount; offset += 1) {
      yield offset < storedCount ? { at, offset, kind: "stored", index: storedFrom + offset } : { at, offset, kind: "bulk", index: bulkFrom + offset - storedCount };
    }
    skip = 0;
    at = newestSecondAtOrBefore(source, at - 1);
  }
}

const entryOf = (source: Source, row: Row): AuditEntry => (row.kind === "stored" ? source.stored[row.index]! : bulkEntry(source.cast, source.bulk!, row.index));

/** Rows with date_create in [from, to]. */
function countRows(source: Source, from: number, to: number): number {
  if (from > to) return 0;
  const stored = upperBound(source.stored, to) - lowerBound(source.stored, from);
  const bulk = source.bulk ? bulkIndexAtOrAfter(source.bulk, Math.floor(to) + 1) - bulkIndexAtOrAfter(source.bulk, from) : 0;
  return stored + bulk;
}

/** The position of the k-th row (0 = newest) of the window, found by bisecting on time. */
function positionAtOffset(source: Source, floor: number, ceiling: number, offset: number): Position | null {
  if (offset >= countRows(source, floor, ceiling)) return null;
  const times = [source.stored[0]?.date_create, source.stored.at(-1)?.date_create, source.bulk?.oldest, source.bulk?.latest].filter((time): time is number => time !== undefined);
  let low = Math.max(floor, Math.min(...times));
  let high = Math.min(ceiling, Math.max(...times));
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (countRows(source, middle, ceiling) > offset) low = middle;
    else high = middle - 1;
  }
  return { at: low, skip: offset - countRows(source, low + 1, ceiling) };
}

// ---------------------------------------------------------------------------------------------
// What has been served (ground truth for tests and benchmarks)

type ServedLedger = {
  storedTimes: Map<string, number>;
  storedRows: number;
  bulk: BulkAuditConfig | null;
  /** One bit per bulk index: 12.5 MB at a hundred million events. */
  bulkSeen: Uint8Array | null;
  bulkDistinct: number;
  bulkRows: number;
};

// Keyed by the event store, which a reset replaces, so a reset forgets what was served with it.
const ledgers = new WeakMap<Map<string, AuditEntry[]>, ServedLedger>();

function ledgerOf(state: EmulatorState): ServedLedger {
  let ledger = ledgers.get(state.auditEntries);
  if (!ledger) {
    ledger = { storedTimes: new Map(), storedRows: 0, bulk: null, bulkSeen: null, bulkDistinct: 0, bulkRows: 0 };
    ledgers.set(state.auditEntries, ledger);
  }
  if (ledger.bulk !== state.bulkAudit) {
    Object.assign(ledger, { bulk: state.bulkAudit, bulkSeen: null, bulkDistinct: 0, bulkRows: 0 });
  }
  return ledger;
}

function recordServed(ledger: ServedLedger, row: Row, entry: AuditEntry) {
  if (row.kind === "stored") {
    ledger.storedTimes.set(entry.id, (ledger.storedTimes.get(entry.id) ?? 0) + 1);
    ledger.storedRows += 1;
    return;
  }
  ledger.bulkSeen ??= new Uint8Array(Math.ceil((ledger.bulk?.count ?? 0) / 8));
  const byte = row.index >>> 3;
  const bit = 1 << (row.index & 7);
  if (!(ledger.bulkSeen[byte]! & bit)) {
    ledger.bulkSeen[byte]! |= bit;
    ledger.bulkDistinct += 1;
  }
  ledger.bulkRows += 1;
}

function wasServed(ledger: ServedLedger, row: Row, id: string): boolean {
  if (row.kind === "stored") return ledger.storedTimes.has(id);
  return Boolean(ledger.bulkSeen && ledger.bulkSeen[row.index >>> 3]! & (1 << (row.index & 7)));
}

// ---------------------------------------------------------------------------------------------
// GET /audit/v1/logs

type LogsQuery = {
  oldest: number | null;
  latest: number | null;
  limit: number;
  actions: Set<string> | null;
  actor: string | null;
  entity: string | null;
  cursor: Position | null;
};

/**
 * Only an org-wide install's user token with auditlogs:read gets in (reference §1.1). Failures carry
 * a non-2xx status and an ok:false body (§1.8); which code Slack picks for the wrong kind of token
 * is UNCONFIRMED.
 */
function refuseToken(context: RequestContext): Reply | null {
  const check = checkToken(context);
  if (!check.ok) return auditError(401, check.error);
  const { token } = check;
  if (token.kind !== "user") return auditError(403, "not_allowed_token_type");
  // A workspace outside any Enterprise org has no Audit Logs API at all: a plan error.
  if (token.enterpriseId !== context.state.world.enterprise.id) return auditError(403, "feature_not_enabled");
  // Installed on one workspace of the org instead of the org itself: the fix is to reinstall.
  if (!token.isEnterpriseInstall) return auditError(403, "not_allowed_token_type");
  if (!token.scopes.includes(AUDIT_SCOPE)) return auditError(403, "missing_scope", { needed: AUDIT_SCOPE, provided: token.scopes.join(",") });
  return null;
}

const invalidArguments = (detail: string): Reply => auditError(400, "invalid_arguments", { detail });

/** A whole number of seconds or items; an empty parameter counts as absent. */
function wholeNumber(value: string | null): number | null | "invalid" {
  if (value === null || value === "") return null;
  return /^\d{1,15}$/.test(value) ? Number(value) : "invalid";
}

function encodeCursor(position: Position, now: number): string {
  return Buffer.from(`next:${position.at}:${position.skip}:${now}`).toString("base64");
}

function decodeCursor(cursor: string, now: number): Position | null {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  // Node decodes any string as base64 leniently; only a cursor we issued survives the round trip.
  if (Buffer.from(text).toString("base64") !== cursor) return null;
  const match = /^next:(\d{1,15}):(\d{1,15}):(\d{1,15})$/.exec(text);
  if (!match) return null;
  const issuedAt = Number(match[3]);
  // Cursors are "of too great a vintage" after a while (reference §1.4, §6).
  if (now - issuedAt > CURSOR_LIFETIME_SECONDS) return null;
  return { at: Number(match[1]), skip: Number(match[2]) };
}

function parseLogsQuery(query: URLSearchParams, now: number): { ok: true; value: LogsQuery } | { ok: false; reply: Reply } {
  const oldest = wholeNumber(query.get("oldest"));
  const latest = wholeNumber(query.get("latest"));
  const limit = wholeNumber(query.get("limit"));
  if (oldest === "invalid" || latest === "invalid") return { ok: false, reply: invalidArguments("oldest and latest must be Unix timestamps in whole seconds") };
  if (limit === "invalid" || (limit !== null && (limit < 1 || limit > MAX_LIMIT))) return { ok: false, reply: invalidArguments(`limit must be a whole number from 1 to ${MAX_LIMIT}`) };
  const actionList = (query.get("action") ?? "")
    .split(",")
    .map((action) => action.trim())
    .filter(Boolean);
  if (actionList.length > MAX_ACTIONS) return { ok: false, reply: invalidArguments(`at most ${MAX_ACTIONS} actions`) };
  const rawCursor = query.get("cursor");
  const cursor = rawCursor ? decodeCursor(rawCursor, now) : null;
  if (rawCursor && !cursor) return { ok: false, reply: auditError(400, "invalid_cursor") };
  return {
    ok: true,
    value: {
      oldest,
      latest,
      limit: limit ?? DEFAULT_LIMIT,
      actions: actionList.length ? new Set(actionList) : null,
      actor: query.get("actor") || null,
      entity: query.get("entity") || null,
      cursor,
    },
  };
}

function actorIdOf(entry: AuditEntry): string | undefined {
  return (entry.actor as { user?: { id?: string } } | undefined)?.user?.id;
}

/** The target's ID; a message entity has none and answers to its channel. */
function entityIdOf(entry: AuditEntry): string | undefined {
  const entity = entry.entity as Entity | undefined;
  const target = entity ? (entity[entity.type] as { id?: string; channel?: string } | undefined) : undefined;
  return target?.id ?? target?.channel;
}

const hasFilters = (query: LogsQuery) => Boolean(query.actions || query.actor || query.entity);

/** The row's entry if it passes the filters; a bulk row's action is checked before its event is built. */
function matchingEntry(source: Source, row: Row, query: LogsQuery): AuditEntry | null {
  const { actions, actor, entity } = query;
  if (actions && row.kind === "bulk" && !actions.has(bulkAction(source.bulk!, row.index))) return null;
  const entry = entryOf(source, row);
  const isMatch = (!actions || actions.has(entry.action)) && (!actor || actorIdOf(entry) === actor) && (!entity || entityIdOf(entry) === entity);
  return isMatch ? entry : null;
}

type Page = { entries: AuditEntry[]; next: Position | null };

function readPage(source: Source, query: LogsQuery, ledger: ServedLedger): Page {
  const entries: AuditEntry[] = [];
  if (query.oldest !== null && query.latest !== null && query.oldest > query.latest) return { entries, next: null };
  const ceiling: Position = { at: query.latest ?? Infinity, skip: 0 };
  // A cursor continues where the last page stopped, but never above a `latest` sent with it.
  const start = query.cursor && query.cursor.at <= ceiling.at ? query.cursor : ceiling;
  const rows = walk(source, start, query.oldest ?? -Infinity);
  const isFiltered = hasFilters(query);
  let boundarySecond: number | null = null;
  let scanned = 0;
  for (let step = rows.next(); !step.done; step = rows.next()) {
    const row = step.value;
    const isPageFull = entries.length >= query.limit && row.at !== boundarySecond;
    if (isPageFull || entries.length >= query.limit + TIE_OVERFLOW_CAP || scanned >= SCAN_BUDGET) {
      const next = { at: row.at, skip: row.offset };
      return { entries, next: isFiltered && !hasMatchAhead(source, query, row, rows, SCAN_BUDGET - scanned) ? null : next };
    }
    scanned += 1;
    const entry = matchingEntry(source, row, query);
    if (!entry) continue;
    entries.push(entry);
    recordServed(ledger, row, entry);
    if (entries.length === query.limit) boundarySecond = row.at;
  }
  return { entries, next: null };
}

/**
 * Whether a filtered query has anything left, so that its last page says next_cursor "" like
 * Slack's. Looking costs scan budget; when it runs out the answer is "maybe", and the cursor stays.
 */
function hasMatchAhead(source: Source, query: LogsQuery, first: Row, rows: Generator<Row>, budget: number): boolean {
  let row: Row | undefined = first;
  for (let looked = 0; row; looked += 1) {
    if (looked >= budget) return true;
    if (matchingEntry(source, row, query)) return true;
    const step = rows.next();
    row = step.done ? undefined : step.value;
  }
  return false;
}

export function handleAuditLogs(context: RequestContext): Reply {
  const refusal = refuseToken(context);
  if (refusal) return refusal;
  const { state } = context;
  const now = state.now();
  const parsed = parseLogsQuery(context.query, now);
  if (!parsed.ok) return parsed.reply;
  const page = readPage(sourceOf(state), parsed.value, ledgerOf(state));
  // No `ok` on success: Slack's own SDKs had to stop expecting one (reference §1.3).
  return json({ entries: page.entries, response_metadata: { next_cursor: page.next ? encodeCursor(page.next, now) : "" } });
}

export function handleAuditSchemas(_context: RequestContext): Reply {
  return json({ schemas: AUDIT_SCHEMAS });
}

export function handleAuditActions(_context: RequestContext): Reply {
  return json({ actions: AUDIT_ACTIONS });
}

// ---------------------------------------------------------------------------------------------
// GET /_emulator/ground-truth?kind=audit[&oldest&latest&offset&limit]

/**
 * Every event of the org's window newest first, in the order /logs serves them, with whether each
 * has been served. In bulk mode it pages (`offset`, `limit`, default 1000) instead of listing
 * millions of ids.
 */
export function auditGroundTruth(state: EmulatorState, query: URLSearchParams): object {
  const source = sourceOf(state);
  const ledger = ledgerOf(state);
  const number = (name: string) => {
    const value = wholeNumber(query.get(name));
    return value === "invalid" ? null : value;
  };
  const floor = number("oldest") ?? -Infinity;
  const ceiling = number("latest") ?? Infinity;
  const total = countRows(source, floor, ceiling);
  const offset = number("offset") ?? 0;
  const limit = Math.min(number("limit") ?? (source.bulk ? GROUND_TRUTH_BULK_PAGE : total), GROUND_TRUTH_MAX_PAGE);
  const events: { id: string; date_create: number; served: boolean }[] = [];
  const start = positionAtOffset(source, floor, ceiling, offset);
  if (start) {
    for (const row of walk(source, start, floor)) {
      if (events.length >= limit) break;
      const entry = entryOf(source, row);
      events.push({ id: entry.id, date_create: entry.date_create, served: wasServed(ledger, row, entry.id) });
    }
  }
  const storedInWindow = countRows({ ...source, bulk: null }, floor, ceiling);
  return {
    enterpriseId: state.world.enterprise.id,
    total,
    stored: storedInWindow,
    ...(source.bulk ? { bulk: { count: source.bulk.count, oldest: source.bulk.oldest, latest: source.bulk.latest, seed: source.bulk.seed }, bulkInWindow: total - storedInWindow } : {}),
    served: {
      distinct: ledger.storedTimes.size + ledger.bulkDistinct,
      rows: ledger.storedRows + ledger.bulkRows,
      stored: { distinct: ledger.storedTimes.size, rows: ledger.storedRows },
      bulk: { distinct: ledger.bulkDistinct, rows: ledger.bulkRows },
    },
    offset,
    events,
  };
}
