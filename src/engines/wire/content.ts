import type { PromptInput } from '../session.js';

/** A Wire `ContentPart` we send in `user_input`. */
export type WireContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/**
 * Our prompt → Wire `user_input`: a plain string stays a string; parts become `ContentPart[]`. Images
 * go as `data:` URLs; resources are inlined as text (Wire has no resource part), links are named.
 */
export function toUserInput(input: PromptInput): string | WireContentPart[] {
  if (typeof input === 'string') return input;
  return input.map((part): WireContentPart => {
    switch (part.type) {
      case 'text':
        return { type: 'text', text: part.text };
      case 'image':
        return { type: 'image_url', image_url: { url: `data:${part.mimeType};base64,${part.data}` } };
      case 'resource':
        return { type: 'text', text: part.text !== undefined ? `<resource uri="${part.uri}">\n${part.text}\n</resource>` : `Resource: ${part.uri}` };
      case 'resource_link':
        return { type: 'text', text: `Resource: ${part.name} (${part.uri})` };
    }
  });
}
