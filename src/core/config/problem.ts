import type { ConfigProblem, ConfigSource } from './types.js';

/** Where a problem lives: a file, an OMK_* variable, or (for merged checks) the built-in defaults. */
export interface ProblemOrigin {
  file?: string | undefined;
  variable?: string | undefined;
}

export function originOf(source: ConfigSource | undefined): ProblemOrigin {
  return { file: source?.file, variable: source?.variable };
}

export function makeProblem(
  origin: ProblemOrigin,
  key: string,
  expected: string,
  found: string,
  position?: { line: number; column: number },
): ConfigProblem {
  const where = origin.file ?? origin.variable ?? 'built-in defaults';
  const at = position ? `:${position.line}:${position.column}` : '';
  const keyPart = key === '' ? '' : `${key}: `;
  const problem: ConfigProblem = {
    file: origin.file,
    key,
    expected,
    found,
    message: `${where}${at}: ${keyPart}expected ${expected}, found ${found}`,
  };
  if (origin.variable !== undefined) problem.variable = origin.variable;
  if (position) {
    problem.line = position.line;
    problem.column = position.column;
  }
  return problem;
}
