import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OmkError } from '../core/errors.js';

/** The page's files, built by scripts/build.mjs into dist/web/ and shipped in the package (no CDN). */
export interface PageAssets {
  js: string;
  css: string;
  /** Content hash of both: the cache-busting `?v=` and the ETag. */
  version: string;
}

/** dist/web next to the bundled chunk (dist/chunks/…), or under the package root when run from source. */
function assetDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../web'), path.resolve(here, '../../dist/web')];
  const found = candidates.find((d) => existsSync(path.join(d, 'app.js')) && existsSync(path.join(d, 'app.css')));
  if (!found) throw new OmkError('not_found', 'the dashboard page is not built (dist/web/app.js is missing)', { hint: 'run npm run build' });
  return found;
}

export function loadPageAssets(): PageAssets {
  const dir = assetDir();
  const js = readFileSync(path.join(dir, 'app.js'), 'utf8');
  const css = readFileSync(path.join(dir, 'app.css'), 'utf8');
  return { js, css, version: createHash('sha256').update(js).update('\0').update(css).digest('hex').slice(0, 16) };
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The one HTML document every page route serves; the script renders the route from the address. */
export function pageShell(assets: PageAssets, opts: { csrf: string; repo: string; version: string }): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="omk-csrf" content="${escapeAttr(opts.csrf)}">`,
    `<meta name="omk-repo" content="${escapeAttr(opts.repo)}">`,
    `<meta name="omk-version" content="${escapeAttr(opts.version)}">`,
    '<title>omk dashboard</title>',
    `<link rel="stylesheet" href="/assets/app.css?v=${assets.version}">`,
    `<script defer src="/assets/app.js?v=${assets.version}"></script>`,
    '</head><body><div id="app"><p class="muted">Loading…</p></div></body></html>',
    '',
  ].join('\n');
}
