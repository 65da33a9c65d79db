// The console's terraform runs (the controller's I/O for the run screen): the workspace found
// from the current directory, terraform started with -json in its own process group, its
// lines folded and buffered (bounded) as they come and handed to the store in ~100 ms batches
// (a tool printing thousands of lines a second costs the UI one update per batch), the elapsed
// times ticking once a second, the question before apply/destroy, Ctrl-C/x: SIGINT then kill.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { ConsoleStore } from '../../store/consoleStore.js';
import type { RunView } from '../../store/types.js';
import { safeText } from '../../util/terminalText.js';
import { isEnvProfileName } from '../../workspace/connection.js';
import { hasChanges, runConfirmation, workspaceName } from '../../workspace/runners/confirmRun.js';
import { plainLines } from '../../workspace/runners/plainText.js';
import { RingBuffer } from '../../workspace/runners/ringBuffer.js';
import { INITIAL_RUN_STATE } from '../../workspace/runners/runState.js';
import { needsTerraformInit, runTerraform, type TerraformRun, type TerraformStep } from '../../workspace/runners/terraform.js';
import { changesText } from '../../workspace/runners/terraformEvents.js';
import { isActive } from '../../screens/runScreenModel.js';
import { INITIAL_DRIFT_VIEW } from '../../screens/driftModel.js';
import type { Workspace } from '../../workspace/project.js';
import type { CheckResult } from '../../workspace/checks/types.js';
import type { RunDiagnostic, RunState } from '../../workspace/runners/runState.js';
import type { ProcessRun } from '../../workspace/runners/process.js';

export interface RunHost {
  /** :plan, :apply, :destroy */
  start(kind: RunView['kind']): void;
  /** The question answered yes: apply the saved plan. */
  confirm(): void;
  /** The question answered no. */
  cancel(): void;
  /** x / Ctrl-C: SIGINT (terraform's graceful stop); again: kill. */
  stop(): void;
  /** :ansible PLAYBOOK k=v...: ansible-playbook on a workspace playbook (ansible/, then tests/). */
  ansible(playbook: string, vars: readonly string[], check?: boolean): void;
  /** :init (a workspace here for the console's profile), :generate (the code from the cache,
   * the summary as a notification), :drift (the drift screen, the check run again). */
  iac(what: 'init' | 'generate' | 'drift', prefix?: string): void;
}

export interface RunControllerOptions {
  console: ConsoleStore;
  /** Where the workspace is looked for (default process.cwd()). */
  cwd?: string;
  /** The console's cache: :generate and :drift read the cluster from it, whatever cache the
   * workspace's profile would name (default: the one the profile resolves to). */
  cachePath?: string;
  /** Lines kept per buffer (default 50,000). */
  keepLines?: number;
  batchMs?: number;
  /** After an apply or destroy that changed something (a sync shows the result). */
  onApplied?(): void;
}

export interface RunController extends RunHost {
  dispose(): void;
}

function hasTfFiles(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && readdirSync(dir).some((f) => f.endsWith('.tf'));
  } catch {
    return false;
  }
}

