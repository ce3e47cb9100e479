import { describe, expect, it } from 'vitest';
import { fingerprintDiff } from '../../../src/core/progress/index.js';

const PATCH = `diff --git a/src/limiter.ts b/src/limiter.ts
index 3b18e51..a9f2c3d 100644
--- a/src/limiter.ts
+++ b/src/limiter.ts
@@ -10,7 +10,7 @@ export function limit(n: number) {
   const window = 1000;
-  if (count > n) return false;
+  if (count >= n) return false;
   count++;
   return true;
@@ -30,3 +30,4 @@ export function reset() {
   count = 0;
+  started = now();
 }
diff --git a/src/new.ts b/src/new.ts
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/src/new.ts
@@ -0,0 +1,2 @@
+export const x = 1;
+export const y = 2;
`;

/** What \`git diff\` prints for the opposite change. */
const REVERSED = `diff --git a/src/limiter.ts b/src/limiter.ts
index a9f2c3d..3b18e51 100644
--- a/src/limiter.ts
+++ b/src/limiter.ts
@@ -10,7 +10,7 @@ export function limit(n: number) {
   const window = 1000;
-  if (count >= n) return false;
+  if (count > n) return false;
   count++;
   return true;
@@ -30,4 +30,3 @@ export function reset() {
   count = 0;
-  started = now();
 }
diff --git a/src/new.ts b/src/new.ts
deleted file mode 100644
index e69de29..0000000
--- a/src/new.ts
+++ /dev/null
@@ -1,2 +0,0 @@
-export const x = 1;
-export const y = 2;
`;

describe('fingerprintDiff', () => {
  it('the reversed diff’s fingerprint is the original’s inverse, per hunk and whole', () => {
    const fwd = fingerprintDiff(PATCH);
    const back = fingerprintDiff(REVERSED);
    expect(fwd.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(back.fingerprint).toBe(fwd.inverse);
    expect(back.inverse).toBe(fwd.fingerprint);
    expect(fwd.fingerprint).not.toBe(fwd.inverse);
    expect(fwd.files.map((f) => [f.path, f.hunks.length])).toEqual([
      ['src/limiter.ts', 2],
      ['src/new.ts', 2],
    ]);
    const fwdHunks = fwd.files.flatMap((f) => f.hunks);
    const backHunks = back.files.flatMap((f) => f.hunks);
    for (const h of fwdHunks) expect(backHunks.some((b) => b.fingerprint === h.inverse)).toBe(true);
  });

  it('ignores line numbers, context, index lines and trailing whitespace', () => {
    const shifted = PATCH.replace('@@ -10,7 +10,7 @@', '@@ -99,7 +99,7 @@').replace('index 3b18e51..a9f2c3d', 'index 1111111..2222222').replace('   const window = 1000;', '   const w = 5;').replace('+  if (count >= n) return false;', '+  if (count >= n) return false;   ');
    expect(fingerprintDiff(shifted).fingerprint).toBe(fingerprintDiff(PATCH).fingerprint);
  });

  it('a different change fingerprints differently', () => {
    expect(fingerprintDiff(PATCH.replace('count >= n', 'count >= n + 1')).fingerprint).not.toBe(fingerprintDiff(PATCH).fingerprint);
  });

  it('an empty diff has no fingerprint', () => {
    expect(fingerprintDiff('')).toEqual({ fingerprint: null, inverse: null, files: [] });
  });

  it('mode changes and renames invert; binary changes have no inverse', () => {
    const mode = 'diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n';
    const modeBack = 'diff --git a/run.sh b/run.sh\nold mode 100755\nnew mode 100644\n';
    expect(fingerprintDiff(modeBack).fingerprint).toBe(fingerprintDiff(mode).inverse);
    const rename = 'diff --git a/a.ts b/b.ts\nsimilarity index 90%\nrename from a.ts\nrename to b.ts\n@@ -1 +1 @@\n-x\n+y\n';
    const renameBack = 'diff --git a/b.ts b/a.ts\nsimilarity index 90%\nrename from b.ts\nrename to a.ts\n@@ -1 +1 @@\n-y\n+x\n';
    expect(fingerprintDiff(renameBack).fingerprint).toBe(fingerprintDiff(rename).inverse);
    const binary = fingerprintDiff('diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and b/logo.png differ\n');
    expect(binary.files[0]!.hunks[0]!.inverse).toBeUndefined();
  });
});
