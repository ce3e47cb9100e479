import { addedLines, removedLines, type DiffLine, type ReviewFile } from './diff.js';
import { finding, type CheckResult, type Finding } from './finding.js';

/**
 * New dependencies in package.json, requirements*.txt, Cargo.toml and go.mod. Whole-file
 * formats (package.json, Cargo.toml) are compared from old/new contents; line formats
 * (requirements, go.mod) work from the diff alone. A manifest that cannot be compared is a
 * warning, never a silent pass.
 */
type Manifest = 'npm' | 'pip' | 'cargo' | 'go';

function manifestKind(path: string): Manifest | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'package.json') return 'npm';
  if (/^requirements(?:[-_.][\w.-]*)?\.(?:txt|in)$/.test(base)) return 'pip';
  if (base === 'Cargo.toml') return 'cargo';
  if (base === 'go.mod') return 'go';
  return null;
}

export function checkNewDependencies(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let manifests = 0;
  for (const file of files) {
    const kind = manifestKind(file.path);
    if (kind === null || file.status === 'deleted') continue;
    manifests += 1;
    const added = addedNames(kind, file);
    if (added === null) {
      findings.push(
        finding('new_dependencies', 'warn', 'not_compared', file.path, null, 'the manifest changed but its contents were not provided, so new dependencies were not checked'),
      );
      continue;
    }
    for (const name of added) {
      findings.push(finding('new_dependencies', 'warn', `new_${kind}_dependency`, file.path, null, `new dependency \`${name}\``));
    }
  }
  return { check: 'new_dependencies', findings, evidence: `dependencies: ${manifests} manifests changed, ${findings.length} findings` };
}

function addedNames(kind: Manifest, file: ReviewFile): string[] | null {
  const oldText = file.status === 'added' ? '' : file.old_content;
  const newText = file.new_content;
  if (oldText !== undefined && newText !== undefined) {
    const before = new Set(namesIn(kind, oldText));
    return [...new Set(namesIn(kind, newText))].filter((n) => !before.has(n)).sort();
  }
  if (kind === 'pip' || kind === 'go') {
    const before = new Set(lineNames(kind, removedLines(file)));
    return [...new Set(lineNames(kind, addedLines(file)))].filter((n) => !before.has(n)).sort();
  }
  if (file.status === 'added' && file.hunks.length > 0) {
    return [...new Set(namesIn(kind, addedLines(file).map((l) => l.text).join('\n')))].sort();
  }
  return null;
}

/** Dependency names a manifest declares. Unparsable JSON declares none (the tests gate that). */
export function namesIn(kind: Manifest, text: string): string[] {
  switch (kind) {
    case 'npm':
      return npmNames(text);
    case 'cargo':
      return cargoNames(text);
    case 'pip':
    case 'go':
      return lineNames(kind, text.split('\n').map((t, i) => ({ line: i + 1, text: t })));
  }
}

function npmNames(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (json === null || typeof json !== 'object') return [];
  const out: string[] = [];
  for (const key of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    const deps = (json as Record<string, unknown>)[key];
    if (deps && typeof deps === 'object') out.push(...Object.keys(deps));
  }
  return out;
}

function cargoNames(text: string): string[] {
  const out: string[] = [];
  let inDeps = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const table = /^\[([^\]]+)\]$/.exec(line);
    if (table) {
      const name = table[1]!.trim();
      const sub = /^(?:(?:target\.[^.]+\.)?(?:dev-|build-)?dependencies|workspace\.dependencies)\.([A-Za-z0-9_-]+)$/.exec(name);
      if (sub) {
        out.push(sub[1]!);
        inDeps = false;
      } else inDeps = /^(?:target\..+\.)?(?:dev-|build-)?dependencies$|^workspace\.dependencies$/.test(name);
      continue;
    }
    const entry = /^([A-Za-z0-9_-]+)\s*=/.exec(line);
    if (inDeps && entry) out.push(entry[1]!);
  }
  return out;
}

function lineNames(kind: 'pip' | 'go', lines: readonly DiffLine[]): string[] {
  const out: string[] = [];
  for (const { text } of lines) {
    const line = text.replace(kind === 'pip' ? /#.*$/ : /\/\/.*$/, '').trim();
    if (line === '') continue;
    if (kind === 'pip') {
      if (line.startsWith('-')) continue; // -r, -e, --index-url
      const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
      if (m) out.push(m[1]!.toLowerCase().replace(/[-_.]+/g, '-'));
    } else {
      const m = /^(?:require\s+)?([A-Za-z0-9][\w.-]*\.[\w.-]+(?:\/[\w.~-]+)*)\s+v\S+/.exec(line);
      if (m) out.push(m[1]!);
    }
  }
  return out;
}