export function createRunController(options: RunControllerOptions): RunController {
  // A log scrolling by thousands of lines a second is redrawn 5 times a second: more is not
  // readable, and each frame of new lines costs the UI thread (and Ink's line caches).
  const { console: consoleStore, batchMs = 200 } = options;
  const { store, actions } = consoleStore;
  const keep = options.keepLines ?? 50_000;
  let ids = 0;
  let disposed = false;
  /** Drift checks started (the newest one's result is shown). */
  let driftChecks = 0;

  interface Active {
    id: number;
    kind: RunView['kind'];
    root: string;
    terraformDir: string;
    logsDir: string;
    tmp: string;
    planFile: string;
    pretty: RingBuffer<string>;
    raw: RingBuffer<string>;
    proc?: TerraformRun;
    /** An ansible-playbook run. */
    ansibleProc?: ProcessRun;
    /** A validation's state (no terraform process of its own). */
    validation?: () => RunState;
    dirty: boolean;
    version: number;
  }
  let active: Active | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let tick: NodeJS.Timeout | undefined;

  const patch = (a: Active, p: Partial<RunView>): void => {
    if (!disposed) consoleStore.batch(() => actions.patchRun(a.id, p));
  };

  const flush = (): void => {
    flushTimer = undefined;
    const a = active;
    if (a === undefined || !a.dirty) return;
    a.dirty = false;
    patch(a, { state: a.validation?.() ?? a.proc?.state() ?? INITIAL_RUN_STATE, version: ++a.version, dropped: a.pretty.dropped + a.raw.dropped, now: Date.now() });
  };

  const startTick = (a: Active): void => {
    if (tick) clearInterval(tick);
    tick = setInterval(() => {
      if (active === a) patch(a, { now: Date.now() });
    }, 1000);
  };
  const stopTick = (): void => {
    if (tick) clearInterval(tick);
    tick = undefined;
  };

  const cleanup = (a: Active): void => {
    rmSync(a.tmp, { recursive: true, force: true });
  };

  const end = (a: Active, p: Partial<RunView>, note?: { text: string; level: 'info' | 'warn' | 'error' }): void => {
    if (flushTimer) clearTimeout(flushTimer);
    a.dirty = true;
    flush();
    stopTick();
    cleanup(a);
    patch(a, { endedAt: Date.now(), now: Date.now(), ...p });
    // Told in the status bar too, wherever the user is.
    if (note && !disposed) actions.notify(note.text, note.level);
  };

  const step = (a: Active, which: TerraformStep, logName: string): TerraformRun => {
    const proc = runTerraform({
      dir: a.terraformDir,
      step: which,
      planFile: a.planFile,
      logsDir: a.logsDir,
      logName,
      keepLines: 1, // the controller keeps its own (readable and raw) buffers
      detached: true,
      onLine: (line) => {
        a.raw.push(safeText(line.kind === 'event' ? line.raw : line.text));
        for (const l of plainLines(line)) a.pretty.push(l);
        a.dirty = true;
        flushTimer ??= setTimeout(flush, batchMs);
      },
    });
    a.proc = proc;
    return proc;
  };

  /** /validate, /test: the workspace's checks (runValidation), each result a line, each
   * failure a diagnostic with its file:line. */
  const validate = (a: Active, ws: Workspace): void => {
    let state: RunState = { ...INITIAL_RUN_STATE };
    const icon = (r: CheckResult): string => (r.ok ? 'ok  ' : r.severity === 'error' ? 'FAIL' : 'warn');
    const onResult = (r: CheckResult): void => {
      const at = r.file ? ` ${r.file}${r.line !== undefined ? `:${r.line}${r.column !== undefined ? `:${r.column}` : ''}` : ''}` : '';
      const text = safeText(`${icon(r)} ${r.tool} ${r.check}${at}: ${r.message}`);
      a.pretty.push(text);
      a.raw.push(safeText(JSON.stringify(r)));
      if (!r.ok) {
        const d: RunDiagnostic = { severity: r.severity, summary: `${r.tool} ${r.check}`, detail: r.message };
        if (r.file) {
          d.file = r.file;
          if (r.line !== undefined) {
            d.line = r.line;
            d.column = r.column ?? 1;
            d.location = `${r.file}:${r.line}:${r.column ?? 1}`;
          } else d.location = r.file;
        }
        state = { ...state, diagnostics: [...state.diagnostics, d], errors: state.errors + (r.severity === 'error' ? 1 : 0), warnings: state.warnings + (r.severity === 'warning' ? 1 : 0) };
      }
      state = { ...state, lines: state.lines + 1 };
      a.dirty = true;
      flushTimer ??= setTimeout(flush, batchMs);
    };
    a.validation = () => state;
    void import('../../workspace/checks/runValidation.js')
      .then(({ runValidation, summarize }) => runValidation(ws, onResult).then((results) => ({ results, summarize })))
      .then(({ results, summarize }) => {
        if (disposed || active !== a) return;
        const s = summarize(results);
        const text = `${s.passed} passed, ${s.failed} failed, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`;
        end(a, { phase: s.ok ? 'done' : 'failed', message: text }, { text: `validate: ${text}`, level: s.ok ? 'info' : 'error' });
      })
      .catch((error: unknown) => {
        if (!disposed && active === a) end(a, { phase: 'failed', message: `validate could not run: ${safeText((error as Error).message)}` }, { text: 'validate could not run', level: 'error' });
      });
  };

  const verdict = (code: number | null, interrupted: string): 'done' | 'failed' | 'interrupted' => (interrupted !== 'no' ? 'interrupted' : code === 0 ? 'done' : 'failed');

  const host: RunController = {
    start(kind) {
      const current = store.getState().run;
      if (isActive(current)) {
        actions.notify(`terraform ${current!.kind} is still ${current!.phase === 'confirm' ? 'waiting for an answer' : 'running'}: it is shown (x stops it)`, 'warn');
        actions.navigate({ screen: 'run' });
        return;
      }
      if ((kind === 'apply' || kind === 'destroy') && store.getState().meta.readOnly) {
        actions.notify(`read-only mode: ${kind} refused (start without --read-only to change anything)`, 'warn');
        return;
      }
      let ws: Workspace | undefined;
      void import('../../workspace/project.js')
        .then(({ findWorkspace }) => {
          ws = findWorkspace(options.cwd ?? process.cwd());
          if (disposed) return;
          if (!ws) {
            actions.notify(`${kind}: no workspace here (${options.cwd ?? process.cwd()}): run proxmox-mpc init and generate, and start the console inside it`, 'error');
            return;
          }
          if (kind !== 'validate' && !hasTfFiles(ws.terraformDir)) {
            actions.notify(`${kind}: ${ws.terraformDir} has no .tf files: run proxmox-mpc generate first`, 'error');
            return;
          }
          const tmp = mkdtempSync(join(tmpdir(), 'pmc-run-'));
          const a: Active = {
            id: ++ids,
            kind,
            root: ws.root,
            terraformDir: ws.terraformDir,
            logsDir: ws.logsDir,
            tmp,
            planFile: join(tmp, `${kind}.tfplan`),
            pretty: new RingBuffer<string>(keep),
            raw: new RingBuffer<string>(keep),
            dirty: false,
            version: 0,
          };
          active = a;
          const now = Date.now();
          consoleStore.batch(() => {
            actions.setRun({
              id: a.id,
              kind,
              root: a.root,
              name: workspaceName(a.root),
              phase: 'planning',
              state: INITIAL_RUN_STATE,
              lines: a.pretty,
              raw: a.raw,
              dropped: 0,
              version: 0,
              startedAt: now,
              now,
              showRaw: false,
              follow: true,
              top: 0,
              search: { typing: false, input: '', term: '' },
            });
            actions.navigate({ screen: 'run' });
          });
          startTick(a);
          if (kind === 'validate') return validate(a, ws);
          // A new workspace installs its providers first (terraform init), on the same screen.
          const initFirst = needsTerraformInit(a.terraformDir);
          const planStep = (): TerraformRun => step(a, kind === 'destroy' ? 'plan-destroy' : 'plan', kind === 'destroy' ? 'plan-destroy' : 'plan');
          let initFailed = false;
          const planned = initFirst
            ? step(a, 'init', 'init').done.then((r) => {
                if (disposed || active !== a || r.spawnError || verdict(r.code, r.interrupted) !== 'done') {
                  initFailed = true;
                  return r;
                }
                return planStep().done;
              })
            : planStep().done;
          void planned.then((r) => {
            if (disposed || active !== a) return;
            if (r.spawnError) {
              return end(a, { phase: 'failed', message: r.spawnError.code === 'ENOENT' ? 'terraform was not found on PATH: install it, or set PMC_TERRAFORM' : `terraform could not start: ${safeText(r.spawnError.message)}` }, { text: `${kind}: terraform could not start`, level: 'error' });
            }
            const v = verdict(r.code, r.interrupted);
            const summary = r.state.planSummary;
            const log = r.logPath ? `; log: ${r.logPath}` : '';
            const what = initFailed ? 'terraform init' : 'the plan';
            if (v !== 'done') return end(a, { phase: v, message: `${what} ${v === 'interrupted' ? 'was interrupted' : 'failed'}${log}` }, { text: `terraform ${kind}: ${what} ${v}`, level: 'error' });
            if (kind === 'plan') return end(a, { phase: 'done', message: `${summary ? `Plan: ${changesText(summary)}` : 'planned'}${log}` }, { text: `terraform plan: ${summary ? changesText(summary) : 'done'}`, level: 'info' });
            if (!hasChanges(summary)) return end(a, { phase: 'done', message: `No changes: nothing to ${kind}` }, { text: `terraform ${kind}: no changes`, level: 'info' });
            if (kind !== 'apply' && kind !== 'destroy') return;
            const q = runConfirmation(kind, summary!, a.root);
            if (flushTimer) clearTimeout(flushTimer);
            a.dirty = true;
            flush();
            stopTick();
            patch(a, { phase: 'confirm', planSummary: summary!, question: { ...q, typed: '' }, now: Date.now() });
            if (currentScreen() !== 'run') actions.notify(`terraform ${kind}: the plan is ready and waits for your answer (:run)`, 'warn');
          }).catch((error: unknown) => {
        // A throw while reading the run's lines must not end the console.
        if (!disposed) actions.notify(`run: ${safeText(error instanceof Error ? error.message : String(error))}`, 'error');
      });
        })
        .catch((error: unknown) => {
          if (!disposed) actions.notify(`${kind}: ${safeText((error as Error).message)}`, 'error');
        });
    },

    confirm() {
      const a = active;
      const run = store.getState().run;
      if (a === undefined || run?.id !== a.id || run.phase !== 'confirm') return;
      patch(a, { phase: 'applying', question: undefined, follow: true, now: Date.now() });
      startTick(a);
      const proc = step(a, 'apply', a.kind);
      void proc.done.then((r) => {
        if (disposed || active !== a) return;
        const v = verdict(r.code, r.interrupted);
        const s = r.state.summary;
        const what = s ? `${s.add} added, ${s.change} changed, ${s.remove} destroyed` : '';
        const log = r.logPath ? `; log: ${r.logPath}` : '';
        const message = v === 'done' ? `${a.kind === 'destroy' ? 'Destroy' : 'Apply'} complete: ${what}${log}` : v === 'interrupted' ? `interrupted${what ? ` after ${what}` : ''}${log}` : `failed: ${r.state.errors} error${r.state.errors === 1 ? '' : 's'}${log}`;
        end(a, { phase: v, message }, { text: `terraform ${a.kind}: ${v}${what ? ` (${what})` : ''}`, level: v === 'done' ? 'info' : 'error' });
        if (s && s.add + s.change + s.remove > 0) options.onApplied?.();
      }).catch((error: unknown) => {
        // A throw while reading the run's lines must not end the console.
        if (!disposed) actions.notify(`run: ${safeText(error instanceof Error ? error.message : String(error))}`, 'error');
      });
    },

    cancel() {
      const a = active;
      const run = store.getState().run;
      if (a === undefined || run?.id !== a.id || run.phase !== 'confirm') return;
      end(a, { phase: 'cancelled', question: undefined, message: `${a.kind} not confirmed: nothing was changed` }, { text: `terraform ${a.kind}: cancelled, nothing was changed`, level: 'info' });
    },

    ansible(playbook, vars, check = false) {
      const current = store.getState().run;
      if (isActive(current)) {
        actions.notify(`${current!.kind === 'ansible' ? 'ansible-playbook' : `terraform ${current!.kind}`} is still running: it is shown (x stops it)`, 'warn');
        actions.navigate({ screen: 'run' });
        return;
      }
      void Promise.all([import('../../workspace/project.js'), import('../iac/ansibleCommand.js'), import('../../workspace/runners/ansible.js'), import('../../workspace/runners/vaultExtraVars.js')])
        .then(([{ findWorkspace }, { findPlaybook, RecapCollector, recapSummary }, { parseRecapLine, runAnsiblePlaybook }, { consoleResolver, prepareExtraVars }]) => {
          if (disposed) return;
          const cwd = options.cwd ?? process.cwd();
          const ws = findWorkspace(cwd);
          if (!ws) return actions.notify(`ansible: no workspace here (${cwd}): run proxmox-mpc init and generate, and start the console inside it`, 'error');
          const path = findPlaybook(playbook, ws, cwd);
          if (!path) return actions.notify(`ansible: no playbook ${safeText(playbook)} in ansible/ nor tests/: run :generate, or name one of site, start, stop, snapshot, baseline`, 'error');
          const rel = relative(ws.root, path);
          // `pw=$vault.db`: resolved now, into files in the run's private directory (0700,
          // removed when the run ends); a vault that cannot be unlocked: the run does not start.
          const tmp = mkdtempSync(join(tmpdir(), 'pmc-run-'));
          let extraVars: ReturnType<typeof prepareExtraVars>;
          try {
            extraVars = prepareExtraVars(vars, consoleResolver(), { dir: tmp });
          } catch (error) {
            rmSync(tmp, { recursive: true, force: true });
            return actions.notify(`ansible ${safeText(rel)} not started: ${safeText(error instanceof Error ? error.message : String(error))}`, 'error');
          }
          const a: Active = { id: ++ids, kind: 'ansible', root: ws.root, terraformDir: ws.terraformDir, logsDir: ws.logsDir, tmp, planFile: '', pretty: new RingBuffer<string>(keep), raw: new RingBuffer<string>(keep), dirty: false, version: 0 };
          active = a;
          const recap = new RecapCollector(parseRecapLine);
          let state: RunState = { ...INITIAL_RUN_STATE };
          a.validation = () => state;
          const now = Date.now();
          consoleStore.batch(() => {
            actions.setRun({ id: a.id, kind: 'ansible', playbook: `${rel}${check ? ' --check' : ''}`, root: a.root, name: workspaceName(a.root), phase: 'planning', state: INITIAL_RUN_STATE, lines: a.pretty, raw: a.raw, dropped: 0, version: 0, startedAt: now, now, showRaw: false, follow: true, top: 0, search: { typing: false, input: '', term: '' } });
            actions.navigate({ screen: 'run' });
          });
          startTick(a);
          const inventory = join(ws.ansibleDir, 'inventory.yml');
          const proc = runAnsiblePlaybook({
            dir: existsSync(ws.ansibleDir) ? ws.ansibleDir : ws.root,
            playbook: path,
            ...(existsSync(inventory) ? { inventory } : {}),
            ...(check ? { check: true } : {}),
            extraArgs: extraVars.args,
            logsDir: ws.logsDir,
            keepLines: 1,
            detached: true,
            onLine: (line) => {
              recap.push(line.text);
              const text = safeText(line.text);
              a.pretty.push(text);
              a.raw.push(text);
              state = { ...state, lines: state.lines + 1 };
              a.dirty = true;
              flushTimer ??= setTimeout(flush, batchMs);
            },
          });
          a.ansibleProc = proc;
          // The secrets' files go when ansible-playbook ends, even after the console was left.
          void proc.done.then(extraVars.cleanup, extraVars.cleanup);
          void proc.done.then((r) => {
            if (disposed || active !== a) return;
            if (r.spawnError) {
              return end(a, { phase: 'failed', message: r.spawnError.code === 'ENOENT' ? 'ansible-playbook was not found on PATH: install Ansible, or set PMC_ANSIBLE_PLAYBOOK' : `ansible-playbook could not start: ${safeText(r.spawnError.message)}` }, { text: 'ansible: ansible-playbook could not start', level: 'error' });
            }
            const v = verdict(r.code, r.interrupted);
            const summary = recapSummary(recap.hosts);
            const log = r.logPath ? `; log: ${r.logPath}` : '';
            end(a, { phase: v, message: `${v === 'failed' ? `failed (exit ${r.code ?? r.signal}): ` : v === 'interrupted' ? 'interrupted: ' : ''}${summary}${log}`, ...(r.logPath ? { logPath: r.logPath } : {}) }, { text: `ansible ${rel}: ${v}, ${summary}`, level: v === 'done' ? 'info' : 'error' });
          }).catch((error: unknown) => {
        // A throw while reading the run's lines must not end the console.
        if (!disposed) actions.notify(`run: ${safeText(error instanceof Error ? error.message : String(error))}`, 'error');
      });
        })
        .catch((error: unknown) => {
          if (!disposed) actions.notify(`ansible: ${safeText((error as Error).message)}`, 'error');
        });
    },

    iac(what, prefix = '') {
      const cwd = options.cwd ?? process.cwd();
      const profile = store.getState().meta.profile;
      const readFrom = options.cachePath !== undefined ? { cachePath: options.cachePath } : {};
      const fail = (error: unknown): void => {
        if (!disposed) actions.notify(`${what}: ${safeText(error instanceof Error ? error.message : String(error))}`, 'error');
      };
      if (what === 'init') {
        void import('../../workspace/project.js')
          .then(({ findWorkspaceRoot, initWorkspace }) => {
            const existing = findWorkspaceRoot(cwd);
            if (existing !== undefined) return actions.notify(`init: ${existing} already is a workspace: :generate writes its code`, 'warn');
            // A console on PROXMOX_VE_* alone has a made-up profile name: no profile is named then
            // (the workspace uses the environment, as the console does).
            const fromEnv = isEnvProfileName(profile);
            const r = initWorkspace(cwd, fromEnv ? {} : { profile });
            actions.notify(`init: workspace ${fromEnv ? 'on the PROXMOX_VE_* environment' : `for profile ${safeText(profile)}`} in ${safeText(r.workspace.root)}: created ${r.created.join(', ')}; :generate writes the code`);
          })
          .catch(fail);
        return;
      }
      if (what === 'generate') {
        void import('../iac/generateCommand.js')
          .then(async ({ runGenerate }) => {
            const sink = new (await import('node:stream')).PassThrough();
            sink.resume();
            const { loadIacInput } = await import('../iac/loadInput.js');
            const report = await runGenerate({ profile, output: 'text' }, { cwd, stdout: sink, stderr: sink, load: (opts) => loadIacInput(opts, readFrom) });
            const { summaryLine } = await import('../../workspace/writeFiles.js');
            if (!disposed) actions.notify(`${prefix}generate: ${summaryLine(report.summary)}${report.backupDir ? ` (replaced files backed up in ${safeText(report.backupDir)})` : ''}`);
          })
          .catch(fail);
        return;
      }
      // :drift: the drift screen, on the report `proxmox-mpc drift` prints (computeDrift of the
      // cached cluster's generated code against terraform/*.tf). The last report stays on show
      // while a new check runs; only the newest check's result is kept.
      const seq = ++driftChecks;
      void Promise.all([import('../../workspace/project.js'), import('../iac/generateCommand.js'), import('../iac/driftCommand.js'), import('../iac/drift.js'), import('../iac/loadInput.js'), import('../../generators/index.js'), import('../iac/driftText.js')])
        .then(async ([{ requireWorkspace }, { workspaceReadOptions }, { readTerraformDir }, { computeDrift }, { loadIacInput }, { generateAll }, { driftSummary }]) => {
          const ws = requireWorkspace(cwd, 'drift');
          if (disposed || seq !== driftChecks) return;
          const before = store.getState().drift;
          consoleStore.batch(() => {
            actions.setDrift({ ...(before?.root === ws.root ? before : INITIAL_DRIFT_VIEW), running: true, root: ws.root, name: workspaceName(ws.root), error: undefined });
            actions.navigate({ screen: 'drift' });
          });
          try {
            const input = await loadIacInput(options.cachePath !== undefined ? { profile, output: 'text' } : workspaceReadOptions({ profile, output: 'text' }, ws, process.env), readFrom);
            const report = await computeDrift(await generateAll(input, ws.config.generate), readTerraformDir(ws.root));
            if (disposed || seq !== driftChecks) return;
            const names: Record<number, string> = {};
            for (const g of input.guests) if (g.name !== undefined) names[g.vmid] = g.name;
            const message = driftSummary(report);
            consoleStore.batch(() => {
              actions.patchDrift({ running: false, report, names, at: Date.now(), error: undefined });
              actions.notify(message, report.drift ? 'warn' : 'info');
            });
          } catch (error) {
            // A check a newer one replaced says nothing, its failure included.
            if (disposed || seq !== driftChecks) return;
            actions.patchDrift({ running: false, error: error instanceof Error ? error.message : String(error) });
            throw error;
          }
        })
        .catch(fail);
    },

    stop() {
      const a = active;
      if (a?.ansibleProc !== undefined) {
        const sent = a.ansibleProc.interrupt();
        if (sent === 'sigint') patch(a, { phase: 'stopping', message: 'stopping ansible-playbook (x again kills it)' });
        else if (sent === 'killed') patch(a, { message: 'ansible-playbook killed' });
        return;
      }
      if (a?.proc === undefined) return;
      const sent = a.proc.interrupt();
      if (sent === 'sigint') patch(a, { phase: 'stopping', message: 'stopping terraform cleanly (x again kills it)' });
      else if (sent === 'killed') patch(a, { message: 'terraform killed: the state may be locked or incomplete' });
    },

    dispose() {
      disposed = true;
      if (flushTimer) clearTimeout(flushTimer);
      stopTick();
      // Leaving the console stops a run the way Ctrl-C would (terraform finishes cleanly).
      if (active?.proc?.process.running) active.proc.interrupt();
      else if (active?.ansibleProc?.running) active.ansibleProc.interrupt();
      else if (active) cleanup(active);
    },
  };

  const currentScreen = (): string => {
    const s = store.getState();
    return s.stack[s.stack.length - 1]?.screen ?? '';
  };

  return host;
}
