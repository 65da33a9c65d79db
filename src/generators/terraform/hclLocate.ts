// Where blocks and attributes are in an HCL file: @cdktn/hcl2json gives the structure but no
// positions, so the schema check finds the line of a finding by walking the source with a light
// scanner (strings, comments, heredocs and bracket depth are followed; expressions are skipped).

export interface LocatedBlock {
  type: string;
  labels: string[];
  line: number;
  attrs: Map<string, number>;
  children: LocatedBlock[];
}

const IDENT = /^[A-Za-z_][\w-]*/;

/** The blocks of a file as a tree, with the line (1-based) of each block and attribute. */
export function locateBlocks(src: string): LocatedBlock {
  const root: LocatedBlock = { type: '', labels: [], line: 0, attrs: new Map(), children: [] };
  const stack: LocatedBlock[] = [root];
  let i = 0;
  let line = 1;
  const n = src.length;

  const skipSpace = (stopAtNewline: boolean): void => {
    while (i < n) {
      const c = src[i]!;
      if (c === '\n') {
        if (stopAtNewline) return;
        line++;
        i++;
      } else if (c === ' ' || c === '\t' || c === '\r') i++;
      else if (c === '#' || (c === '/' && src[i + 1] === '/')) {
        while (i < n && src[i] !== '\n') i++;
      } else if (c === '/' && src[i + 1] === '*') {
        i += 2;
        while (i < n && !(src[i] === '*' && src[i + 1] === '/')) {
          if (src[i] === '\n') line++;
          i++;
        }
        i += 2;
      } else return;
    }
  };

  const skipString = (): string => {
    // at the opening quote; returns the literal text (escapes kept raw)
    let text = '';
    i++;
    let depth = 0;
    while (i < n) {
      const c = src[i]!;
      if (c === '\\') {
        text += src.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (c === '\n') line++;
      if ((c === '$' || c === '%') && src[i + 1] === '{' && src[i - 1] !== c) {
        depth++;
        text += c + '{';
        i += 2;
        continue;
      }
      if (depth > 0) {
        if (c === '{') depth++;
        else if (c === '}') depth--;
        else if (c === '"') {
          skipString();
          continue;
        }
        text += c;
        i++;
        continue;
      }
      if (c === '"') {
        i++;
        return text;
      }
      text += c;
      i++;
    }
    return text;
  };

  /** Skips an expression up to the end of its line (brackets may span lines). */
  const skipExpression = (): void => {
    let depth = 0;
    while (i < n) {
      const c = src[i]!;
      if (c === '"') {
        skipString();
        continue;
      }
      if (c === '<' && src[i + 1] === '<') {
        const m = /^<<-?([A-Za-z_]\w*)[^\n]*\n/.exec(src.slice(i));
        if (m) {
          i += m[0].length;
          line++;
          const end = new RegExp(`^\\s*${m[1]}\\s*$`);
          while (i < n) {
            const nl = src.indexOf('\n', i);
            const text = src.slice(i, nl < 0 ? n : nl);
            i = nl < 0 ? n : nl + 1;
            line++;
            if (end.test(text)) break;
          }
          if (depth === 0) return;
          continue;
        }
      }
      if (c === '#' || (c === '/' && (src[i + 1] === '/' || src[i + 1] === '*'))) {
        skipSpace(true);
        continue;
      }
      if (c === '{' || c === '[' || c === '(') depth++;
      else if (c === '}' || c === ']' || c === ')') {
        if (depth === 0) return; // the end of the enclosing block
        depth--;
      } else if (c === '\n') {
        if (depth === 0) return;
        line++;
      }
      i++;
    }
  };

  while (i < n) {
    skipSpace(false);
    if (i >= n) break;
    const c = src[i]!;
    if (c === '}') {
      if (stack.length > 1) stack.pop();
      i++;
      continue;
    }
    const m = IDENT.exec(src.slice(i, i + 200));
    if (!m) {
      i++;
      continue;
    }
    const name = m[0];
    const startLine = line;
    i += name.length;
    skipSpace(true);
    if (src[i] === '=' && src[i + 1] !== '=') {
      i++;
      stack[stack.length - 1]!.attrs.set(name, startLine);
      skipExpression();
      continue;
    }
    const labels: string[] = [];
    for (;;) {
      skipSpace(true);
      if (src[i] === '"') labels.push(skipString());
      else {
        const l = IDENT.exec(src.slice(i, i + 200));
        if (l && src[i] !== '{') {
          labels.push(l[0]);
          i += l[0].length;
        } else break;
      }
    }
    if (src[i] === '{') {
      i++;
      const b: LocatedBlock = { type: name, labels, line: startLine, attrs: new Map(), children: [] };
      stack[stack.length - 1]!.children.push(b);
      stack.push(b);
      // a one-line block `x { a = 1 }`
      continue;
    }
    // Not a block or attribute we understand: skip the rest of the line.
    skipExpression();
  }
  return root;
}

/** The nth child block of a type. */
export function childBlock(parent: LocatedBlock | undefined, type: string, index: number, labels?: readonly string[]): LocatedBlock | undefined {
  if (!parent) return undefined;
  const matching = parent.children.filter((c) => c.type === type && (labels === undefined || (c.labels.length === labels.length && c.labels.every((l, k) => l === labels[k]))));
  return matching[index];
}
