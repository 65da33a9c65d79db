// Guests as the JSON text of the read commands' guest record (src/app/read/records.ts:
// GuestRecord), printed by SQLite: at 100,000 guests several times faster than rows plus
// JSON.stringify (CacheReader.guestRecordsJson). Free of drizzle, for the listing worker too.
//
// json_quote escapes exactly as JSON.stringify does, and integers within +-(2^53 - 1) print
// the same in both. A REAL prints differently (SQLite: 15-17 digits, `1.0e-07`), and so does a
// larger integer (JavaScript: 1152921504606847000 for 2^60), so `cpu` (the one REAL column)
// comes back as a number for JavaScript to print, and an integer column holding anything else
// prints as \u0001 (never in JSON text: json_quote escapes control characters): that row is
// then read as a tuple instead. One format() per half: chains of || cost twice as much.
import type Database from 'better-sqlite3';
import { GUEST_COLUMNS, guestFromTuple, type GuestTuple } from './guestTuple.js';
import type { GuestRow, GuestType } from './model.js';

export interface GuestJsonQuery {
  type?: GuestType;
  /** At most this many guests (the first by vmid). */
  limit?: number;
  /** Only guests with fromVmid <= vmid < beforeVmid (a share of a listing). */
  fromVmid?: number;
  beforeVmid?: number;
}

const JSON_BAD = '\u0001';
const jsonInt = (column: string): string =>
  `CASE WHEN ${column} IS NULL THEN 'null' WHEN typeof(${column}) = 'integer' AND ${column} BETWEEN -9007199254740991 AND 9007199254740991 THEN ${column} ELSE char(1) END`;
const JSON_TAGS = `CASE tags WHEN '' THEN '[]' ELSE '[' || char(10) || '      ' || replace(json_quote(tags), ';', '",' || char(10) || '      "') || char(10) || '    ]' END`;
const sqlText = (text: string): string => `'${text.replace(/'/g, "''")}'`;
/** GuestRecord's keys and values up to `"cpu": `, in record order. */
const JSON_HEAD_FIELDS: [string, string][] = [
  ['type', 'json_quote(type)'],
  ['vmid', jsonInt('vmid')],
  ['name', 'json_quote(name)'],
  ['node', 'json_quote(node)'],
  ['status', 'json_quote(status)'],
  ['template', `CASE template WHEN 1 THEN 'true' ELSE 'false' END`],
  ['tags', JSON_TAGS],
  ['pool', 'json_quote(pool)'],
  ['lock', 'json_quote(lock)'],
  ['hastate', 'json_quote(hastate)'],
];
const JSON_TAIL_FIELDS = ['maxcpu', 'mem', 'maxmem', 'disk', 'maxdisk', 'uptime', 'netin', 'netout', 'diskread', 'diskwrite'];
const JSON_HEAD = `format(${sqlText(`  {\n${JSON_HEAD_FIELDS.map(([key]) => `    "${key}": %s,\n`).join('')}    "cpu": `)}, ${JSON_HEAD_FIELDS.map(([, value]) => value).join(', ')})`;
/** From the comma after cpu's value to the closing brace. */
const JSON_TAIL = `format(${sqlText(`${JSON_TAIL_FIELDS.map((key) => `,\n    "${key}": %s`).join('')}\n  }`)}, ${JSON_TAIL_FIELDS.map(jsonInt).join(', ')})`;
const GUEST_JSON_SELECT = `SELECT ${JSON_HEAD}, cpu, ${JSON_TAIL}, rowid FROM guests`;
const GUEST_BY_ROWID = `SELECT ${GUEST_COLUMNS.map((c) => (c === 'config' ? 'NULL AS config' : c)).join(', ')} FROM guests WHERE rowid = ?`;

/** JSON.stringify's text of a number (null when not finite). */
const jsonNumber = (value: number | null): string => (value === null || !Number.isFinite(value) ? 'null' : String(value));

type Prepare = (source: string) => Database.Statement;

function where(profileId: number, query: GuestJsonQuery): { sql: string; params: (string | number)[] } {
  const conditions = ['profile_id = ?'];
  const params: (string | number)[] = [profileId];
  if (query.type !== undefined) {
    conditions.push('type = ?');
    params.push(query.type);
  }
  if (query.fromVmid !== undefined) {
    conditions.push('vmid >= ?');
    params.push(query.fromVmid);
  }
  if (query.beforeVmid !== undefined) {
    conditions.push('vmid < ?');
    params.push(query.beforeVmid);
  }
  return { sql: conditions.join(' AND '), params };
}

/** See CacheReader.guestRecordsJson. `prepare` returns raw statements (cached by the caller). */
export function* guestJsonRecords(
  db: Database.Database,
  profileId: number,
  query: GuestJsonQuery,
  prepare: Prepare = (source) => db.prepare(source).raw(),
): Generator<string | GuestRow> {
  const { sql, params } = where(profileId, query);
  const limit = query.limit === undefined ? '' : ' LIMIT ?';
  if (query.limit !== undefined) params.push(query.limit);
  const rows = prepare(`${GUEST_JSON_SELECT} WHERE ${sql} ORDER BY vmid, type${limit}`);
  const byRowid = prepare(GUEST_BY_ROWID);
  for (const [head, cpu, tail, rowid] of rows.iterate(...params) as IterableIterator<[string, number | null, string, number]>) {
    if (!head.includes(JSON_BAD) && !tail.includes(JSON_BAD)) {
      yield head + jsonNumber(cpu) + tail;
      continue;
    }
    const tuple = byRowid.get(rowid) as GuestTuple | undefined;
    if (tuple !== undefined) yield guestFromTuple(tuple, false);
  }
}

/** See CacheReader.guestVmidSplit. */
export function guestJsonSplit(db: Database.Database, profileId: number, query: Pick<GuestJsonQuery, 'type'>, fraction: number): { count: number; vmid?: number } {
  const { sql, params } = where(profileId, query);
  const count = db.prepare(`SELECT count(*) FROM guests WHERE ${sql}`).pluck().get(...params) as number;
  const offset = Math.min(count - 1, Math.max(1, Math.floor(count * fraction)));
  if (count < 2) return { count };
  const vmid = db.prepare(`SELECT vmid FROM guests WHERE ${sql} ORDER BY vmid LIMIT 1 OFFSET ?`).pluck().get(...params, offset) as number | undefined;
  return vmid === undefined ? { count } : { count, vmid };
}
