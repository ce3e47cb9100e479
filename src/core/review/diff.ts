/**
 * The review wall's input: a unified diff (`git diff base..head`) and the changed-file list
 * with statuses, plus old/new contents where a check needs the whole file (manifests).
 */
export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ChangedFile {
  /** The path after the change (for a deletion, the deleted path). */
  path: string;
  status: ChangeStatus;
  /** The path before a rename. */
  old_path?: string;
  /** Contents before the change (absent for additions, or when not loaded). */
  old_content?: string;
  /** Contents after the change (absent for deletions, or when not loaded). */
  new_content?: string;
}

export interface DiffInput {
  /** Unified diff text, as `git diff --no-color base..head` prints it. */
  unified: string;
  files: ChangedFile[];
}

export interface DiffLine {
  /** 1-based line in the new file (added) or the old file (removed). */
  line: number;
  text: string;
}

export interface Hunk {
  /** The `@@ -a,b +c,d @@` line as it was (its trailing section heading included). */
  header: string;
  /** Every line in order: context (` `), removed (`-`), added (`+`). */
  lines: HunkLine[];
  added: DiffLine[];
  removed: DiffLine[];
}

export interface HunkLine {
  tag: '+' | '-' | ' ';
  text: string;
}

export interface FileDiff {
  path: string;
  old_path: string | null;
  status: ChangeStatus;
  binary: boolean;
  hunks: Hunk[];
}

/** Every added line of a file, across hunks. */
export function addedLines(file: FileDiff): DiffLine[] {
  return file.hunks.flatMap((h) => h.added);
}

export function removedLines(file: FileDiff): DiffLine[] {
  return file.hunks.flatMap((h) => h.removed);
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/**
 * Parses unified diff text (git's, or plain `diff -u`). Tolerant: unknown header lines are
 * skipped. Hunk line counts decide where a hunk ends, so a removed line starting with `--`
 * is never mistaken for a file header.
 */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let file: FileDiff | null = null;
  let hunk: Hunk | null = null;
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();

  const start = (path: string, oldPath: string | null): FileDiff => {
    const f: FileDiff = { path, old_path: oldPath, status: 'modified', binary: false, hunks: [] };
    files.push(f);
    return f;
  };

  for (let i = 0; i < lines.length; i += 1) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const tag = raw[0];
      const body = raw.slice(1);
      if (tag === '+') {
        hunk.lines.push({ tag: '+', text: body });
        hunk.added.push({ line: newLine, text: body });
        newLine += 1;
        newLeft -= 1;
        continue;
      }
      if (tag === '-') {
        hunk.lines.push({ tag: '-', text: body });
        hunk.removed.push({ line: oldLine, text: body });
        oldLine += 1;
        oldLeft -= 1;
        continue;
      }
      if (tag === ' ' || raw === '') {
        hunk.lines.push({ tag: ' ', text: body });
        oldLine += 1;
        newLine += 1;
        oldLeft -= 1;
        newLeft -= 1;
        continue;
      }
      if (tag === '\\') continue; // "\ No newline at end of file"
      hunk = null; // malformed: fall through to header handling
    }
    if (raw.startsWith('\\')) continue;
    const git = /^diff --git a\/(.+) b\/(.+)$/.exec(raw);
    if (git) {
      file = start(git[2]!, git[1] === git[2] ? null : git[1]!);
      hunk = null;
      continue;
    }
    if (raw.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const oldPath = stripPrefix(raw.slice(4));
      const newPath = stripPrefix(lines[i + 1]!.slice(4));
      if (!file || file.hunks.length > 0 || !sameFile(file, oldPath, newPath)) {
        file = start(newPath ?? oldPath ?? '', null);
      }
      if (oldPath === null) file.status = 'added';
      else if (newPath === null) {
        file.status = 'deleted';
        file.path = oldPath;
      } else {
        file.path = newPath;
        if (oldPath !== newPath) {
          file.old_path = oldPath;
          file.status = 'renamed';
        }
      }
      i += 1;
      hunk = null;
      continue;
    }
    if (!file) continue;
    if (raw.startsWith('new file mode')) file.status = 'added';
    else if (raw.startsWith('deleted file mode')) file.status = 'deleted';
    else if (raw.startsWith('rename from ')) {
      file.old_path = raw.slice('rename from '.length);
      file.status = 'renamed';
    } else if (raw.startsWith('rename to ')) file.path = raw.slice('rename to '.length);
    else if (raw.startsWith('Binary files ') || raw === 'GIT binary patch') file.binary = true;
    else {
      const m = HUNK.exec(raw);
      if (m) {
        oldLine = Number(m[1]);
        oldLeft = m[2] === undefined ? 1 : Number(m[2]);
        newLine = Number(m[3]);
        newLeft = m[4] === undefined ? 1 : Number(m[4]);
        hunk = { header: raw, lines: [], added: [], removed: [] };
        file.hunks.push(hunk);
      }
    }
  }
  return files;
}

