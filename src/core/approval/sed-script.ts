/**
 * What a sed script does besides editing text: the files its `w`/`W` commands and `s///w` flags write,
 * the files `r`/`R` read, and the commands `e` runs. GNU sed syntax, read conservatively: a script this
 * reader cannot follow is reported as a problem (and the command refused), never guessed at.
 */

export interface SedEffects {
  /** Files written (`w FILE`, `W FILE`, `s/a/b/w FILE`); `/dev/stdout` and `/dev/stderr` included. */
  writes: string[];
  /** Files read (`r FILE`, `R FILE`). */
  reads: string[];
  /** Commands `e COMMAND` runs. */
  executes: string[];
  /** Text built at run time is executed (`e` alone, or the `s///e` flag). */
  executesPatternSpace: boolean;
  problems: string[];
}

const NO_ARGUMENT = new Set(['=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F', '{', '}']);
const TO_END_OF_LINE = new Set(['a', 'i', 'c']);
const LABELLED = new Set(['b', 't', 'T']);
const NUMBERED = new Set(['q', 'Q', 'l', 'L']);

export function readSedScript(script: string): SedEffects {
  const out: SedEffects = { writes: [], reads: [], executes: [], executesPatternSpace: false, problems: [] };
  const s = script;
  let i = 0;
  const restOfLine = (): string => {
    const end = s.indexOf('\n', i);
    const text = s.slice(i, end === -1 ? s.length : end);
    i = end === -1 ? s.length : end + 1;
    return text;
  };
  const skipBlanks = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };

  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === ';') {
      i++;
      continue;
    }
    if (c === '#') {
      restOfLine();
      continue;
    }
    if (!skipAddress()) {
      out.problems.push('a sed address omk cannot read');
      return out;
    }
    skipBlanks();
    if (s[i] === '!') {
      i++;
      skipBlanks();
    }
    const cmd = s[i];
    if (cmd === undefined) break;
    i++;
    if (NO_ARGUMENT.has(cmd)) continue;
    if (cmd === ':' || cmd === '#') {
      restOfLine();
    } else if (LABELLED.has(cmd)) {
      while (i < s.length && s[i] !== ';' && s[i] !== '\n') i++;
    } else if (NUMBERED.has(cmd) || cmd === 'v') {
      skipBlanks();
      while (i < s.length && /[0-9.]/.test(s[i]!)) i++;
    } else if (TO_END_OF_LINE.has(cmd)) {
      // GNU one-liners (`a text`) and the classic `a\` form: the text runs to an unescaped newline.
      while (i < s.length) {
        if (s[i] === '\\') i += 2;
        else if (s[i] === '\n') break;
        else i++;
      }
    } else if (cmd === 'r' || cmd === 'R' || cmd === 'w' || cmd === 'W') {
      skipBlanks();
      const file = restOfLine();
      if (file === '') {
        out.problems.push(`sed \`${cmd}\` without a file name`);
        return out;
      }
      (cmd === 'r' || cmd === 'R' ? out.reads : out.writes).push(file);
    } else if (cmd === 'e') {
      skipBlanks();
      const command = restOfLine();
      if (command.trim() === '') out.executesPatternSpace = true;
      else out.executes.push(command);
    } else if (cmd === 's' || cmd === 'y') {
      const delimiter = s[i];
      if (delimiter === undefined || delimiter === '\n' || delimiter === '\\') {
        out.problems.push(`a sed \`${cmd}\` command omk cannot read`);
        return out;
      }
      i++;
      for (let part = 0; part < 2; part++) {
        if (!skipDelimited(delimiter)) {
          out.problems.push(`an unterminated sed \`${cmd}\` command`);
          return out;
        }
      }
      if (cmd === 'y') continue;
      // Flags: g, p, i/I, m/M, e, a number, and `w FILE` (which takes the rest of the line).
      while (i < s.length) {
        const f = s[i]!;
        if (f === 'w') {
          i++;
          skipBlanks();
          const file = restOfLine();
          if (file === '') {
            out.problems.push('sed `s///w` without a file name');
            return out;
          }
          out.writes.push(file);
          break;
        }
        if (f === 'e') out.executesPatternSpace = true;
        else if (!/[gpiImM0-9]/.test(f)) break;
        i++;
      }
    } else {
      out.problems.push(`the sed command \`${cmd}\`, which omk does not know`);
      return out;
    }
  }
  return out;

  /** An address or a range (`1`, `$`, `/re/`, `\%re%`, `1~2`, `addr,+3`, `0,/re/`); false when unreadable. */
  function skipAddress(): boolean {
    for (let part = 0; part < 2; part++) {
      const c = s[i];
      if (c === undefined) return true;
      if (/[0-9]/.test(c)) {
        while (i < s.length && /[0-9~]/.test(s[i]!)) i++;
      } else if (c === '$') {
        i++;
      } else if (c === '/' || c === '\\') {
        const delimiter = c === '\\' ? s[i + 1] : '/';
        if (delimiter === undefined) return false;
        i += c === '\\' ? 2 : 1;
        if (!skipDelimited(delimiter)) return false;
        while (s[i] === 'I' || s[i] === 'M') i++;
      } else if (part === 1 && (c === '+' || c === '~')) {
        i++;
        while (i < s.length && /[0-9]/.test(s[i]!)) i++;
      } else {
        return part === 0;
      }
      if (part === 0) {
        if (s[i] !== ',') return true;
        i++;
      }
    }
    return true;
  }

  /** Skips to just past the next unescaped `delimiter`; false when there is none. */
  function skipDelimited(delimiter: string): boolean {
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') i += 2;
      else if (c === delimiter) {
        i++;
        return true;
      } else if (c === '\n' && delimiter !== '\n') return false;
      else i++;
    }
    return false;
  }
}

/** The scripts a sed command line runs: every `-e`/`--expression`, else its first operand. `-f` scripts are not shown. */
export function sedScripts(args: readonly string[]): { scripts: string[]; fromFile: boolean; sandboxed: boolean } {
  const scripts: string[] = [];
  let fromFile = false;
  let sandboxed = false;
  let explicit = false;
  let firstOperand: string | undefined;
  for (let k = 1; k < args.length; k++) {
    const a = args[k]!;
    if (a === '--') {
      if (firstOperand === undefined && args[k + 1] !== undefined) firstOperand = args[k + 1];
      break;
    }
    if (a === '--sandbox') sandboxed = true;
    else if (a === '-e' || a === '--expression') {
      explicit = true;
      if (args[k + 1] !== undefined) scripts.push(args[++k]!);
    } else if (a.startsWith('--expression=')) {
      explicit = true;
      scripts.push(a.slice('--expression='.length));
    } else if (a === '-f' || a === '--file' || a.startsWith('--file=')) {
      fromFile = true;
      if (a === '-f' || a === '--file') k++;
    } else if (a === '-l' || a === '--line-length') {
      k++;
    } else if (/^-[A-Za-z]+$/.test(a)) {
      // A cluster such as `-ne 'p'` or `-nf script.sed`: the last letter may take the next word.
      const last = a.at(-1);
      if (last === 'e') {
        explicit = true;
        if (args[k + 1] !== undefined) scripts.push(args[++k]!);
      } else if (last === 'f') {
        fromFile = true;
        k++;
      } else if (last === 'l') k++;
    } else if (!a.startsWith('-') && firstOperand === undefined) {
      firstOperand = a;
    }
  }
  if (!explicit && !fromFile && firstOperand !== undefined) scripts.push(firstOperand);
  return { scripts, fromFile, sandboxed };
}
