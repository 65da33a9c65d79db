// Text from the API is untrusted: a guest name, tag, description, task log line or error text
// could hold escape sequences that move the cursor, recolour the screen or set the window
// title. Strip them, and every other control character, before anything reaches the terminal.
// The one sanitiser for every layer (the API client's error messages use it too).

// CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC (ESC P|X|^|_ ... ST),
// two-character escapes (ESC + one byte), and their 8-bit C1 forms.
const ESCAPES =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[\s\S]?/g;
// ...and the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which make
// a terminal show text in another order than it is (`evil\u202Etxt.exe`: "Trojan Source").
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** One line of untrusted text, safe to print: escapes and controls removed, tabs and
 * newlines turned into spaces. */
export function safeText(text: string): string {
  return text.replace(ESCAPES, '').replace(/[\t\n\r]/g, ' ').replace(CONTROLS, '');
}

const NAMED_CONTROLS: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One line of text the user wrote (a key in their config file): control characters shown as
 * JSON escapes (`\n`, `\u001b`), so a message names the key exactly and stays one harmless line. */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => NAMED_CONTROLS[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
