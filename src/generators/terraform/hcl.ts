// A small HCL writer: attributes, blocks and comments, printed exactly as `terraform fmt` prints
// them (two-space indent, the `=` of consecutive one-line attributes aligned, a comment line or
// a block ending the run). Every string from the API goes through `str`, which escapes it as an
// HCL quoted template literal: nothing in a guest's name, description or tag can end the
// string, start an interpolation (`${`, `%{`) or a new line of HCL.

/** An expression already in HCL syntax (`"text"`, `4`, `true`, `["a", "b"]`, `var.x`). */
export interface Expr {
  readonly hcl: string;
}

export type Node =
  | { kind: 'attr'; name: string; value: Expr }
  | { kind: 'block'; type: string; labels: readonly string[]; body: readonly Node[] }
  | { kind: 'comment'; text: string }
  | { kind: 'blank' };

const raw = (hcl: string): Expr => ({ hcl });

/** The HCL quoted-string literal of any text. */
export function str(text: string): Expr {
  return raw(`"${escapeTemplate(text)}"`);
}

/** Text with nothing to escape (the common case: names, storage ids, MACs). */
const PLAIN = /^[^\\"\n\r\t$%\u0000-\u001f\u007f-\u009f\u2028\u2029\ud800-\udfff]*$/;

export function escapeTemplate(text: string): string {
  if (PLAIN.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i]!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if ((ch === '$' || ch === '%') && text[i + 1] === '{') out += ch + ch;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + text[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\ufffd';
    else out += ch;
  }
  return out;
}

export function num(n: number): Expr {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return raw(String(n));
}

export function bool(b: boolean): Expr {
  return raw(b ? 'true' : 'false');
}

/** A reference or other expression written by the generator itself (never API text). */
export function ref(expression: string): Expr {
  return raw(expression);
}

/** `var.<name>`: a reference to a variable the generator declares (its name is written
 * unquoted, so it must be an identifier). */
export function varRef(name: string): Expr {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a variable name: ${name}`);
  return raw(`var.${name}`);
}

export function list(items: readonly Expr[]): Expr {
  return raw(`[${items.map((i) => i.hcl).join(', ')}]`);
}

export function strList(items: readonly string[]): Expr {
  return list(items.map(str));
}

export const attr = (name: string, value: Expr): Node => ({ kind: 'attr', name, value });
export const block = (type: string, labels: readonly string[], body: readonly Node[]): Node => ({ kind: 'block', type, labels, body });
export const blank: Node = { kind: 'blank' };

/** One comment line per line of text; text from the API is made printable (no line breaks or
 * control characters can end the comment). */
export function comment(text: string): Node[] {
  return text.split('\n').map((line) => ({ kind: 'comment', text: commentText(line) }));
}

export function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd').trimEnd();
}

/** Prints nodes at an indent level, as terraform fmt does. */
export function render(nodes: readonly Node[], indent = 0): string {
  const pad = '  '.repeat(indent);
  const lines: string[] = [];
  // The width of the names in each run of consecutive one-line attributes.
  const widths = new Map<number, number>();
  let runStart = -1;
  let runWidth = 0;
  const endRun = (end: number): void => {
    if (runStart < 0) return;
    for (let j = runStart; j < end; j++) widths.set(j, runWidth);
    runStart = -1;
    runWidth = 0;
  };
  nodes.forEach((n, i) => {
    if (n.kind === 'attr') {
      if (runStart < 0) runStart = i;
      runWidth = Math.max(runWidth, n.name.length);
    } else endRun(i);
  });
  endRun(nodes.length);

  nodes.forEach((n, i) => {
    switch (n.kind) {
      case 'attr':
        lines.push(`${pad}${n.name.padEnd(widths.get(i)!)} = ${n.value.hcl}`);
        break;
      case 'comment':
        lines.push(n.text === '' ? `${pad}#` : `${pad}# ${n.text}`);
        break;
      case 'blank':
        lines.push('');
        break;
      case 'block': {
        const head = [n.type, ...n.labels.map((l) => `"${escapeTemplate(l)}"`)].join(' ');
        if (n.body.length === 0) lines.push(`${pad}${head} {`, `${pad}}`);
        else lines.push(`${pad}${head} {`, render(n.body, indent + 1).replace(/\n$/, ''), `${pad}}`);
        break;
      }
    }
  });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** A whole file: top-level nodes separated as given, ending with one newline. */
export function renderFile(nodes: readonly Node[]): string {
  return render(nodes);
}
