// Line prompts on a terminal for the first-run wizard: visible answers echoed, secrets masked.
// Reads the terminal in raw mode itself (no readline), so that a visible and a hidden question
// can follow each other on the same input. Ctrl-C or Ctrl-D cancels the whole wizard.
import { StringDecoder } from 'node:string_decoder';
import { ExitCode, UserError } from '../userError.js';

export interface PromptIo {
  input: NodeJS.ReadStream;
  output: NodeJS.WritableStream;
}

export class Prompter {
  private buffered = '';
  private waiting: ((chunk: string | null) => void) | undefined;
  private ended = false;
  // A character whose UTF-8 bytes arrive in two reads is kept whole (not two U+FFFD).
  private readonly decoder = new StringDecoder('utf8');
  private readonly onData = (data: Buffer | string) => {
    this.buffered += typeof data === 'string' ? data : this.decoder.write(data);
    this.wake();
  };
  private readonly onEnd = () => {
    this.buffered += this.decoder.end();
    this.ended = true;
    this.wake();
  };

  constructor(private readonly io: PromptIo) {
    if (io.input.isTTY) io.input.setRawMode(true);
    io.input.on('data', this.onData);
    io.input.on('end', this.onEnd);
    io.input.resume();
  }

  close(): void {
    this.io.input.off('data', this.onData);
    this.io.input.off('end', this.onEnd);
    if (this.io.input.isTTY) this.io.input.setRawMode(false);
    this.io.input.pause();
  }

  write(text: string): void {
    this.io.output.write(text);
  }

  /** One answer; `fallback` when the answer is empty. */
  async ask(question: string, fallback?: string): Promise<string> {
    this.write(`${question}${fallback !== undefined && fallback !== '' ? ` [${fallback}]` : ''}: `);
    const answer = (await this.readLine(false)).trim();
    return answer === '' && fallback !== undefined ? fallback : answer;
  }

  /** An answer not echoed (a `*` per character). */
  async askSecret(question: string): Promise<string> {
    this.write(`${question}: `);
    return this.readLine(true);
  }

  /** y/N (or Y/n with defaultYes). */
  async confirm(question: string, defaultYes = false): Promise<boolean> {
    for (;;) {
      const answer = (await this.ask(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'}`)).toLowerCase();
      if (answer === '') return defaultYes;
      if (answer === 'y' || answer === 'yes') return true;
      if (answer === 'n' || answer === 'no') return false;
      this.write('Please answer y or n.\n');
    }
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.(null);
  }

  private async nextChars(): Promise<string> {
    while (this.buffered === '') {
      if (this.ended) throw cancelled();
      await new Promise<string | null>((resolve) => (this.waiting = resolve));
    }
    const chunk = this.buffered;
    this.buffered = '';
    return chunk;
  }

  private async readLine(hidden: boolean): Promise<string> {
    let line = '';
    for (;;) {
      const chunk = await this.nextChars();
      for (let i = 0; i < chunk.length; i++) {
        const ch = chunk[i]!;
        if (ch === '\r' || ch === '\n') {
          // the rest of a pasted chunk belongs to the next question
          this.buffered = chunk.slice(i + (ch === '\r' && chunk[i + 1] === '\n' ? 2 : 1)) + this.buffered;
          this.write('\n');
          return line;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          this.write('\n');
          throw cancelled();
        }
        if (ch === '\u007f' || ch === '\b') {
          if (line.length > 0) {
            line = line.slice(0, /[\uDC00-\uDFFF]$/.test(line) ? -2 : -1); // a whole character, never half a pair
            this.write('\b \b');
          }
          continue;
        }
        if (ch === '\u0015') {
          this.write('\b \b'.repeat(line.length));
          line = '';
          continue;
        }
        if (ch === '\u001b') {
          // an escape sequence (arrow keys): skip it
          const m = /^\u001b(\[[0-?]*[ -/]*[@-~]|O.|.)?/.exec(chunk.slice(i));
          i += (m?.[0].length ?? 1) - 1;
          continue;
        }
        if (ch < ' ') continue;
        // A character outside the BMP is two UTF-16 units: one `*`, one character.
        const whole = /[\uD800-\uDBFF]/.test(ch) && /[\uDC00-\uDFFF]/.test(chunk[i + 1] ?? '') ? ch + chunk[++i]! : ch;
        line += whole;
        this.write(hidden ? '*' : whole);
      }
    }
  }
}

function cancelled(): UserError {
  return new UserError('cancelled: nothing was saved', ExitCode.failure);
}
