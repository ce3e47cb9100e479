/**
 * `omk config set`: one key changed in one file, every other line left as it was, the result
 * validated before anything is written, and the write atomic (temp file + rename).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'smol-toml';
import { OmkError } from '../../core/errors.js';
import { formatKey, parseKey } from '../../core/config/keys.js';
import { specAt } from '../../core/config/schema.js';
import { setTomlValue } from '../../core/config/toml-edit.js';
import { validateLayer } from '../../core/config/validate.js';
import { parseValueText, toTomlValue } from '../../core/config/value.js';
import { writeFileAtomically } from './atomic-write.js';
import { readConfigFile } from './read-config-file.js';
import { throwIfProblems } from './load-config.js';

export interface SetConfigValueInputs {
  /** The config file to change; created (with its directory) when missing. */
  file: string;
  /** A dotted key, e.g. `defaults.max_agents`. */
  key: string;
  /** The value as typed: TOML when it parses as TOML (and the key is not a string key), else a string. */
  value: string;
}

export interface SetConfigValueResult {
  file: string;
  key: string;
  value: unknown;
  /** The file did not exist before. */
  created: boolean;
}

export async function setConfigValue({ file, key, value: raw }: SetConfigValueInputs): Promise<SetConfigValueResult> {
  const keyPath = parseKey(key);
  if (keyPath === undefined) {
    throw new OmkError('usage', `not a dotted config key: ${JSON.stringify(key)}`, {
      hint: 'write keys like defaults.max_agents or engines.kimi.model',
    });
  }
  const value = parseValueText(raw, specAt(keyPath));
  const current = await readConfigFile(file);
  if (current.problem) {
    throw new OmkError(current.problem.expected === 'valid TOML' ? 'config_parse' : 'io', `${current.problem.message}; the file was not changed`, {
      hint: 'fix the file by hand first, then run the command again',
    });
  }
  const edited = setTomlValue(current.text ?? '', keyPath, toTomlValue(value));
  if (!edited.ok) {
    throw new OmkError('config_invalid', `${file}: ${formatKey(keyPath)}: cannot be set automatically (${edited.reason}); the file was not changed`, {
      hint: 'edit the file by hand',
    });
  }
  throwIfProblems(validateLayer(parse(edited.text), () => ({ file })), 'the file was not changed');
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFileAtomically(file, edited.text);
  } catch (error) {
    throw new OmkError('io', `could not write ${file}: ${(error as Error).message}`, { cause: error });
  }
  return { file, key: formatKey(keyPath), value, created: !current.exists };
}
