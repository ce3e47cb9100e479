import type { ToolKind } from '../../session.js';

/** A JSON Schema as sent to the API. Every property carries a `type`: Moonshot rejects schemas without. */
export interface JsonSchema {
  type: 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: boolean;
}

/** An OpenAI function tool. */
export interface ToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: JsonSchema };
}

export type BuiltinToolName = 'read_file' | 'write_file' | 'edit_file' | 'list_dir' | 'grep' | 'bash';

interface ToolSpec {
  kind: ToolKind;
  /** Offered in read-only sessions. */
  readOnly: boolean;
  description: string;
  parameters: JsonSchema;
}

const str = (description: string): JsonSchema => ({ type: 'string', description });
const int = (description: string): JsonSchema => ({ type: 'integer', description });

const SPECS: Record<BuiltinToolName, ToolSpec> = {
  read_file: {
    kind: 'read',
    readOnly: true,
    description: 'Read a text file in the project. Long files are cut; pass offset/limit to page through them.',
    parameters: {
      type: 'object',
      properties: {
        path: str('File path, relative to the project directory.'),
        offset: int('First line to return, 1-based. Default 1.'),
        limit: int('How many lines to return. Default 2000.'),
      },
      required: ['path'],
    },
  },
  list_dir: {
    kind: 'read',
    readOnly: true,
    description: 'List the entries of a directory in the project (directories end with "/").',
    parameters: {
      type: 'object',
      properties: { path: str('Directory path, relative to the project directory. Use "." for the root.') },
      required: ['path'],
    },
  },
  grep: {
    kind: 'search',
    readOnly: true,
    description:
      'Search file contents with a JavaScript regular expression. Prints path:line: text for each match; skips .git and node_modules.',
    parameters: {
      type: 'object',
      properties: {
        pattern: str('Regular expression (JavaScript syntax).'),
        path: str('File or directory to search, relative to the project directory. Default ".".'),
      },
      required: ['pattern'],
    },
  },
  write_file: {
    kind: 'edit',
    readOnly: false,
    description: 'Create or overwrite a file in the project with the given content. Parent directories are created.',
    parameters: {
      type: 'object',
      properties: { path: str('File path, relative to the project directory.'), content: str('The full new content.') },
      required: ['path', 'content'],
    },
  },
  edit_file: {
    kind: 'edit',
    readOnly: false,
    description:
      'Replace one exact occurrence of `old` with `new` in a file. `old` must match the file exactly (whitespace included) and occur exactly once; add surrounding lines to make it unique.',
    parameters: {
      type: 'object',
      properties: {
        path: str('File path, relative to the project directory.'),
        old: str('The exact text to replace; must occur exactly once.'),
        new: str('The replacement text.'),
      },
      required: ['path', 'old', 'new'],
    },
  },
  bash: {
    kind: 'execute',
    readOnly: false,
    description:
      'Run a shell command (/bin/sh -c) in the project directory. Returns the exit code and the (possibly truncated) output. No interactive input.',
    parameters: {
      type: 'object',
      properties: {
        command: str('The shell command.'),
        timeout_ms: int('Time limit in milliseconds; capped by omk.'),
      },
      required: ['command'],
    },
  },
};

export const TOOL_NAMES = Object.keys(SPECS) as BuiltinToolName[];

export function isBuiltinTool(name: string): name is BuiltinToolName {
  return Object.hasOwn(SPECS, name);
}

/** The approval kind of a tool; `other` for names omk does not know. */
export function toolKind(name: string): ToolKind {
  return isBuiltinTool(name) ? SPECS[name].kind : 'other';
}

export function isReadOnlyTool(name: BuiltinToolName): boolean {
  return SPECS[name].readOnly;
}

/** The tools offered to the model: all six, or only the read tools. */
export function toolDefinitions(readOnly: boolean): ToolDefinition[] {
  return TOOL_NAMES.filter((name) => !readOnly || SPECS[name].readOnly).map((name) => ({
    type: 'function',
    function: { name, description: SPECS[name].description, parameters: SPECS[name].parameters },
  }));
}
