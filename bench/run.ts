// Runs the benchmark figures and prints one JSON line per figure: {"name","value","unit"}.
// `npm run bench -- PREFIX` runs only the figures whose name starts with PREFIX.
// Figures are measurements, never assertions: nothing here fails on a slow machine.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figure } from './figure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const prefixes = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.ts')).sort();

let failed = 0;
for (const file of files) {
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { figures: Figure[] };
  for (const figure of mod.figures) {
    if (prefixes.length > 0 && !prefixes.some((p) => figure.name.startsWith(p))) continue;
    try {
      const { value, unit, ...extra } = await figure.run();
      process.stdout.write(`${JSON.stringify({ name: figure.name, value: round(value), unit, ...extra })}\n`);
    } catch (error) {
      failed += 1;
      process.stderr.write(`bench: ${figure.name} failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
  }
}
process.exitCode = failed > 0 ? 1 : 0;

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
