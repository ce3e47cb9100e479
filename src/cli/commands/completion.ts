/**
 * `omk completion bash|zsh|fish`: a static completion script generated from the command tree.
 *
 * Static rather than @bomb.sh/tab: tab's scripts call back into the CLI (`omk complete -- …`) on every
 * TAB, which needs a hidden `complete` command in the tree and a full Node start per keypress. Walking
 * commander's tree once gives the same subcommands, options and choices with no runtime cost.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { OmkError } from '../../core/errors.js';

interface OptionNode {
  flags: string[];
  description: string;
  takesValue: boolean;
  choices: string[];
}

interface CommandNode {
  /** Space-separated path from the root: "" for omk itself, "config show". */
  path: string;
  description: string;
  subcommands: CommandNode[];
  options: OptionNode[];
  /** Values the positional arguments may take (choices, or sibling names for `help`). */
  argChoices: string[];
}

// Structural view of commander's Command, so any generic instantiation of it can be walked.
interface CommandLike {
  name(): string;
  description(): string;
  readonly registeredArguments: ReadonlyArray<{ argChoices?: string[] | undefined }>;
  createHelp(): {
    visibleCommands(cmd: never): CommandLike[];
    visibleOptions(cmd: never): Array<{
      long?: string | undefined;
      short?: string | undefined;
      description: string;
      required: boolean;
      optional: boolean;
      argChoices?: string[] | undefined;
    }>;
  };
}

function walk(cmd: CommandLike, path: string, rootOptions: OptionNode[]): CommandNode {
  const help = cmd.createHelp();
  const own: OptionNode[] = help.visibleOptions(cmd as never).map((o) => ({
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    description: o.description,
    takesValue: o.required || o.optional,
    choices: o.argChoices ?? [],
  }));
  // Commander accepts the root's options after a subcommand too; --version only at the root.
  const inherited = rootOptions.filter((r) => !r.flags.includes('--version') && !own.some((o) => o.flags.join() === r.flags.join()));
  const options = path === '' ? own : [...own, ...inherited];
  const children = help.visibleCommands(cmd as never);
  const subcommands = children.map((c) => walk(c, path === '' ? c.name() : `${path} ${c.name()}`, path === '' ? own : rootOptions));
  const names = children.map((c) => c.name()).filter((n) => n !== 'help');
  for (const sub of subcommands) if (sub.path.endsWith('help') && sub.argChoices.length === 0) sub.argChoices = names;
  const argChoices = cmd.registeredArguments.flatMap((a) => a.argChoices ?? []);
  return { path, description: cmd.description(), subcommands, options, argChoices };
}

function flatten(node: CommandNode): CommandNode[] {
  return [node, ...node.subcommands.flatMap(flatten)];
}

const lastName = (path: string) => path.split(' ').pop() ?? '';
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** `case` arms shared by the bash and zsh scripts: one function per lookup, keyed by command path. */
function caseFunction(name: string, nodes: CommandNode[], body: (n: CommandNode) => string[], arg = '$1'): string {
  const arms = nodes
    .map((n) => ({ n, words: body(n) }))
    .filter((a) => a.words.length > 0)
    .map((a) => `    ${sq(a.n.path)}) printf '%s\\n' ${a.words.map(sq).join(' ')} ;;`);
  return [`${name}() {`, `  case "${arg}" in`, ...arms, '  esac', '}'].join('\n');
}

function lookups(prefix: string, nodes: CommandNode[]): string {
  const valueOptions = (n: CommandNode) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags);
  const choiceArms = nodes.flatMap((n) =>
    n.options
      .filter((o) => o.choices.length > 0)
      .map((o) => `    ${o.flags.map((f) => sq(`${n.path}|${f}`)).join('|')}) printf '%s\\n' ${o.choices.map(sq).join(' ')} ;;`),
  );
  return [
    caseFunction(`${prefix}_subcommands`, nodes, (n) => n.subcommands.map((s) => lastName(s.path))),
    caseFunction(`${prefix}_options`, nodes, (n) => n.options.flatMap((o) => o.flags)),
    caseFunction(`${prefix}_value_options`, nodes, valueOptions),
    caseFunction(`${prefix}_arguments`, nodes, (n) => n.argChoices),
    [`${prefix}_option_choices() {`, '  case "$1|$2" in', ...choiceArms, '  esac', '}'].join('\n'),
    // Walks the words before the cursor to find which (sub)command is being completed.
    `${prefix}_command_path() {
  local cmdpath="" skip=0 word
  for word in "$@"; do
    if [[ $skip -eq 1 ]]; then skip=0; continue; fi
    if [[ "$word" == -* ]]; then
      if [[ "$word" != *=* ]] && [[ " $(${prefix}_value_options "$cmdpath" | tr '\\n' ' ') " == *" $word "* ]]; then skip=1; fi
      continue
    fi
    if [[ " $(${prefix}_subcommands "$cmdpath" | tr '\\n' ' ') " == *" $word "* ]]; then cmdpath="\${cmdpath:+$cmdpath }$word"; fi
  done
  printf '%s' "$cmdpath"
}`,
  ].join('\n\n');
}

