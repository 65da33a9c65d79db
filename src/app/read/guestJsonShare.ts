// The part of a guest listing's JSON that runs on either thread: one share of the guests (a
// vmid range) as chunks of array elements, each element preceded by `,\n` (the share follows
// the main thread's own), the fallback rows (guestRecordsJson) printed as records.
import type { GuestRow } from '../../db/model.js';
import { escapeJsonUnsafe, jsonElement } from '../output/serialize.js';
import { guestRecord } from './records.js';

/** Chunks of about this many characters. */
export const SHARE_CHUNK_CHARS = 1 << 20;

export function elementText(item: string | GuestRow): string {
  return typeof item === 'string' ? item : jsonElement(guestRecord(item));
}

/** Emits `,\n<element>` for each item, in escaped chunks of about SHARE_CHUNK_CHARS. */
export function emitShare(items: Iterable<string | GuestRow>, emit: (chunk: string) => void): void {
  let chunk = '';
  for (const item of items) {
    chunk += `,\n${elementText(item)}`;
    if (chunk.length >= SHARE_CHUNK_CHARS) {
      emit(escapeJsonUnsafe(chunk));
      chunk = '';
    }
  }
  if (chunk !== '') emit(escapeJsonUnsafe(chunk));
}
