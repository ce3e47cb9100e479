/**
 * Where a protocol carries streamed text (an agent's answer or thoughts arriving in small pieces). The
 * transcript recorder redacts those pieces as one stream, so a secret the model repeats is never
 * written split across lines where a line-by-line redactor would miss it.
 */
export interface StreamedText {
  /** Pieces with the same key belong to one stream (message vs. thoughts). */
  key: string;
  text: string;
  /** The message as it came. */
  message: unknown;
  /** The same message carrying `text` instead. */
  withText(text: string): unknown;
}

export type StreamedTextOf = (message: unknown) => StreamedText | undefined;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** ACP: `session/update` with `agent_message_chunk` / `agent_thought_chunk` text content. */
export const acpStreamedText: StreamedTextOf = (message) => {
  if (!isObj(message) || message.method !== 'session/update' || !isObj(message.params)) return undefined;
  const params = message.params;
  const update = params.update;
  if (!isObj(update) || (update.sessionUpdate !== 'agent_message_chunk' && update.sessionUpdate !== 'agent_thought_chunk')) return undefined;
  const content = update.content;
  if (!isObj(content) || content.type !== 'text' || typeof content.text !== 'string') return undefined;
  return {
    key: String(update.sessionUpdate),
    text: content.text,
    message,
    withText: (text) => ({ ...message, params: { ...params, update: { ...update, content: { ...content, text } } } }),
  };
};

/** Kimi Wire: an `event` notification whose `ContentPart` is `text` or `think`. */
export const wireStreamedText: StreamedTextOf = (message) => {
  if (!isObj(message) || message.method !== 'event' || !isObj(message.params)) return undefined;
  const params = message.params;
  const payload = params.payload;
  if (params.type !== 'ContentPart' || !isObj(payload)) return undefined;
  const field = payload.type === 'text' ? 'text' : payload.type === 'think' ? 'think' : undefined;
  if (field === undefined || typeof payload[field] !== 'string') return undefined;
  return {
    key: field,
    text: payload[field],
    message,
    withText: (text) => ({ ...message, params: { ...params, payload: { ...payload, [field]: text } } }),
  };
};
