import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectGates } from '../../../src/core/gates/detect.js';
import { inspectRepo, iniSections, makeTargets, parsePackageJson } from '../../../src/runtime/gates/inspect-repo.js';
import { loadGates } from '../../../src/runtime/gates/load-gates.js';
import { fixtureDir } from './helpers.js';

/** A PATH holding only the named fake executables. */
function fakePath(names: string[]): { PATH: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'omk-fakebin-'));
  for (const name of names) {
    writeFileSync(path.join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(dir, name), 0o755);
  }
  return { PATH: dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const detectIn = async (name: string, env: Record<string, string> = { PATH: '/nonexistent' }) =>
  Object.fromEntries(detectGates(await inspectRepo(fixtureDir(`repos/${name}`), env)).map((g) => [g.name, g.command]));

describe('detection from fixture manifests', () => {
  const bin = fakePath(['cargo-clippy']);
  afterAll(() => bin.cleanup());

  it('Node with pnpm, TypeScript and a lint script', async () => {
    expect(await detectIn('node-pnpm')).toEqual({
      test: 'pnpm run test',
      typecheck: 'pnpm exec tsc --noEmit',
      lint: 'pnpm run lint',
    });
  });

  it('Python with uv and [tool.*] tables', async () => {
    expect(await detectIn('python-uv')).toEqual({ pytest: 'uv run pytest', ruff: 'uv run ruff check .', mypy: 'uv run mypy .' });
  });

  it('Python with setup.cfg sections', async () => {
    expect(await detectIn('python-setupcfg')).toEqual({ pytest: 'python3 -m pytest', mypy: 'mypy .' });
  });

  it('Rust, with clippy only when cargo-clippy is on PATH', async () => {
    expect(await detectIn('rust')).toEqual({ 'cargo-test': 'cargo test' });
    expect(await detectIn('rust', { PATH: bin.PATH })).toEqual({ 'cargo-test': 'cargo test', clippy: 'cargo clippy --all-targets' });
  });

  it('Python with only root-level unittest modules: unittest discovery, or pytest when it is installed', async () => {
    expect(await detectIn('python-root-unittest')).toEqual({ unittest: 'python3 -m unittest' });
    const pytest = fakePath(['pytest']);
    try {
      expect(await detectIn('python-root-unittest', { PATH: pytest.PATH })).toEqual({ pytest: 'python3 -m pytest' });
    } finally {
      pytest.cleanup();
    }
  });

  it('a Makefile with a test target and no ecosystem runner', async () => {
    expect(await detectIn('make-c')).toEqual({ 'make-test': 'make test' });
  });

  it('Go', async () => {
    expect(await detectIn('go')).toEqual({ 'go-test': 'go test ./...', 'go-vet': 'go vet ./...' });
  });

  it('facts list root entries with directories marked, and survive broken manifests', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'omk-inspect-'));
    try {
      mkdirSync(path.join(dir, 'tests'));
      mkdirSync(path.join(dir, 'node_modules'));
      writeFileSync(path.join(dir, 'package.json'), '{ not json');
      writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pytest\n');
      const facts = await inspectRepo(dir, {});
      expect(facts.files).toEqual(['package.json', 'pyproject.toml', 'tests/']);
      expect(facts.packageJson).toBeUndefined();
      expect(facts.pyprojectTools).toBeUndefined();
      expect(detectGates(facts).map((g) => g.name)).toEqual(['pytest']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses manifests loosely', () => {
    expect(parsePackageJson('{"scripts":{"test":"x","bad":1},"devDependencies":{"b":"1"},"dependencies":{"a":"1"}}')).toEqual({
      scripts: { test: 'x' },
      dependencies: ['a', 'b'],
    });
    expect(parsePackageJson('[]')).toBeUndefined();
    expect(iniSections('[metadata]\nname = x\n  [tool:pytest]  \n[mypy-foo.*]\n')).toEqual(['metadata', 'tool:pytest', 'mypy-foo.*']);
  });

  it('configured gates win; detected ones are still listed', async () => {
    const set = await loadGates({
      repoRoot: fixtureDir('repos/go'),
      config: { gates: { unit: { command: 'make test' } } },
      env: {},
    });
    expect(set.active.map((g) => g.name)).toEqual(['unit']);
    expect(set.detected.map((g) => g.name)).toEqual(['go-test', 'go-vet']);
    expect(set.configured[0]!.why).toBe('[gates.unit] in config');
  });
});

describe('makeTargets', () => {
  it('lists explicit targets, not variables, pattern rules, special targets or recipe lines', () => {
    const text = 'CC := cc\nX = a:b\n.PHONY: all test\nall check: prog\n\tcd x && y: z\ntest:: all\n%.o: %.c\n';
    expect(makeTargets(text)).toEqual(['all', 'check', 'test']);
  });
});
