import type { NotifyKind } from '../config/types.js';
import { redactSecrets } from '../redact.js';
import type { Notification } from './notification.js';

/**
 * The bodies each kind of target receives (docs/notify.md "Payloads"), pure. `webhook` gets the
 * notification itself as JSON; Slack and Discord get their incoming-webhook shapes; the desktop gets a
 * title and a short body. Every string went through redaction when the notification was built; the
 * rendered body is redacted once more, so no format can bring a secret back.
 */

export interface HttpBody {
  contentType: 'application/json';
  body: string;
}

export const NOTIFICATION_VERSION = 1;

export function renderBody(kind: Exclude<NotifyKind, 'desktop'>, n: Notification): HttpBody {
  const doc = kind === 'slack' ? slackBody(n) : kind === 'discord' ? discordBody(n) : { version: NOTIFICATION_VERSION, source: 'omk', ...n };
  return { contentType: 'application/json', body: redactSecrets(JSON.stringify(doc)) };
}

/** Slack's mrkdwn treats these three as control characters (api.slack.com "Formatting text"). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack incoming webhook: `text` is the fallback (notifications, old clients), `blocks` the message. */
export function slackBody(n: Notification): { text: string; blocks: unknown[] } {
  const lines = [`*${slackEscape(n.headline)}*`];
  if (n.title) lines.push(`>${slackEscape(n.title)}`);
  lines.push(slackEscape(n.detail));
  if (n.gaps.length > 0) lines.push(n.gaps.map((g) => `• ${slackEscape(g)}`).join('\n'));
  const context = [`status \`${n.status}\``, n.repository ? `repository \`${slackEscape(n.repository)}\`` : '', `next: \`${slackEscape(n.next)}\``].filter(Boolean).join(' · ');
  return {
    text: slackEscape(n.headline),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(lines.join('\n'), SLACK_SECTION_LIMIT) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: clip(context, SLACK_SECTION_LIMIT) }] },
    ],
  };
}

/** Slack's limit on a section's text. */
const SLACK_SECTION_LIMIT = 3000;

/** Discord's limits (discord.com/developers/docs/resources/message#embed-object-embed-limits). */
const DISCORD = { content: 2000, title: 256, description: 4096, field: 1024 } as const;

const COLORS = { good: 0x2ea043, bad: 0xcf222e, waiting: 0xd29922 } as const;

function colorOf(n: Notification): number {
  if (n.status === 'ready') return COLORS.good;
  if (n.trigger === 'verdict') return COLORS.bad;
  return COLORS.waiting;
}

/** Discord incoming webhook: one embed; mentions are never parsed (a goal's text cannot ping @everyone). */
export function discordBody(n: Notification): Record<string, unknown> {
  const fields: Array<{ name: string; value: string; inline?: boolean }> = [];
  if (n.title) fields.push({ name: 'Goal', value: clip(n.title, DISCORD.field) });
  fields.push({ name: 'Status', value: n.status, inline: true });
  if (n.repository) fields.push({ name: 'Repository', value: clip(n.repository, DISCORD.field), inline: true });
  if (n.gaps.length > 0) fields.push({ name: 'Known gaps', value: clip(n.gaps.map((g) => `• ${g}`).join('\n'), DISCORD.field) });
  fields.push({ name: 'Next', value: clip(`\`${n.next}\``, DISCORD.field) });
  return {
    content: clip(n.headline, DISCORD.content),
    embeds: [{ title: clip(n.headline, DISCORD.title), description: clip(n.detail, DISCORD.description), color: colorOf(n), fields, timestamp: n.event_ts }],
    allowed_mentions: { parse: [] },
  };
}

/** Title and body for a desktop notification (a few lines; the rest is one command away). */
export function desktopText(n: Notification): { title: string; body: string } {
  const body = [n.title, n.detail, `next: ${n.next}`].filter((l) => l !== '').join('\n');
  return { title: redactSecrets(n.headline), body: redactSecrets(clip(body, DESKTOP_BODY_LIMIT)) };
}

const DESKTOP_BODY_LIMIT = 500;

/** The command that shows a desktop notification on `platform`, or undefined where omk knows none. */
export function desktopCommand(platform: string, text: { title: string; body: string }): { command: string; args: string[] } | undefined {
  if (platform === 'darwin') {
    const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    return { command: 'osascript', args: ['-e', `display notification ${quote(text.body)} with title ${quote(text.title)}`] };
  }
  if (platform === 'linux' || platform === 'freebsd' || platform === 'openbsd') {
    // `--`: a title or body starting with "-" is text, not an option.
    return { command: 'notify-send', args: ['--app-name=omk', '--', text.title, text.body] };
  }
  return undefined;
}

function clip(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
