// Characters one terminal cell wide each, whatever follows them: printable ASCII, Latin-1 and
// Latin Extended (no soft hyphen), general punctuation (no zero-width or bidi controls), arrows,
// box drawing, block elements and geometric shapes (not the two emoji squares), and the check
// and cross marks the console draws. None of them joins a grapheme cluster with a neighbour in
// the set, so a string made only of them is as wide as it is long. test/narrow-text.test.ts
// checks every one against string-width itself.
export const NARROW_TEXT_SOURCE = '^[\\x20-\\x7e\\xa0-\\xac\\xae-\\u02ff\\u2010-\\u2027\\u2030-\\u205e\\u2190-\\u21ff\\u2500-\\u25fc\\u2713-\\u2715]*$';
