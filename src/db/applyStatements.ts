// The prepared statements the writer's hot path uses (raw better-sqlite3: prepared once per
// connection, bound with the records of rowCodec.ts; `?` is always the profile id).
import type Database from 'better-sqlite3';
import { GUEST_COLUMNS } from './guestTuple.js';
import { GUEST_FIGURE_FIELDS } from './model.js';

const GUEST_DATA_COLUMNS = GUEST_COLUMNS.filter((c) => c !== 'type' && c !== 'vmid');
const KEEP_WHEN_NULL = new Set(['config', 'config_digest', 'config_fingerprint']);

export function prepareApplyStatements(db: Database.Database) {
  const p = (source: string) => db.prepare(source);
  return {
    profile: p('SELECT cluster_name, pve_version FROM profiles WHERE id = ?'),
    /** The observation time of the last applied observation (undefined: no such profile). */
    observedAt: p('SELECT observed_at FROM profiles WHERE id = ?').pluck(),
    updateProfile: p(
      `UPDATE profiles SET cluster_name = @cluster_name, pve_version = @pve_version, verified_at = max(coalesce(verified_at, 0), @verified_at),
         observed_at = max(coalesce(observed_at, 0), @observed_at) WHERE id = ?`,
    ),

    selectNodes: p('SELECT node, status, cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime, level, ssl_fingerprint FROM nodes WHERE profile_id = ?'),
    upsertNode: p(
      `INSERT INTO nodes (profile_id, node, status, cpu, maxcpu, mem, maxmem, disk, maxdisk, uptime, level, ssl_fingerprint)
       VALUES (?, @node, @status, @cpu, @maxcpu, @mem, @maxmem, @disk, @maxdisk, @uptime, @level, @ssl_fingerprint)
       ON CONFLICT (profile_id, node) DO UPDATE SET status = excluded.status, cpu = excluded.cpu, maxcpu = excluded.maxcpu,
         mem = excluded.mem, maxmem = excluded.maxmem, disk = excluded.disk, maxdisk = excluded.maxdisk,
         uptime = excluded.uptime, level = excluded.level, ssl_fingerprint = excluded.ssl_fingerprint`,
    ),
    deleteNode: p('DELETE FROM nodes WHERE profile_id = ? AND node = ?'),

    /** Guest tuples with `config IS NOT NULL` in place of the config text (loaded only for the
     * guests whose config may differ). */
    selectGuests: p(
      `SELECT ${GUEST_COLUMNS.map((c) => (c === 'config' ? 'config IS NOT NULL' : c)).join(', ')} FROM guests WHERE profile_id = ?`,
    ).raw(),
    selectGuestConfig: p('SELECT config FROM guests WHERE profile_id = ? AND type = ? AND vmid = ?').pluck(),
    /** (profile_id, ...guest tuple). NULL config columns keep what is stored. */
    upsertGuest: p(
      `INSERT INTO guests (profile_id, ${GUEST_COLUMNS.join(', ')}) VALUES (?${', ?'.repeat(GUEST_COLUMNS.length)})
       ON CONFLICT (profile_id, vmid, type) DO UPDATE SET ${GUEST_DATA_COLUMNS.map((c) =>
         KEEP_WHEN_NULL.has(c) ? `${c} = coalesce(excluded.${c}, guests.${c})` : `${c} = excluded.${c}`,
       ).join(', ')}`,
    ),
    /** (...figures in GUEST_FIGURE_FIELDS order, profile_id, type, vmid). */
    updateGuestFigures: p(`UPDATE guests SET ${GUEST_FIGURE_FIELDS.map((f) => `${f} = ?`).join(', ')} WHERE profile_id = ? AND type = ? AND vmid = ?`),
    deleteGuest: p('DELETE FROM guests WHERE profile_id = ? AND type = ? AND vmid = ?'),

    selectGuestSnapshots: p(
      'SELECT type, vmid, name, parent, description, snaptime, vmstate FROM snapshots WHERE profile_id = ? AND type = ? AND vmid = ?',
    ),
    upsertSnapshot: p(
      `INSERT INTO snapshots (profile_id, type, vmid, name, parent, description, snaptime, vmstate)
       VALUES (?, @type, @vmid, @name, @parent, @description, @snaptime, @vmstate)
       ON CONFLICT (profile_id, vmid, type, name) DO UPDATE SET parent = excluded.parent,
         description = excluded.description, snaptime = excluded.snaptime, vmstate = excluded.vmstate`,
    ),
    deleteSnapshot: p('DELETE FROM snapshots WHERE profile_id = ? AND type = ? AND vmid = ? AND name = ?'),

    selectStorage: p('SELECT node, storage, type, content, shared, enabled, active, status, total, used, avail FROM storage WHERE profile_id = ?'),
    upsertStorage: p(
      `INSERT INTO storage (profile_id, node, storage, type, content, shared, enabled, active, status, total, used, avail)
       VALUES (?, @node, @storage, @type, @content, @shared, @enabled, @active, @status, @total, @used, @avail)
       ON CONFLICT (profile_id, node, storage) DO UPDATE SET type = excluded.type, content = excluded.content,
         shared = excluded.shared, enabled = excluded.enabled, active = excluded.active, status = excluded.status,
         total = excluded.total, used = excluded.used, avail = excluded.avail`,
    ),
    deleteStorage: p('DELETE FROM storage WHERE profile_id = ? AND node = ? AND storage = ?'),

    selectContent: p('SELECT node, storage, volid, content, format, size, vmid, ctime, notes FROM storage_content WHERE profile_id = ?'),
    upsertContent: p(
      `INSERT INTO storage_content (profile_id, node, storage, volid, content, format, size, vmid, ctime, notes)
       VALUES (?, @node, @storage, @volid, @content, @format, @size, @vmid, @ctime, @notes)
       ON CONFLICT (profile_id, node, storage, volid) DO UPDATE SET content = excluded.content, format = excluded.format,
         size = excluded.size, vmid = excluded.vmid, ctime = excluded.ctime, notes = excluded.notes`,
    ),
    deleteContent: p('DELETE FROM storage_content WHERE profile_id = ? AND node = ? AND storage = ? AND volid = ?'),

    selectNetworks: p(
      'SELECT node, iface, type, active, autostart, address, cidr, gateway, bridge_ports, vlan_id, comments FROM networks WHERE profile_id = ?',
    ),
    upsertNetwork: p(
      `INSERT INTO networks (profile_id, node, iface, type, active, autostart, address, cidr, gateway, bridge_ports, vlan_id, comments)
       VALUES (?, @node, @iface, @type, @active, @autostart, @address, @cidr, @gateway, @bridge_ports, @vlan_id, @comments)
       ON CONFLICT (profile_id, node, iface) DO UPDATE SET type = excluded.type, active = excluded.active,
         autostart = excluded.autostart, address = excluded.address, cidr = excluded.cidr, gateway = excluded.gateway,
         bridge_ports = excluded.bridge_ports, vlan_id = excluded.vlan_id, comments = excluded.comments`,
    ),
    deleteNetwork: p('DELETE FROM networks WHERE profile_id = ? AND node = ? AND iface = ?'),

    /** Pools with their members sorted and `\n`-joined ('' when none). */
    selectPools: p(
      `SELECT p.poolid, p.comment, coalesce((SELECT group_concat(member, char(10)) FROM
         (SELECT m.member FROM pool_members m WHERE m.profile_id = p.profile_id AND m.poolid = p.poolid ORDER BY m.member)), '') AS members
       FROM pools p WHERE p.profile_id = ?`,
    ),
    upsertPool: p(
      `INSERT INTO pools (profile_id, poolid, comment) VALUES (?, @poolid, @comment)
       ON CONFLICT (profile_id, poolid) DO UPDATE SET comment = excluded.comment`,
    ),
    deletePool: p('DELETE FROM pools WHERE profile_id = ? AND poolid = ?'),
    deletePoolMembers: p('DELETE FROM pool_members WHERE profile_id = ? AND poolid = ?'),
    insertPoolMember: p('INSERT OR IGNORE INTO pool_members (profile_id, poolid, member) VALUES (?, ?, ?)'),

    selectTask: p('SELECT upid, node, type, id, user, starttime, endtime, status FROM tasks WHERE profile_id = ? AND upid = ?'),
    upsertTask: p(
      `INSERT INTO tasks (profile_id, upid, node, type, id, user, starttime, endtime, status)
       VALUES (?, @upid, @node, @type, @id, @user, @starttime, @endtime, @status)
       ON CONFLICT (profile_id, upid) DO UPDATE SET node = excluded.node, type = excluded.type, id = excluded.id,
         user = excluded.user, starttime = excluded.starttime, endtime = excluded.endtime, status = excluded.status`,
    ),

    hasSyncedOk: p("SELECT 1 FROM sync_runs WHERE profile_id = ? AND outcome = 'ok' LIMIT 1"),
    insertRun: p(
      `INSERT INTO sync_runs (profile_id, started_at, finished_at, outcome, counts, error)
       VALUES (?, @started_at, @finished_at, @outcome, @counts, @error)`,
    ),
    updateRunCounts: p('UPDATE sync_runs SET counts = ?, finished_at = ? WHERE id = ?'),
    insertHistory: p(
      `INSERT INTO history (profile_id, sync_run_id, at, type, vmid, event, field, "old", "new")
       VALUES (?, @sync_run_id, @at, @type, @vmid, @event, @field, @old, @new)`,
    ),
  };
}

export type ApplyStatements = ReturnType<typeof prepareApplyStatements>;
