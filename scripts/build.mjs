// Bundles the CLI with esbuild: one ESM entry plus lazily loaded chunks, so start-up only
// parses what the chosen command needs. Native modules stay external.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { lazyConstants } from './lazyConstants.mjs';
import { NARROW_TEXT_SOURCE } from './narrowText.mjs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// react-devtools-core: Ink loads it only when DEV=true (a development tool, not shipped).
// @cdktn/hcl2json and @cdktn/hcl-tools load their WASM (and Go's wasm_exec bridge) from their own
// directories at run time.
const external = ['better-sqlite3', 'node-pty', 'react-devtools-core', '@cdktn/hcl2json', '@cdktn/hcl-tools'];

// Ink 6.8's incremental renderer moves the cursor up one line too few when the previous frame
// ended with a newline (every frame that is shorter than the terminal), so each frame after the
// first is drawn one line lower. Patched at bundling; the build fails if the code changed.
const INK_CURSOR_FIX = {
  name: 'ink-incremental-cursor-fix',
  setup(b) {
    b.onLoad({ filter: /ink[\\/]build[\\/]log-update\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const broken = 'buffer.push(ansiEscapes.cursorUp(previousVisible - 1));';
      if (!source.includes(broken)) throw new Error(`${args.path}: the incremental cursor fix no longer applies (Ink changed): check it is still needed`);
      const fixed = "buffer.push(ansiEscapes.cursorUp(previousVisible - (previousOutput.endsWith('\\n') ? 0 : 1)));";
      return { contents: source.replace(broken, fixed), loader: 'js' };
    });
  },
};

// Ink tokenises and measures every line of the screen again on every frame: its caches live
// in each frame's Output object. Shared between frames (and emptied when they grow large), an
// unchanged line costs a map lookup, which is most of what a key press redraws.
const INK_SHARED_OUTPUT_CACHES = {
  name: 'ink-shared-output-caches',
  setup(b) {
    b.onLoad({ filter: /ink[\\/]build[\\/]output\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const perFrame = 'caches = new OutputCaches();';
      if (!source.includes(perFrame)) throw new Error(`${args.path}: the shared output caches patch no longer applies (Ink changed)`);
      const shared = `
let sharedCaches;
function framesCaches() {
  // Each cached line is an array of per-character objects (~250 bytes a character): 20,000
  // lines of a streaming log held ~500,000 of them (200 MB); 1,000 is still ~20 screens.
  if (sharedCaches === undefined || sharedCaches.styledChars.size > 1000 || sharedCaches.widths.size > 20000) sharedCaches = new OutputCaches();
  return sharedCaches;
}
`;
      return { contents: source.replace('export default class Output', `${shared}export default class Output`).replace(perFrame, 'caches = framesCaches();'), loader: 'js' };
    });
    // The same for the width of each text node, measured on every frame to decide wrapping.
    b.onLoad({ filter: /ink[\\/]build[\\/]render-node-to-output\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const measured = 'const currentWidth = widestLine(text);';
      if (!source.includes(measured)) throw new Error(`${args.path}: the widest-line cache patch no longer applies (Ink changed)`);
      const cached = `
let widths = new Map();
function cachedWidestLine(text) {
  let width = widths.get(text);
  if (width === undefined) {
    if (widths.size > 20000) widths = new Map();
    widths.set(text, (width = widestLine(text)));
  }
  return width;
}
`;
      return { contents: source.replace(measured, 'const currentWidth = cachedWidestLine(text);') + cached, loader: 'js' };
    });
    // Ink's text measurer keeps every text it ever measured: a log streaming for an hour would
    // fill it with every line shown. Emptied when it grows large, like the caches above.
    b.onLoad({ filter: /ink[\\/]build[\\/]measure-text\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const set = '    cache.set(text, dimensions);';
      if (!source.includes(set)) throw new Error(`${args.path}: the measure cache bound no longer applies (Ink changed)`);
      return { contents: source.replace(set, `    if (cache.size > 20000) cache.clear();\n${set}`), loader: 'js' };
    });
  },
};

