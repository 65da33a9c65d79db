// YAML as Ansible reads it: emitted by the `yaml` package (never by string concatenation), in
// YAML 1.1 mode so that any string PyYAML would read as something else (`yes`, `on`, `0x1F`,
// `1_000`, `~`) is quoted, with `---` and a header comment, lines of at most 150 characters (ansible-lint's limit is 160). Text from the API that could hold
// a Jinja template (`{{`, `{%`, `{#`) is tagged `!unsafe`, so Ansible never evaluates it.
import { Document, type Node as YamlNode, isScalar } from 'yaml';

/** Marks a string as data Ansible must never template. */
export class Untrusted {
  constructor(readonly text: string) {}
}

type Plain = string | number | boolean | null | Untrusted | Commented | Plain[] | { [key: string]: Plain };

/** A mapping value with a comment line before its key. */
export class Commented {
  constructor(
    readonly comment: string,
    readonly value: Plain,
  ) {}
}

export type YamlValue = Plain;

const JINJA = /\{[{%#]/;

function toNode(doc: Document, value: Plain): YamlNode | null {
  if (value instanceof Untrusted) {
    const node = doc.createNode(value.text);
    if (JINJA.test(value.text) && isScalar(node)) node.tag = '!unsafe';
    return node;
  }
  if (value instanceof Commented) return toNode(doc, value.value);
  if (Array.isArray(value)) {
    const seq = doc.createNode([]);
    for (const item of value) (seq as unknown as { items: unknown[] }).items.push(toNode(doc, item));
    return seq;
  }
  if (value !== null && typeof value === 'object') {
    const map = doc.createNode({});
    const items = (map as unknown as { items: unknown[] }).items;
    for (const [key, v] of Object.entries(value)) {
      const pair = doc.createPair(key, null);
      pair.value = toNode(doc, v);
      if (v instanceof Commented && isScalar(pair.key)) pair.key.commentBefore = ` ${v.comment}`;
      items.push(pair);
    }
    return map;
  }
  return doc.createNode(value);
}

/** The text of one YAML file: the header as `# ` comment lines, `---`, then the value. */
export function renderYaml(header: readonly string[], value: Plain): string {
  const doc = new Document(null, { version: '1.1' });
  doc.contents = toNode(doc, value) as never;
  doc.commentBefore = header.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
  return doc.toString({ lineWidth: 150, minContentWidth: 40, directives: true, nullStr: '', indentSeq: true });
}
