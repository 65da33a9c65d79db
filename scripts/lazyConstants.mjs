// Makes a module's costly top-level constants lazy: `const NAME = new Intl.Segmenter(...)` and
// regex literals using Unicode property escapes (`\p{RGI_Emoji}` alone costs ~14 ms to compile)
// become built on first use. Every later `NAME` in the file becomes `NAME()`. Returns the new
// source and the names it changed.
const DECLARATION = /^const (\w+) = (new Intl\.Segmenter\([^)]*\)|\/.*\\p\{.*\/[a-z]*);$/gm;

export function lazyConstants(source) {
  const names = [];
  let out = source.replace(DECLARATION, (_all, name, expr) => {
    names.push(name);
    return `let ${name}$lazy;\nconst ${name} = () => (${name}$lazy ??= ${expr});`;
  });
  for (const name of names) {
    // Uses of the constant (not its own declaration line, nor a property named like it).
    out = out.replace(new RegExp(`(?<![\\w.$])${name}(?![\\w$])(?! = \\(\\) =>)`, 'g'), (m, offset) => {
      const lineStart = out.lastIndexOf('\n', offset) + 1;
      return out.startsWith(`const ${name} = () =>`, lineStart) || out.startsWith(`let ${name}$lazy`, lineStart) ? m : `${name}()`;
    });
  }
  return { contents: out, names };
}
