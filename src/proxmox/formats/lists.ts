// `;`-separated values inside a property string: VLAN trunks, boot order, feature and
// mount-option lists.
import type { FieldCodec } from './codec.js';

export interface VlanRange {
  from: number;
  /** Equal to `from` for a single VLAN id. */
  to: number;
}

function stringList(value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error(`not a list of strings: ${JSON.stringify(value)}`);
  }
  return value;
}

/** `10;20-30` <-> [{from:10,to:10},{from:20,to:30}] (the schema's pattern checks the text). */
export const vlanTrunksCodec: FieldCodec<VlanRange[]> = {
  parse(text) {
    return text.split(';').map((item) => {
      const [from, to] = item.split('-').map(Number);
      return { from: from!, to: to ?? from! };
    });
  },
  print(value) {
    if (!Array.isArray(value) || value.length === 0) throw new Error('trunks must list at least one VLAN');
    return value
      .map((r: unknown) => {
        const { from, to } = (r ?? {}) as Partial<VlanRange>;
        if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) throw new Error(`not a VLAN range: ${JSON.stringify(r)}`);
        return from === to ? `${from}` : `${from}-${to}`;
      })
      .join(';');
  },
};

/** `a;b;c` <-> ['a','b','c']; empty items are dropped. */
export function semicolonListCodec<T extends string = string>(): FieldCodec<T[]> {
  return {
    parse: (text) => text.split(';').filter((item) => item !== '') as T[],
    print(value) {
      const items = stringList(value);
      if (items.length === 0) throw new Error('the list is empty');
      return items.join(';');
    },
  };
}