// string-width segments every string into grapheme clusters (Intl.Segmenter: an object per
// character) and runs Unicode regexes on each: Ink measures every new line of a streaming log
// and every cell of the first frame that way. A string of characters that are one cell each
// (scripts/narrowText.mjs; ambiguous ones count narrow, string-width's default) is as wide as
// it is long.
const STRING_WIDTH_ASCII = {
  name: 'string-width-ascii',
  setup(b) {
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const source = lazyUnicodeTables(args.path);
      const head = /export default function stringWidth\((\w+), options = \{\}\) \{/;
      const m = head.exec(source);
      if (!m) throw new Error(`${args.path}: the ASCII fast path no longer applies (string-width changed)`);
      const fast = `\n\tif (typeof ${m[1]} === 'string' && options.ambiguousIsNarrow !== false && /${NARROW_TEXT_SOURCE}/.test(${m[1]})) return ${m[1]}.length;`;
      return { contents: source.replace(head, `${m[0]}${fast}`), loader: 'js' };
    });
  },
};

// string-width (three versions in the tree) and slice-ansi build an Intl.Segmenter and compile
// Unicode-property regexes when loaded: ~30 ms each on every console start, though the fast path
// above means most frames never use them. Built on first use instead (scripts/lazyConstants.mjs).
function lazyUnicodeTables(path) {
  const { contents, names } = lazyConstants(readFileSync(path, 'utf8'));
  if (!names.some((n) => /segmenter/i.test(n))) throw new Error(`${path}: the lazy-constants patch no longer applies (its segmenter moved)`);
  return contents;
}

const SLICE_ANSI_LAZY = {
  name: 'slice-ansi-lazy',
  setup(b) {
    b.onLoad({ filter: /[\\/]slice-ansi[\\/]tokenize-ansi\.js$/ }, (args) => ({ contents: lazyUnicodeTables(args.path), loader: 'js' }));
  },
};

// yoga-layout's Emscripten loader reads its inlined wasm with `fetch(dataURI)` whenever fetch
// exists: on Node that loads undici and goes through it, 20-45 ms of every console start. The
// loader's own synchronous base64 decoding (`wa`) serves a data URI as well.
const YOGA_NO_FETCH = {
  name: 'yoga-no-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const from = 'function ya(){return w||"function"!=typeof fetch?';
      if (!source.includes(from)) throw new Error(`${args.path}: the no-fetch patch no longer applies (yoga-layout changed)`);
      return { contents: source.replace(from, 'function ya(){return w||ua(H)||"function"!=typeof fetch?'), loader: 'js' };
    });
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: {
    cli: 'src/app/cli.ts',
    'sync-worker': 'src/sync/worker.ts',
    'get-worker': 'src/app/read/guestJsonWorker.ts',
    // The schema-only Terraform provider `validate` starts (it finds its .proto files below).
    'tf-schema-provider': 'src/workspace/checks/stubProvider/server.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minifySyntax: true,
  legalComments: 'none',
  external,
  logLevel: 'warning',
  plugins: [INK_CURSOR_FIX, INK_SHARED_OUTPUT_CACHES, STRING_WIDTH_ASCII, SLICE_ANSI_LAZY, YOGA_NO_FETCH],
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __pmcCreateRequire } from 'node:module';\nconst require = __pmcCreateRequire(import.meta.url);",
  },
  define: { 'process.env.PMC_BUNDLED': '"1"', 'process.env.NODE_ENV': '"production"', __PMC_VERSION__: JSON.stringify(version) },
});
chmodSync('dist/cli.js', 0o755);
// The schema-only provider loads its protocol definitions at run time.
mkdirSync('dist/stubProvider', { recursive: true });
for (const proto of ['tfplugin6.proto', 'goPlugin.proto']) copyFileSync(`src/workspace/checks/stubProvider/${proto}`, `dist/stubProvider/${proto}`);
