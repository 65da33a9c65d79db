import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Prompter } from './prompt.js';

function setup() {
  const input = new PassThrough() as PassThrough & NodeJS.ReadStream;
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => (shown += d.toString()));
  const p = new Prompter({ input, output });
  return { input, p, shown: () => shown };
}

describe('Prompter', () => {
  it('reads a visible answer (with its default), then a secret masked, from one pasted chunk', async () => {
    const { input, p, shown } = setup();
    input.write('\rs3c\u007fret\r');
    expect(await p.ask('Name', 'default')).toBe('default');
    expect(await p.askSecret('Token')).toBe('s3ret');
    expect(shown()).toBe('Name [default]: \nToken: ***\b \b***\n');
    expect(shown()).not.toContain('s3');
    p.close();
  });

  it('y/N: empty is the default, anything else asked again', async () => {
    const { input, p, shown } = setup();
    input.write('maybe\ryes\r');
    expect(await p.confirm('Accept?')).toBe(true);
    expect(shown()).toContain('Please answer y or n.');
    input.write('\r');
    expect(await p.confirm('Accept?')).toBe(false);
    p.close();
  });

  it('Ctrl-C, or the input ending, cancels with nothing saved', async () => {
    const a = setup();
    a.input.write('ab\u0003');
    await expect(a.p.ask('Name')).rejects.toThrow('cancelled: nothing was saved');
    a.p.close();
    const b = setup();
    b.input.end();
    await expect(b.p.ask('Name')).rejects.toThrow('cancelled');
    b.p.close();
  });

  it('arrow keys are skipped, Ctrl-U clears the line', async () => {
    const { input, p } = setup();
    input.write('ab\u001b[Dc\u0015xy\r');
    expect(await p.ask('Name')).toBe('xy');
    p.close();
  });

  it('a character whose UTF-8 bytes are split across two reads stays whole (3- and 4-byte)', async () => {
    const { input, p, shown } = setup();
    const bytes = Buffer.from('p€ss😀x\r', 'utf8');
    // '€' is bytes 1..3, '😀' bytes 6..9: cut inside each.
    input.write(bytes.subarray(0, 2));
    await new Promise((r) => setImmediate(r));
    input.write(bytes.subarray(2, 8));
    await new Promise((r) => setImmediate(r));
    input.write(bytes.subarray(8));
    const answer = await p.askSecret('Password');
    expect(answer).toBe('p€ss😀x');
    expect(answer).not.toContain('\uFFFD');
    expect(shown()).toBe('Password: ******\n');
    p.close();
  });

  it('backspace removes a whole 4-byte character', async () => {
    const { input, p } = setup();
    input.write('a😀\u007fb\r');
    expect(await p.ask('Name')).toBe('ab');
    p.close();
  });
});
