// The log lines of one poll (in-process or in the sync worker, whose facade posts them to the
// main thread): `sync started`, then `sync ended` with its timings and counts, or `sync failed`
// with the error and when the next attempt comes. Each poll has its own correlation id, with
// the command's as `parent`.
//
// A console left open polls every few seconds: a poll that is routine (scheduled, nothing
// changed, no warning, not the first, not after a failure) logs at debug, so that a day of
// polling does not rotate everything else out of the log. Error messages are the client's,
// already cleaned of secrets, and every line passes the redactor again on its way to the file.
import { currentCommandOp, log, newOpId, type LogFields } from '../observability/log.js';
import type { PollSummary, SyncErrorInfo } from './types.js';

export type PollTrigger = 'scheduled' | 'now';

export interface PollLog {
  readonly op: string;
  /** `previousWarnings`: how many the poll before had (a lasting warning is logged once). */
  ended(summary: PollSummary, previousWarnings: number): void;
  failed(error: SyncErrorInfo, detail: { ms: number; consecutiveFailures: number; retryInMs?: number }): void;
  cancelled(ms: number): void;
}

/** Starts the lines of one poll. `notable`: the first poll, one asked for (syncNow), or the
 * first after a failure; those log at info from their start. */
export function startPollLog(attempt: number, trigger: PollTrigger, notable: boolean): PollLog {
  const op = newOpId();
  const parent = currentCommandOp();
  const base: LogFields = { op, ...(parent !== undefined && parent !== op ? { parent } : {}) };
  (notable ? log.info : log.debug)('sync started', { ...base, attempt, trigger });
  return {
    op,
    ended(summary, previousWarnings) {
      const c = summary.counts;
      const fields: LogFields = {
        ...base,
        ms: summary.durationMs,
        nodes: c.nodes,
        guests: c.guests,
        storage: c.storage,
        configs: c.configsFetched,
        configsFailed: c.configsFailed || undefined,
        tasks: c.tasks,
        requests: c.requests,
        changes: summary.changes,
        rowsWritten: summary.rowsWritten,
        warnings: summary.warnings.length,
        resourcesMs: c.resourcesMs,
        configsMs: c.configsMs,
        detailsMs: summary.details ? c.detailsMs : undefined,
        writeMs: c.writeMs,
        syncRun: summary.syncRunId,
      };
      const first = summary.warnings[0];
      if (first !== undefined && (notable || summary.warnings.length !== previousWarnings)) log.warn('sync ended', { ...fields, firstWarning: `${first.scope}: ${first.message}` });
      else (notable || summary.changes > 0 ? log.info : log.debug)('sync ended', fields);
    },
    failed(error, detail) {
      log.warn('sync failed', {
        ...base,
        ms: detail.ms,
        kind: error.kind,
        status: error.status,
        error: error.message,
        consecutiveFailures: detail.consecutiveFailures,
        retryInMs: detail.retryInMs,
      });
    },
    cancelled(ms) {
      log.debug('sync cancelled', { ...base, ms });
    },
  };
}
