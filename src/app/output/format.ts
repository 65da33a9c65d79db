// The `-o` choices and what each read command makes of them.
import { ExitCode, UserError } from '../userError.js';

export const OUTPUT_FORMATS = ['text', 'table', 'wide', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type ReadFormat = 'table' | 'wide' | 'json' | 'yaml';

/** `text` (the default, kept for ping) reads as `table`. */
export function readFormat(output: OutputFormat | undefined, allowed: readonly ReadFormat[] = ['table', 'wide', 'json', 'yaml']): ReadFormat {
  const format: ReadFormat = output === undefined || output === 'text' ? 'table' : output;
  if (!allowed.includes(format)) {
    throw new UserError(`-o ${format} is not available here: use ${allowed.join(', ')}`, ExitCode.usage);
  }
  return format;
}

export function isDataFormat(format: ReadFormat): format is 'json' | 'yaml' {
  return format === 'json' || format === 'yaml';
}
