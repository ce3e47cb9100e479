import { describe, expect, it } from 'vitest';
import { joinDiff, parseUnifiedDiff } from '../../../src/core/review/diff.js';

const GIT_DIFF = `diff --git a/src/limit.ts b/src/limit.ts
index 3b18e51..a9c2f00 100644
--- a/src/limit.ts
+++ b/src/limit.ts
@@ -1,5 +1,5 @@
 export function limit(n: number) {
-  return n;
+  if (n < 0) throw new RangeError('n');
+  return Math.min(n, 100);
 }
--- not a header, a removed line starting with dashes
 // end
@@ -20,2 +21,2 @@ export const x = 1;
-const a = 1;
+const a = 2;
 const b = 3;
diff --git a/src/new.ts b/src/new.ts
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/src/new.ts
@@ -0,0 +1,2 @@
+export const y = 1;
+export const z = 2;
diff --git a/test/old.test.ts b/test/old.test.ts
deleted file mode 100644
index e69de29..0000000
--- a/test/old.test.ts
+++ /dev/null
@@ -1 +0,0 @@
-it('works', () => {});
diff --git a/docs/a.md b/docs/b.md
similarity index 90%
rename from docs/a.md
rename to docs/b.md
diff --git a/logo.png b/logo.png
index 1111111..2222222 100644
Binary files a/logo.png and b/logo.png differ
`;

describe('parseUnifiedDiff', () => {
  const files = parseUnifiedDiff(GIT_DIFF);

  it('finds each file with its status', () => {
    expect(files.map((f) => [f.path, f.status, f.old_path, f.binary])).toEqual([
      ['src/limit.ts', 'modified', null, false],
      ['src/new.ts', 'added', null, false],
      ['test/old.test.ts', 'deleted', null, false],
      ['docs/b.md', 'renamed', 'docs/a.md', false],
      ['logo.png', 'modified', null, true],
    ]);
  });

  it('numbers added lines in the new file and removed lines in the old file', () => {
    const limit = files[0]!;
    expect(limit.hunks).toHaveLength(2);
    expect(limit.hunks[0]!.added).toEqual([
      { line: 2, text: "  if (n < 0) throw new RangeError('n');" },
      { line: 3, text: '  return Math.min(n, 100);' },
    ]);
    expect(limit.hunks[0]!.removed).toEqual([
      { line: 2, text: '  return n;' },
      { line: 4, text: '-- not a header, a removed line starting with dashes' },
    ]);
    expect(limit.hunks[1]!.added).toEqual([{ line: 21, text: 'const a = 2;' }]);
    expect(files[2]!.hunks[0]!.removed).toEqual([{ line: 1, text: "it('works', () => {});" }]);
  });

  it('reads plain diff -u output', () => {
    const plain = '--- a.py\t2025-01-01 00:00:00\n+++ a.py\t2025-01-02 00:00:00\n@@ -1 +1 @@\n-x = 1\n+x = 2\n';
    expect(parseUnifiedDiff(plain)).toEqual([
      { path: 'a.py', old_path: null, status: 'modified', binary: false, hunks: [{ header: '@@ -1 +1 @@', lines: [{ tag: '-', text: 'x = 1' }, { tag: '+', text: 'x = 2' }], added: [{ line: 1, text: 'x = 2' }], removed: [{ line: 1, text: 'x = 1' }] }] },
    ]);
  });
});

describe('joinDiff', () => {
  it('takes status and contents from the file list and keeps files missing from the diff', () => {
    const joined = joinDiff({
      unified: GIT_DIFF,
      files: [
        { path: 'src/new.ts', status: 'added', new_content: 'export const y = 1;\nexport const z = 2;\n' },
        { path: 'package.json', status: 'modified', old_content: '{}', new_content: '{}' },
      ],
    });
    expect(joined.map((f) => f.path)).toEqual(['docs/b.md', 'logo.png', 'package.json', 'src/limit.ts', 'src/new.ts', 'test/old.test.ts']);
    expect(joined.find((f) => f.path === 'src/new.ts')!.new_content).toContain('const z');
  });
});
