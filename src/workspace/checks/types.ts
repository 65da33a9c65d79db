/**
 * One result of a workspace check (terraform fmt/validate, the TypeScript
 * schema check, ansible syntax-check/inventory/lint). Every checker returns a
 * list of these; the `validate` command and the console's run screen show them.
 *
 * `ok: true` results record a check that passed (so a checklist can show ✓);
 * `ok: false` results are findings, with the file and position when the tool
 * gives one (file relative to the checked directory where possible).
 */
export interface CheckResult {
  tool: string;
  check: string;
  ok: boolean;
  severity: 'error' | 'warning' | 'info';
  message: string;
  file?: string;
  line?: number;
  column?: number;
}
