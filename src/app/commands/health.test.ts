import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../observability/health.js';
import { formatHealth } from './health.js';

const report: HealthReport = {
  status: 'fail',
  lines: [
    { check: 'api', subject: 'node pve1', status: 'ok', message: 'online, 3.1 ms', ms: 3.1 },
    { check: 'tls', status: 'fail', message: 'MISMATCH' },
    { check: 'tool', subject: 'terraform', status: 'warn', message: 'not found on PATH' },
    { check: 'api', subject: 'node \u001b[2Jevil', status: 'ok', message: 'online' },
  ],
};

describe('formatHealth', () => {
  it('icons and colours on a terminal', () => {
    const text = formatHealth(report, { icons: true, color: true });
    expect(text.split('\n')[0]).toBe('\u001b[32m✓\u001b[0m api   node pve1: online, 3.1 ms');
    expect(text).toContain('\u001b[31m✗\u001b[0m tls   MISMATCH');
    expect(text).toContain('\u001b[33m!\u001b[0m tool  terraform: not found on PATH');
  });

  it('plain ASCII words without a terminal; names from the cluster cannot move the cursor; a summary line', () => {
    const text = formatHealth(report, { icons: false, color: false });
    expect(text).toBe(['OK   api   node pve1: online, 3.1 ms', 'FAIL tls   MISMATCH', 'WARN tool  terraform: not found on PATH', 'OK   api   node evil: online', 'Unhealthy: 1 problem(s), 1 warning(s).', ''].join('\n'));
    expect(formatHealth({ status: 'ok', lines: [report.lines[0]!] }, { icons: false, color: false }).endsWith('Healthy.\n')).toBe(true);
    expect(formatHealth({ status: 'warn', lines: [report.lines[2]!] }, { icons: false, color: false }).endsWith('Healthy, with 1 warning(s).\n')).toBe(true);
  });
});
