// A run line as the plain text a terminal (or a log reader) shows: Terraform's own message for
// an event, a diagnostic with its file:line and source line, text as it came. Every line made
// safe for a terminal (tool output can hold escapes).
import { safeText } from '../../util/terminalText.js';
import type { RunLine, TfDiagnostic } from './terraformEvents.js';

export function diagnosticLines(d: TfDiagnostic): string[] {
  const out = [`${d.severity === 'warning' ? 'Warning' : 'Error'}: ${safeText(d.summary)}`];
  if (d.range) {
    const ctx = d.snippet?.context ? `, in ${safeText(d.snippet.context)}` : '';
    out.push(`  on ${safeText(d.range.filename)} line ${d.range.start.line}${ctx}:`);
    if (d.snippet) out.push(`  ${String(d.snippet.start_line).padStart(3)}: ${safeText(d.snippet.code)}`);
  } else if (d.address) {
    out.push(`  with ${safeText(d.address)}`);
  }
  for (const l of (d.detail ?? '').split('\n')) if (l.trim() !== '') out.push(`  ${safeText(l)}`);
  return out;
}

export function plainLines(line: RunLine): string[] {
  if (line.kind === 'text') return [safeText(line.text)];
  const e = line.event;
  if (e.type === 'diagnostic') return diagnosticLines(e.diagnostic);
  const message = e['@message'];
  // Most messages are one line: no split, filter and map arrays for them.
  if (!message.includes('\n')) return message.trim() === '' ? [] : [safeText(message)];
  return message
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(safeText);
}
