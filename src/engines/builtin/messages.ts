import type { PromptInput } from '../session.js';

/** One tool call as the API carries it on an assistant message. */
export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** The Chat Completions message shapes the loop sends. */
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      /** Absent on a tool-call message with no text: Kimi's compat layer rejects an empty text part. */
      content?: string;
      /** Moonshot thinking models need it back on every assistant turn (preserved thinking). */
      reasoning_content?: string;
      tool_calls?: ChatToolCall[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

/** The default system prompt: what the tools are and where they work. */
export function defaultSystemPrompt(cwd: string, readOnly: boolean): string {
  const lines = [
    'You are a coding agent working inside one project directory, driven by omk.',
    `The project directory is ${cwd}. Every path you pass to a tool is relative to it; paths outside it are refused.`,
    readOnly
      ? 'You can only read: use read_file, list_dir and grep. Answer from what you find.'
      : 'Use read_file, list_dir and grep to look around, write_file and edit_file to change files, and bash to run commands.',
    'Some tool calls may be denied by the approval policy; the tool result then says why. Do not retry a denied call unchanged.',
    'When you are done, answer with a short summary of what you did and what you found.',
  ];
  return lines.join('\n');
}

/** A prompt as a user message: plain text when it is only text, content parts otherwise. */
export function userMessage(input: PromptInput): ChatMessage {
  if (typeof input === 'string') return { role: 'user', content: input };
  const parts: ChatContentPart[] = [];
  for (const part of input) {
    switch (part.type) {
      case 'text':
        parts.push({ type: 'text', text: part.text });
        break;
      case 'image':
        parts.push({ type: 'image_url', image_url: { url: `data:${part.mimeType};base64,${part.data}` } });
        break;
      case 'resource':
        parts.push({ type: 'text', text: part.text === undefined ? `[resource ${part.uri}]` : `[resource ${part.uri}]\n${part.text}` });
        break;
      case 'resource_link':
        parts.push({ type: 'text', text: `[${part.name}](${part.uri})` });
        break;
    }
  }
  if (parts.every((p) => p.type === 'text')) {
    return { role: 'user', content: parts.map((p) => (p as { text: string }).text).join('\n\n') };
  }
  return { role: 'user', content: parts };
}
