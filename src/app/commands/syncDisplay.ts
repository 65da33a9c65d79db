// What `proxmox-mpc sync` prints: the progress display on stderr (one updating line on a
// terminal, plain lines per phase otherwise), the one-line summary, and one line per change.
import type { ChangeEvent, HistoryEntry } from '../../db/model.js';
import type { ConnectionStatus, PollSummary, SyncProgress, SyncWarning } from '../../sync/types.js';
import { describeWarning } from '../../sync/warnings.js';
import { safeText } from '../../util/terminalText.js';

export interface ProgressDisplay {
  update(progress: SyncProgress): void;
  /** Clears the updating line (TTY) before other output. */
  clear(): void;
}

const PHASE_TEXT: Record<SyncProgress['phase'], string> = {
  resources: 'reading cluster resources and tasks',
  configs: 'reading guest configs',
  details: 'reading storage content, networks and pools',
  writing: 'writing the cache',
};

export function progressText(p: SyncProgress): string {
  const counts = p.total !== undefined ? ` ${p.done ?? 0}/${p.total}` : '';
  return `sync: ${PHASE_TEXT[p.phase]}${counts}`;
}

/** On a TTY: one line, redrawn at most every 50 ms. Otherwise: one line per phase. */
export function createProgressDisplay(stream: NodeJS.WriteStream | NodeJS.WritableStream, now: () => number = Date.now): ProgressDisplay {
  const tty = (stream as NodeJS.WriteStream).isTTY === true;
  let lastPhase: string | undefined;
  let lastDraw = 0;
  let shown = false;
  return {
    update(p) {
      if (tty) {
        const t = now();
        const final = p.total !== undefined && p.done === p.total;
        if (p.phase === lastPhase && !final && t - lastDraw < 50) return;
        lastPhase = p.phase;
        lastDraw = t;
        const columns = (stream as NodeJS.WriteStream).columns ?? 80;
        stream.write(`\r\u001b[2K${progressText(p).slice(0, Math.max(10, columns - 1))}`);
        shown = true;
      } else if (p.phase !== lastPhase) {
        lastPhase = p.phase;
        stream.write(`${progressText({ phase: p.phase })}${p.total !== undefined ? ` (${p.total})` : ''}\n`);
      }
    },
    clear() {
      if (tty && shown) stream.write('\r\u001b[2K');
      shown = false;
      lastPhase = undefined;
    },
  };
}

/** `synced homelab: 3 nodes, 38 guests (12 configs fetched), 5 changes, 41 ms` */
export function summaryLine(profile: string, s: PollSummary): string {
  const warnings = s.warnings.length > 0 ? `, ${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'}` : '';
  return (
    `synced ${safeText(profile)}: ${s.counts.nodes} node${s.counts.nodes === 1 ? '' : 's'}, ${s.counts.guests} guest${s.counts.guests === 1 ? '' : 's'} ` +
    `(${s.counts.configsFetched} config${s.counts.configsFetched === 1 ? '' : 's'} fetched), ${s.changes} change${s.changes === 1 ? '' : 's'}${warnings}, ${Math.round(s.durationMs)} ms`
  );
}

export function summaryJson(profile: string, s: PollSummary): Record<string, unknown> {
  return {
    profile,
    nodes: s.counts.nodes,
    guests: s.counts.guests,
    configsFetched: s.counts.configsFetched,
    changes: s.changes,
    historyEntries: s.historyEntries,
    rowsWritten: s.rowsWritten,
    durationMs: Math.round(s.durationMs),
    ...(s.syncRunId !== undefined ? { syncRunId: s.syncRunId } : {}),
    warnings: s.warnings.map((w) => ({ ...w, message: safeText(w.message) })),
  };
}

/** At most `limit` warning lines, then a count of the rest. */
export function warningLines(warnings: readonly SyncWarning[], limit = 5): string[] {
  const lines = warnings.slice(0, limit).map((w) => `warning: ${safeText(describeWarning(w))}`);
  if (warnings.length > limit) lines.push(`warning: and ${warnings.length - limit} more`);
  return lines;
}

const quote = (value: string | undefined): string => (value === undefined || value === '' ? '(unset)' : safeText(value.length > 60 ? `${value.slice(0, 57)}...` : value));

/** `qemu/101 web-01: status running -> stopped`, from a history entry. */
export function historyLine(entry: HistoryEntry, name: string | undefined): string {
  const who = `${entry.type}/${entry.vmid}${name ? ` ${safeText(name)}` : ''}`;
  switch (entry.event) {
    case 'created':
      return `${who}: created`;
    case 'deleted':
      return `${who}: deleted`;
    case 'moved':
      return `${who}: moved ${quote(entry.old)} -> ${quote(entry.new)}`;
    case 'status':
      return `${who}: status ${quote(entry.old)} -> ${quote(entry.new)}`;
    case 'config':
      return `${who}: ${safeText(entry.field ?? 'config')} ${quote(entry.old)} -> ${quote(entry.new)}`;
  }
}

/** Guest fields that neither history nor the config shows (status, node and config-derived
 * fields have history lines; live figures are noise). */
const GUEST_FIELDS_SHOWN = new Set(['pool', 'hastate']);

/** A line for a change that has no history entry (nodes, storage, pools, snapshots, networks,
 * a guest's pool or HA state), or undefined when it is noise (live figures, tasks, and guest
 * fields the history lines already show). */
export function changeLine(
  change: ChangeEvent,
  lookup: { guestName?: (key: `${string}/${number}`) => string | undefined; nodeStatus?: (node: string) => string | undefined } = {},
): string | undefined {
  switch (change.kind) {
    case 'guest': {
      if (change.op !== 'changed') return undefined; // created/deleted come from history
      const fields = (change.fields ?? []).filter((f) => GUEST_FIELDS_SHOWN.has(f));
      if (fields.length === 0) return undefined;
      const name = lookup.guestName?.(change.key);
      return `${change.key}${name ? ` ${safeText(name)}` : ''}: ${fields.map(safeText).join(', ')} changed`;
    }
    case 'node': {
      const fields = (change.fields ?? []).filter((f) => !['cpu', 'mem', 'disk', 'uptime'].includes(f));
      if (change.op === 'changed' && fields.length === 0) return undefined;
      if (change.op !== 'changed') return `node ${safeText(change.node)}: ${change.op}`;
      const status = fields.includes('status') ? lookup.nodeStatus?.(change.node) : undefined;
      const rest = fields.filter((f) => status === undefined || f !== 'status');
      const parts = [...(status !== undefined ? [`now ${safeText(status)}`] : []), ...(rest.length > 0 ? [`${rest.map(safeText).join(', ')} changed`] : [])];
      return `node ${safeText(change.node)}: ${parts.join('; ')}`;
    }
    case 'task':
      return undefined;
    default:
      return `${change.kind} ${safeText(change.id)}: ${change.op}`;
  }
}

/** A line when the connection state changes (offline is reported with its error instead). */
export function stateLine(status: ConnectionStatus, previous: ConnectionStatus | undefined): string | undefined {
  if (previous && previous.state === status.state && previous.lastError === status.lastError) return undefined;
  switch (status.state) {
    case 'online':
      return previous && previous.state !== 'connecting' && previous.state !== 'online' ? 'back online' : undefined;
    case 'degraded':
      return `degraded: ${safeText(status.lastError ?? 'some parts could not be read')}`;
    case 'offline':
    case 'connecting':
      return undefined;
  }
}
