import { access } from 'node:fs/promises';
import { formatKey, getAt, isTable, leaves, parseKey } from '../../core/config/keys.js';
import { redactConfigValue } from '../../core/config/secrets.js';
import { toTomlValue } from '../../core/config/value.js';
import type { ConfigSource } from '../../core/config/types.js';
import { OmkError } from '../../core/errors.js';
import { inspectConfig, throwIfProblems } from '../../app/config.js';
import { setConfigValue } from '../../app/config.js';
import type { CliContext } from '../context.js';
import { writeJson, writeLine } from '../context.js';
import { EXIT, exitStatusFor } from '../exit-codes.js';

function describeSource(source: ConfigSource | undefined): string {
  if (source === undefined) return 'default';
  if (source.layer === 'user' || source.layer === 'project') return `${source.layer} ${source.file ?? ''}`;
  if (source.layer === 'env') return `env ${source.variable ?? ''}`;
  return 'default';
}

/** `omk config show [key]`: merged values, one `key = value  # source` line per leaf. */
export async function configShowCommand(ctx: CliContext, key: string | undefined, opts: { json?: boolean }): Promise<number> {
  const inspection = await inspectConfig({ paths: ctx.paths, env: ctx.env });
  throwIfProblems(inspection.problems);
  const prefix = key === undefined ? [] : parseKey(key);
  if (prefix === undefined) throw new OmkError('usage', `not a dotted config key: ${JSON.stringify(key)}`);
  const selected = prefix.length === 0 ? inspection.values : getAt(inspection.values, prefix);
  if (selected === undefined) {
    throw new OmkError('not_found', `no config key ${formatKey(prefix)}`, {
      hint: 'run `omk config show` to list every key',
    });
  }
  const rows = (isTable(selected) ? leaves(selected, prefix) : [[prefix, selected] as [string[], unknown]]).map(
    ([path, value]) => {
      const dotted = formatKey(path);
      return { dotted, value: redactConfigValue(path, value), source: inspection.sources.get(dotted) ?? { layer: 'default' as const } };
    },
  );
  if (opts.json) {
    const sources = Object.fromEntries(rows.map((r) => [r.dotted, r.source]));
    const values = redactTree(selected, prefix);
    writeJson(ctx, key === undefined ? { values, sources } : { key: formatKey(prefix), value: values, sources });
    return EXIT.ok;
  }
  for (const row of rows) writeLine(ctx, `${row.dotted} = ${toTomlValue(row.value)}  # ${describeSource(row.source)}`);
  return EXIT.ok;
}

function redactTree(value: unknown, path: string[]): unknown {
  if (!isTable(value)) return redactConfigValue(path, value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactTree(v, [...path, k])]));
}

/** `omk config validate`: every problem, one per line; exit 2 when there is any. */
export async function configValidateCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { problems, files } = await inspectConfig({ paths: ctx.paths, env: ctx.env });
  const ok = problems.length === 0;
  if (opts.json) {
    writeJson(ctx, { ok, files, problems });
  } else if (ok) {
    const describe = (f: { path: string; exists: boolean }) => `${f.path} (${f.exists ? 'exists' : 'missing'})`;
    writeLine(ctx, 'config ok');
    writeLine(ctx, `  user     ${describe(files.user)}`);
    writeLine(ctx, `  project  ${files.project ? describe(files.project) : '(not in a git repository)'}`);
  } else {
    for (const problem of problems) writeLine(ctx, problem.message);
    ctx.stderr.write(`omk: ${problems.length} config problem${problems.length === 1 ? '' : 's'}\n`);
  }
  return ok ? EXIT.ok : exitStatusFor('config_invalid');
}

/** `omk config set KEY VALUE`: edits one line of the user (default) or project file. */
export async function configSetCommand(
  ctx: CliContext,
  key: string,
  value: string,
  opts: { project?: boolean; user?: boolean },
): Promise<number> {
  const file = opts.project ? ctx.paths.projectConfigFile : ctx.paths.userConfigFile;
  if (file === undefined) {
    throw new OmkError('not_a_repo', `--project needs a git repository, and ${ctx.cwd} is not in one`, {
      hint: 'run it inside a repository, or drop --project to write the user config',
    });
  }
  const result = await setConfigValue({ file, key, value });
  writeLine(ctx, `${result.key} = ${toTomlValue(redactConfigValue(parseKey(result.key) ?? [], result.value))}  (${result.created ? 'created ' : ''}${file})`);
  // The file itself is valid; other layers may still disagree with it (e.g. an engine missing its protocol).
  const { problems } = await inspectConfig({ paths: ctx.paths, env: ctx.env });
  for (const problem of problems) ctx.stderr.write(`omk: warning: ${problem.message}\n`);
  return EXIT.ok;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** `omk config path`: where both files are and whether they exist. */
export async function configPathCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const user = { path: ctx.paths.userConfigFile, exists: await exists(ctx.paths.userConfigFile) };
  const projectFile = ctx.paths.projectConfigFile;
  const project = projectFile === undefined ? null : { path: projectFile, exists: await exists(projectFile) };
  if (opts.json) {
    writeJson(ctx, { user, project });
    return EXIT.ok;
  }
  writeLine(ctx, `user     ${user.path}  (${user.exists ? 'exists' : 'missing'})`);
  writeLine(ctx, `project  ${project ? `${project.path}  (${project.exists ? 'exists' : 'missing'})` : '(not in a git repository)'}`);
  return EXIT.ok;
}
