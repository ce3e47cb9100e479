import { readFile } from 'node:fs/promises';
import { TomlError, parse } from 'smol-toml';
import { makeProblem } from '../../core/config/problem.js';
import type { ConfigProblem, ConfigTree } from '../../core/config/types.js';

export interface ConfigFileRead {
  path: string;
  exists: boolean;
  /** The file's text, when it could be read. */
  text?: string;
  /** The parsed document, when the text is valid TOML. */
  values?: ConfigTree;
  /** Why it could not be read or parsed. A missing file is not a problem. */
  problem?: ConfigProblem;
}

/** Reads and parses one TOML config file. Never throws. */
export async function readConfigFile(file: string): Promise<ConfigFileRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path: file, exists: false };
    const found = code === 'EISDIR' ? 'a directory' : `an unreadable file (${code ?? String(error)})`;
    return { path: file, exists: true, problem: makeProblem({ file }, '', 'a readable TOML file', found) };
  }
  try {
    return { path: file, exists: true, text, values: parse(text) };
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document:\s*/, '') ?? 'invalid TOML';
      const position = { line: error.line, column: error.column };
      const problem = makeProblem({ file }, '', 'valid TOML', `a syntax error (${reason})`, position);
      return { path: file, exists: true, text, problem };
    }
    const problem = makeProblem({ file }, '', 'valid TOML', `an error (${String(error)})`);
    return { path: file, exists: true, text, problem };
  }
}
