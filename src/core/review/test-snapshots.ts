import type { ReviewFile } from './diff.js';
import { finding, isTestFile, type CheckResult, type Finding } from './finding.js';

/** Snapshot files: jest/vitest `__snapshots__/*.snap`, insta `*.snap`, syrupy `*.ambr`, `snapshots/` directories. */
export function isSnapshotFile(path: string): boolean {
  return /(^|\/)__snapshots__\//.test(path) || /\.(?:snap|ambr)$/.test(path) || /(^|\/)snapshots?\/.+\.(?:json|txt|ya?ml|html|svg)$/.test(path);
}

/**
 * Snapshots rewritten: a snapshot file whose recorded lines were changed or removed (a new snapshot
 * file records new behaviour and is not a finding), or an inline snapshot (`toMatchInlineSnapshot`) whose
 * recorded text changed.
 */
export function checkSnapshotChanges(files: readonly ReviewFile[]): CheckResult {
  const findings: Finding[] = [];
  let snapshots = 0;
  for (const file of files) {
    if (isSnapshotFile(file.path)) {
      snapshots += 1;
      if (file.status === 'added') continue;
      if (file.status === 'deleted') {
        findings.push(finding('snapshot_changes', 'fail', 'snapshot_deleted', file.path, null, 'a snapshot file was deleted', file.hunks[0]));
        continue;
      }
      const hunk = file.hunks.find((h) => h.removed.length > 0);
      if (hunk) {
        const n = file.hunks.reduce((k, h) => k + h.removed.length, 0);
        findings.push(finding('snapshot_changes', 'fail', 'snapshot_rewritten', file.path, hunk.removed[0]!.line, `${n} recorded snapshot ${n === 1 ? 'line was' : 'lines were'} rewritten`, hunk));
      }
      continue;
    }
    if (file.status === 'deleted' || !isTestFile(file.path)) continue;
    for (const hunk of file.hunks) {
      // A removed line inside an inline snapshot: after a `toMatchInlineSnapshot(` line in the hunk, before it closes.
      let inside = false;
      for (const l of hunk.lines) {
        if (/toMatchInlineSnapshot\s*\(/.test(l.text)) {
          inside = !/\)\s*;?\s*$/.test(l.text.slice(l.text.indexOf('toMatchInlineSnapshot')));
          if (l.tag === '-' && hunk.added.some((a) => /toMatchInlineSnapshot\s*\(/.test(a.text) && a.text.trim() !== l.text.trim())) {
            snapshots += 1;
            const at = hunk.added.find((a) => /toMatchInlineSnapshot\s*\(/.test(a.text))!;
            findings.push(finding('snapshot_changes', 'fail', 'inline_snapshot_rewritten', file.path, at.line, 'an inline snapshot was rewritten', hunk));
            break;
          }
          continue;
        }
        if (inside && l.tag === '-') {
          snapshots += 1;
          const at = hunk.added[0];
          findings.push(finding('snapshot_changes', 'fail', 'inline_snapshot_rewritten', file.path, at?.line ?? null, 'an inline snapshot was rewritten', hunk));
          break;
        }
        if (inside && /^\s*`\s*\)/.test(l.text)) inside = false;
      }
    }
  }
  return { check: 'snapshot_changes', findings, evidence: `snapshots: ${snapshots} snapshot files or inline snapshots changed, ${findings.length} findings` };
}