/** Hunks longer than this are cut when shown as evidence (the patch artifact has them whole). */
const HUNK_SHOWN_LINES = 30;
const HUNK_SHOWN_CHARS = 3000;

/**
 * A hunk as evidence: its header and lines in unified-diff form, cut at HUNK_SHOWN_LINES lines (or
 * HUNK_SHOWN_CHARS characters) with a note saying how much was left out.
 */
export function hunkText(hunk: Hunk): string {
  const out = [hunk.header];
  let chars = hunk.header.length;
  for (const [i, l] of hunk.lines.entries()) {
    const line = `${l.tag}${l.text}`;
    if (i >= HUNK_SHOWN_LINES || chars + line.length > HUNK_SHOWN_CHARS) {
      out.push(`… ${hunk.lines.length - i} more lines of this hunk in the combined patch`);
      break;
    }
    out.push(line);
    chars += line.length + 1;
  }
  return out.join('\n');
}

/** The `@@ … @@` part of a hunk header, for naming the hunk in one line. */
export function hunkLabel(hunk: Hunk): string {
  return /^@@ [^@]* @@/.exec(hunk.header)?.[0] ?? hunk.header;
}

/** The hunk of `file` holding the added (`side` new) or removed (`side` old) line `line`. */
export function hunkAt(file: FileDiff, side: 'old' | 'new', line: number): Hunk | undefined {
  return file.hunks.find((h) => (side === 'new' ? h.added : h.removed).some((l) => l.line === line));
}

/** `a/x` → `x`, `/dev/null` → null; a trailing tab + timestamp (plain diff -u) is dropped. */
function stripPrefix(header: string): string | null {
  const name = header.split('\t', 1)[0]!.trim();
  if (name === '/dev/null') return null;
  return name.replace(/^[ab]\//, '');
}

function sameFile(file: FileDiff, oldPath: string | null, newPath: string | null): boolean {
  return file.path === (newPath ?? oldPath) || file.path === oldPath || file.old_path === oldPath;
}

/**
 * The diff's files joined with the changed-file list: the list's status and contents win,
 * files only in one of the two are kept. Sorted by path for deterministic output.
 */
export interface ReviewFile extends FileDiff {
  old_content?: string;
  new_content?: string;
}

export function joinDiff(input: DiffInput): ReviewFile[] {
  const parsed = parseUnifiedDiff(input.unified);
  const byPath = new Map<string, ReviewFile>();
  for (const f of parsed) byPath.set(f.path, { ...f });
  for (const c of input.files) {
    const existing = byPath.get(c.path);
    const merged: ReviewFile = existing ?? { path: c.path, old_path: null, status: c.status, binary: false, hunks: [] };
    merged.status = c.status;
    if (c.old_path !== undefined) merged.old_path = c.old_path;
    if (c.old_content !== undefined) merged.old_content = c.old_content;
    if (c.new_content !== undefined) merged.new_content = c.new_content;
    byPath.set(c.path, merged);
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
