import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainLines } from './plainText.js';
import { countStates, INITIAL_RUN_STATE, reduceRun, reduceRunLines, rowElapsedSeconds } from './runState.js';
import { changesText, parseTerraformLine } from './terraformEvents.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/iac/terraform-json-ui');

function fixture(name: string) {
  return readFileSync(resolve(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => parseTerraformLine(l));
}

describe('parseTerraformLine', () => {
  it('types every line of the captured runs', () => {
    for (const f of ['plan.jsonl', 'apply-saved-plan.jsonl', 'apply-auto-approve.jsonl', 'destroy.jsonl', 'apply-provisioner-error.jsonl', 'apply-interrupted.jsonl']) {
      for (const l of fixture(f)) {
        expect(l.kind).toBe('event');
        if (l.kind === 'event') expect(l.event.type).not.toBe('other');
      }
    }
  });

  it('keeps text and unknown types instead of failing', () => {
    expect(parseTerraformLine('panic: runtime error', 'stderr')).toEqual({ kind: 'text', stream: 'stderr', text: 'panic: runtime error' });
    expect(parseTerraformLine('{not json')).toMatchObject({ kind: 'text' });
    const other = parseTerraformLine('{"type":"ephemeral_op_start","@message":"x: Opening..."}');
    expect(other).toMatchObject({ kind: 'event', event: { type: 'other', original: 'ephemeral_op_start', '@message': 'x: Opening...' } });
    // A known type with a broken shape is not trusted as that type.
    expect(parseTerraformLine('{"type":"apply_start","hook":{}}')).toMatchObject({ kind: 'event', event: { type: 'other' } });
  });
});

describe('reduceRun on captured terraform runs', () => {
  it('plan: rows planned with their action, the plan summary', () => {
    const s = reduceRunLines(fixture('plan.jsonl'));
    expect(s.terraformVersion).toBe('1.11.4');
    expect(s.rows.map((r) => [r.addr, r.action, r.state])).toEqual([
      ['terraform_data.step1', 'create', 'planned'],
      ['terraform_data.step2', 'create', 'planned'],
    ]);
    expect(s.planSummary && changesText(s.planSummary)).toBe('2 to add, 0 to change, 0 to destroy');
    expect(s.summary).toBeUndefined();
    expect(s.lines).toBe(5);
  });

  it('apply of a saved plan: planned -> applying -> done, with elapsed time and ids', () => {
    const lines = fixture('apply-saved-plan.jsonl');
    const states: string[] = [];
    let s = INITIAL_RUN_STATE;
    for (const l of lines) {
      s = reduceRun(s, l);
      const step2 = s.rows.find((r) => r.addr === 'terraform_data.step2');
      if (step2 && states.at(-1) !== step2.state) states.push(step2.state);
    }
    expect(states).toEqual(['planned', 'applying', 'done']);
    const step2 = s.rows[1]!;
    expect(step2).toMatchObject({ state: 'done', action: 'create', elapsedSeconds: 12, id: 'd38ad202-c92f-e0e3-3935-93df068e0234', lastOutput: 'tick 3' });
    expect(rowElapsedSeconds(step2, Date.now())).toBe(12);
    expect(s.summary).toMatchObject({ add: 2, change: 0, remove: 0, operation: 'apply' });
    expect(s.outputs?.name).toMatchObject({ value: 'web-01' });
    expect(countStates(s)).toEqual({ done: 2 });
    expect(s.diagnostics).toEqual([]);
  });

  it('apply_progress updates the elapsed time of a resource still applying', () => {
    const lines = fixture('apply-saved-plan.jsonl');
    const i = lines.findIndex((l) => l.kind === 'event' && l.event.type === 'apply_progress');
    const s = reduceRunLines(lines.slice(0, i + 1));
    expect(s.rows[1]).toMatchObject({ addr: 'terraform_data.step2', state: 'applying', elapsedSeconds: 10 });
    // While applying, elapsed ticks from its start to now.
    expect(rowElapsedSeconds(s.rows[1]!, s.rows[1]!.startedAt! + 15_000)).toBe(15);
  });

  it('a no-op apply: refreshed rows unchanged, nothing to do', () => {
    const s = reduceRunLines(fixture('apply-auto-approve.jsonl'));
    expect(s.rows.map((r) => r.state)).toEqual(['unchanged', 'unchanged']);
    expect(s.summary).toMatchObject({ add: 0, change: 0, remove: 0 });
  });

  it('destroy: delete planned, then done, with the destroy summary', () => {
    const s = reduceRunLines(fixture('destroy.jsonl'));
    expect(s.rows.map((r) => [r.addr, r.action, r.state])).toEqual([
      ['terraform_data.step1', 'delete', 'done'],
      ['terraform_data.step2', 'delete', 'done'],
    ]);
    expect(s.planSummary).toMatchObject({ remove: 2, operation: 'plan' });
    expect(s.summary).toMatchObject({ remove: 2, operation: 'destroy' });
  });

  it('a failing provisioner: the row failed, the diagnostic with file:line and snippet', () => {
    const s = reduceRunLines(fixture('apply-provisioner-error.jsonl'));
    expect(s.rows.map((r) => [r.addr, r.state])).toEqual([
      ['terraform_data.ok', 'done'],
      ['terraform_data.boom', 'failed'],
    ]);
    expect(s.rows[1]).toMatchObject({ provisionerFailed: true, lastOutput: 'to-stderr' });
    expect(s.errors).toBe(1);
    expect(s.diagnostics[0]).toMatchObject({
      severity: 'error',
      summary: 'local-exec provisioner error',
      address: 'terraform_data.boom',
      location: 'main.tf:7:28',
      file: 'main.tf',
      line: 7,
      snippet: { context: 'resource "terraform_data" "boom"', code: '  provisioner "local-exec" {', line: 7, highlightStart: 27, highlightEnd: 28 },
    });
    expect(s.diagnostics[0]!.detail).toContain('exit status 3');
    expect(s.summary).toBeUndefined();
    const text = fixture('apply-provisioner-error.jsonl').flatMap(plainLines);
    expect(text).toContain('Error: local-exec provisioner error');
    expect(text).toContain('  on main.tf line 7, in resource "terraform_data" "boom":');
    expect(text).toContain('    7:   provisioner "local-exec" {');
  });

  it('an interrupted apply: interrupted, the resource failed, execution halted', () => {
    const s = reduceRunLines(fixture('apply-interrupted.jsonl'));
    expect(s.interrupted).toBe(true);
    expect(s.rows[0]).toMatchObject({ addr: 'terraform_data.slow', state: 'failed', lastOutput: 'started' });
    expect(s.diagnostics.map((d) => d.summary)).toContain('execution halted');
    expect(s.messages).toContain('Stopping operation...');
  });
});

describe('per-line cost paths', () => {
  const event = (o: Record<string, unknown>) => parseTerraformLine(JSON.stringify({ '@level': 'info', '@timestamp': '2026-12-08T01:00:00Z', ...o }));

  it('plainLines: a one-line message as it is (made safe), a blank one dropped, a multi-line one split', () => {
    expect(plainLines(event({ type: 'log', '@message': 'one \u001b[31mline' }))).toEqual(['one line']);
    expect(plainLines(event({ type: 'log', '@message': '   ' }))).toEqual([]);
    expect(plainLines(event({ type: 'log', '@message': 'a\n\n  \nb' }))).toEqual(['a', 'b']);
  });

  it('reduceRun counts a line without changing the state it was given', () => {
    const res = { addr: 'terraform_data.a', module: '', resource: 'terraform_data.a', implied_provider: 'terraform', resource_type: 'terraform_data', resource_name: 'a', resource_key: null };
    const s1 = reduceRun(INITIAL_RUN_STATE, event({ type: 'planned_change', '@message': 'x', change: { resource: res, action: 'create' } }));
    const s2 = reduceRun(s1, event({ type: 'provision_progress', '@message': 'x', hook: { resource: res, provisioner: 'local-exec', output: 'hi' } }));
    const s3 = reduceRun(s2, parseTerraformLine('plain text'));
    expect([INITIAL_RUN_STATE.lines, s1.lines, s2.lines, s3.lines]).toEqual([0, 1, 2, 3]);
    expect(s1.rows[0]).toMatchObject({ state: 'planned' });
    expect(s1.rows[0]!.lastOutput).toBeUndefined();
    expect(s2.rows[0]).toMatchObject({ lastOutput: 'hi' });
    expect(s3).not.toBe(s2);
    expect(s3.rows).toBe(s2.rows);
  });
});
