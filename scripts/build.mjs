// Bundles src/cli/main.ts into dist/ with one lazily loaded chunk per command.
// Native and heavy runtime packages stay external so they load only when a command needs them.
import { build } from 'esbuild';
import { readFile, rm, writeFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });
const result = await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  chunkNames: 'chunks/[name]-[hash]',
  // react-devtools-core: Ink imports it only when DEV=true (not installed; Ink then says how to add it).
  external: ['better-sqlite3', 'react-devtools-core'],
  define: {
    OMK_VERSION: JSON.stringify(pkg.version),
    'process.env.NODE_ENV': '"production"',
  },
  // Bundled CommonJS packages call require() and read __filename/__dirname; ESM has none of them.
  banner: {
    js: [
      "import { createRequire as __omkCreateRequire } from 'node:module';",
      "import { fileURLToPath as __omkFileURLToPath } from 'node:url';",
      'const require = __omkCreateRequire(import.meta.url);',
      'const __filename = __omkFileURLToPath(import.meta.url);',
      "const __dirname = __omkFileURLToPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  logLevel: 'warning',
});
// Kept for the start-up tests: which chunk statically pulls in which package.
await writeFile(new URL('../dist/meta.json', import.meta.url), JSON.stringify(result.metafile));
const outputs = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'));
process.stderr.write(`built ${outputs.length} files into dist/\n`);

// The dashboard page (docs/dashboard.md): one script and one stylesheet, minified, served by the
// dashboard itself (no CDN, works offline). Over its size budget the build fails.
const PAGE_BUDGET = { 'dist/web/app.js': 48 * 1024, 'dist/web/app.css': 12 * 1024 };
const page = await build({
  entryPoints: { app: 'src/web/page/main.ts', 'app-style': 'src/web/page/style.css' },
  outdir: 'dist/web',
  entryNames: '[name]',
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  metafile: true,
  logLevel: 'warning',
});
const { rename } = await import('node:fs/promises');
await rename(new URL('../dist/web/app-style.css', import.meta.url), new URL('../dist/web/app.css', import.meta.url));
const sizes = {};
for (const [file, info] of Object.entries(page.metafile.outputs)) sizes[file.replace('app-style.css', 'app.css')] = info.bytes;
for (const [file, limit] of Object.entries(PAGE_BUDGET)) {
  if ((sizes[file] ?? 0) > limit) {
    process.stderr.write(`${file} is ${sizes[file]} bytes, over its budget of ${limit}\n`);
    process.exit(1);
  }
}
process.stderr.write(`dashboard page: ${Object.entries(PAGE_BUDGET).map(([f, l]) => `${f.slice(9)} ${sizes[f]} B (budget ${l})`).join(', ')}\n`);