function bashScript(nodes: CommandNode[]): string {
  return `# omk bash completion. Install:
#   omk completion bash > ~/.local/share/bash-completion/completions/omk
# or add to ~/.bashrc:  source <(omk completion bash)

${lookups('_omk', nodes)}

_omk() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmdpath
  [[ $COMP_CWORD -gt 0 ]] && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmdpath="$(_omk_command_path "\${COMP_WORDS[@]:1:COMP_CWORD-1}")"
  COMPREPLY=()
  if [[ "$prev" == -* ]] && [[ " $(_omk_value_options "$cmdpath" | tr '\\n' ' ') " == *" $prev "* ]]; then
    # An option's value: its choices, else (via -o default) file names.
    COMPREPLY=($(compgen -W "$(_omk_option_choices "$cmdpath" "$prev")" -- "$cur"))
    return 0
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_omk_options "$cmdpath")" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(_omk_subcommands "$cmdpath") $(_omk_arguments "$cmdpath")" -- "$cur"))
  fi
  return 0
}

complete -o default -F _omk omk
`;
}

function zshScript(nodes: CommandNode[]): string {
  const zq = (s: string) => s.replace(/:/g, '\\:');
  const described = caseFunction('_omk_described', nodes, (n) => [
    ...n.subcommands.map((s) => `${zq(lastName(s.path))}:${oneLine(s.description)}`),
  ]);
  const optionsDescribed = caseFunction('_omk_options_described', nodes, (n) =>
    n.options.flatMap((o) => o.flags.map((f) => `${zq(f)}:${oneLine(o.description)}`)),
  );
  return `#compdef omk
# omk zsh completion. Install:
#   omk completion zsh > "\${fpath[1]}/_omk"
# or add to ~/.zshrc (after compinit):  source <(omk completion zsh)

${lookups('_omk', nodes)}

${described}

${optionsDescribed}

_omk() {
  local cmdpath prev="\${words[CURRENT-1]}"
  local -a entries choices
  cmdpath="$(_omk_command_path "\${(@)words[2,CURRENT-1]}")"
  if [[ "$prev" == -* ]] && [[ " $(_omk_value_options "$cmdpath" | tr '\\n' ' ') " == *" $prev "* ]]; then
    choices=("\${(@f)$(_omk_option_choices "$cmdpath" "$prev")}")
    if [[ -n "\${choices[1]}" ]]; then compadd -a choices; else _files; fi
    return
  fi
  if [[ "$PREFIX" == -* ]]; then
    entries=("\${(@f)$(_omk_options_described "$cmdpath")}")
    [[ -n "\${entries[1]}" ]] && _describe -t options 'option' entries
    return
  fi
  entries=("\${(@f)$(_omk_described "$cmdpath")}")
  [[ -n "\${entries[1]}" ]] && _describe -t commands 'command' entries
  choices=("\${(@f)$(_omk_arguments "$cmdpath")}")
  [[ -n "\${choices[1]}" ]] && compadd -a choices
}

if [[ "\${funcstack[1]}" == "_omk" ]]; then
  _omk "$@"
else
  compdef _omk omk
fi
`;
}

function fishScript(nodes: CommandNode[]): string {
  const fq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const subArms = nodes
    .filter((n) => n.subcommands.length > 0)
    .map((n) => `        case ${fq(n.path)}\n            printf '%s\\n' ${n.subcommands.map((s) => fq(lastName(s.path))).join(' ')}`);
  const valueArms = nodes
    .map((n) => ({ n, flags: n.options.filter((o) => o.takesValue).flatMap((o) => o.flags) }))
    .filter((a) => a.flags.length > 0)
    .map((a) => `        case ${fq(a.n.path)}\n            printf '%s\\n' ${a.flags.map(fq).join(' ')}`);
  const lines: string[] = [];
  for (const n of nodes) {
    const at = `-n "__omk_at ${fq(n.path)}"`;
    for (const s of n.subcommands) lines.push(`complete -c omk ${at} -a ${fq(lastName(s.path))} -d ${fq(oneLine(s.description))}`);
    if (n.argChoices.length > 0) lines.push(`complete -c omk ${at} -a ${fq(n.argChoices.join(' '))}`);
    for (const o of n.options) {
      const flags = o.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      const value = o.choices.length > 0 ? ` -x -a ${fq(o.choices.join(' '))}` : o.takesValue ? ' -r -F' : '';
      lines.push(`complete -c omk ${at} ${flags}${value} -d ${fq(oneLine(o.description))}`);
    }
  }
  return `# omk fish completion. Install:
#   omk completion fish > ~/.config/fish/completions/omk.fish

function __omk_subcommands
    switch $argv[1]
${subArms.join('\n')}
    end
end

function __omk_value_options
    switch $argv[1]
${valueArms.join('\n')}
    end
end

# The (sub)command being completed, from the words before the cursor.
function __omk_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmdpath ''
    set -l skip 0
    for word in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $word
            if not string match -q -- '*=*' $word; and contains -- $word (__omk_value_options "$cmdpath")
                set skip 1
            end
            continue
        end
        if contains -- $word (__omk_subcommands "$cmdpath")
            set cmdpath (string trim -- "$cmdpath $word")
        end
    end
    echo $cmdpath
end

function __omk_at
    set -l current (__omk_path)
    test "$current" = "$argv[1]"
end

complete -c omk -f
${lines.join('\n')}
`;
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The completion script for `shell`, covering every visible command and option of `program`. */
export function completionScript(shell: CompletionShell, program: CommandLike): string {
  const nodes = flatten(walk(program, '', []));
  if (shell === 'bash') return bashScript(nodes);
  if (shell === 'zsh') return zshScript(nodes);
  return fishScript(nodes);
}

export function completionCommand(ctx: CliContext, shell: string, program: Command): Promise<number> {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    return Promise.reject(new OmkError('usage', `no completion for shell ${JSON.stringify(shell)}`, { hint: 'use bash, zsh or fish' }));
  }
  ctx.stdout.write(completionScript(shell as CompletionShell, program));
  return Promise.resolve(EXIT.ok);
}
