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
