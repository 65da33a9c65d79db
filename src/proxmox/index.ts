// Public surface of the PVE API client.
//
//   const pve = new ProxmoxClient({
//     endpoint: 'https://pve1:8006',
//     auth: { tokenId: 'root@pam!mpc', tokenSecret: '…' },   // or { username, password, realm }
//     fingerprint: 'AB:CD:…',                                  // or insecure: true, or ca: pem
//   });
//   const upid = await pve.qemu.start('pve1', 100);
//   const result = await pve.waitForTask(upid, { onLog: (lines) => … });   // result.ok
//
// Every failure is a ProxmoxError: branch on `kind`, show `message` (one line, no secrets).
export { ProxmoxClient } from './client.js';
export type {
  NetworkTypeFilter,
  ProxmoxClientOptions,
  StorageContentOptions,
  StorageListOptions,
  TaskList,
  TaskListFilters,
} from './client.js';
export type { Credentials, PasswordCredentials, TokenCredentials } from './auth.js';
export { DEFAULT_TICKET_RENEW_AFTER_MS, TICKET_LIFETIME_MS, parseApiToken, ticketIssuedAtMs } from './auth.js';
export type { ApiCaller, CallOptions } from './caller.js';
export { ProxmoxError, isProxmoxError } from './errors.js';
export type { ProxmoxErrorDetails, ProxmoxErrorKind } from './errors.js';
export { LxcApi, QemuApi } from './guests.js';
export type {
  CloneOptions,
  ConfigReadOptions,
  ConfigUpdate,
  CreateParams,
  DeleteOptions,
  MigrateOptions,
  RebootOptions,
  RollbackOptions,
  ShutdownOptions,
  SnapshotCreateOptions,
  StopOptions,
} from './guests.js';
export { DEFAULT_RETRY, DEFAULT_TIMEOUTS, normalizeEndpoint, retryDelayMs } from './http.js';
export type { Envelope, HttpMethod, RetryPolicy, Timeouts } from './http.js';
export type { ParamValue, Params } from './params.js';
export { assertTaskOk, taskFailure } from './tasks.js';
export type { TaskLogPage, TaskResult, WaitForTaskOptions } from './tasks.js';
export { isValidFingerprint, normalizeFingerprint } from './tls.js';
export type { TlsOptions } from './tls.js';
export * from './types.js';
