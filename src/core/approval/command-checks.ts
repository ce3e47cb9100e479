import { credentialGlobKind, credentialKind, credentialSuffix, pathFragments } from './credentials.js';
import { isHarmlessDevice } from './effects.js';
import { checkGit } from './git-checks.js';
import { analyzeCommand, PRIVILEGE, SHELLS } from './invocations.js';
import type { CommandAnalysis, Invocation } from './invocations.js';
import { isInside, normalizeAbsolute, resolveWordPath } from './paths.js';
import { HARD_DENY } from './rule-ids.js';
import type { Word } from './shell-lexer.js';
import { resolveTargets } from './targets.js';
import type { CommandTargets } from './targets.js';
import type { ApprovalContext, ApprovalDecision } from './types.js';

/**
 * The hard denies for a shell command, checked in a fixed order so the reported rule is the most
 * specific one. When the parser had problems the command is refused last of all, after every check
 * that could name a more precise reason from what was understood.
 */

export interface CommandInspection {
  analysis: CommandAnalysis;
  targets: CommandTargets;
  deny?: ApprovalDecision;
}

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh', 'httpie', 'lwp-request', 'GET', 'nc', 'ncat', 'socat', 'ftp', 'tftp']);
const INTERPRETERS = new Set(['node', 'nodejs', 'deno', 'bun', 'perl', 'ruby', 'php', 'lua', 'eval', 'source', '.', 'osascript', 'pwsh', 'powershell', 'tclsh']);
const ACCOUNT_TOOLS = new Set(['visudo', 'passwd', 'chpasswd', 'useradd', 'usermod', 'userdel', 'groupadd', 'adduser', 'deluser', 'chsh', 'setcap']);
const SYSTEM_TOOLS = new Set([
  'fdisk', 'sfdisk', 'cfdisk', 'parted', 'wipefs', 'mkswap', 'swapon', 'swapoff', 'shutdown', 'reboot', 'halt', 'poweroff',
  'telinit', 'mount', 'umount', 'modprobe', 'insmod', 'rmmod', 'iptables', 'ip6tables', 'nft', 'ufw', 'crontab', 'launchctl',
  'killall5', 'kexec',
]);
const SYSTEMCTL_READS = new Set(['status', 'show', 'cat', 'is-active', 'is-enabled', 'is-failed', 'list-units', 'list-unit-files', 'list-timers', 'help']);

const FORK_BOMB = /([^\s(){};|&]+)\s*\(\s*\)\s*\{[^}]*\1\s*\|\s*&?\s*\1/;

const deny = (rule: string, reason: string): ApprovalDecision => ({ decision: 'deny', rule, reason });

function isSink(inv: Invocation): boolean {
  return SHELLS.has(inv.program) || INTERPRETERS.has(inv.program) || /^python[\d.]*$/.test(inv.program);
}

export function inspectCommand(command: string, ctx: ApprovalContext, cwd: string): CommandInspection {
  const analysis = analyzeCommand(command);
  const targets = resolveTargets(analysis, cwd, ctx.homeDir);
  const result: CommandInspection = { analysis, targets };
  const found = firstDeny(command, analysis, targets, ctx);
  if (found) result.deny = found;
  return result;
}

function firstDeny(command: string, analysis: CommandAnalysis, targets: CommandTargets, ctx: ApprovalContext): ApprovalDecision | undefined {
  const { invocations } = analysis;
  const session = normalizeAbsolute(ctx.sessionDir);

  if (FORK_BOMB.test(command)) return deny(HARD_DENY.forkBomb, 'The command defines a function that pipes into itself: a fork bomb.');

  const exec = downloadExec(invocations);
  if (exec) return deny(HARD_DENY.downloadExec, exec);

  for (const inv of invocations) {
    const who = [...inv.wrappers, inv.program].find((p) => PRIVILEGE.has(p) || ACCOUNT_TOOLS.has(p));
    if (who) return deny(HARD_DENY.privilege, `\`${who}\` changes privileges or accounts; agents run as the user, never as root.`);
  }

  const system = systemChange(invocations, targets);
  if (system) return deny(HARD_DENY.systemChange, system);

  const secret = credentialUse(invocations, targets, ctx);
  if (secret) return deny(HARD_DENY.credentialRead, secret);

  const git = checkGit(invocations, targets.cwdOf, ctx);
  if (git) return git;

  for (const { effect, paths, unknown } of targets.effects) {
    if (effect.kind !== 'delete' || !effect.recursive) continue;
    const out = paths?.find((p) => !isInside(session, p));
    if (paths === undefined || out !== undefined) {
      return deny(HARD_DENY.recursiveDeleteOutside, `\`${effect.by}\` would recursively delete ${out ?? 'a path it cannot pin down'} (${unknown ?? 'outside the worktree'}).`);
    }
  }

  for (const { effect, paths } of targets.effects) {
    const hit = paths?.find((p) => p === `${session}/.git` || p.startsWith(`${session}/.git/`) || (effect.kind === 'delete' && p === session && effect.within !== true));
    if (hit) return deny(HARD_DENY.gitDir, `\`${effect.by}\` would ${effect.kind} ${hit === session ? 'the worktree itself' : 'the repository metadata in .git'}.`);
  }

  for (const { effect, paths, unknown } of targets.effects) {
    if (paths === undefined) return deny(HARD_DENY.writeOutside, `\`${effect.by}\` would ${effect.kind} where omk cannot check: ${unknown ?? 'unknown path'}.`);
    const out = paths.find((p) => !isInside(session, p) && !isHarmlessDevice(p));
    if (out) return deny(HARD_DENY.writeOutside, `\`${effect.by}\` would ${effect.kind} ${out}, outside the worktree.`);
  }

  if (analysis.problems.length > 0) {
    return deny(HARD_DENY.unparseable, `The command cannot be checked confidently (${analysis.problems[0]!}), so it is refused.`);
  }
  return undefined;
}

/** A download that reaches an interpreter: through a pipe, a substitution, or a process substitution. */
function downloadExec(invocations: Invocation[]): string | undefined {
  const byId = new Map(invocations.map((i) => [i.id, i]));
  const reason = (d: Invocation, s: Invocation): string => `\`${d.program}\` output would be run by \`${s.program}\`: piping downloads into a shell is never allowed.`;
  for (const d of invocations.filter((i) => DOWNLOADERS.has(i.program))) {
    const sink = invocations.find((s) => isSink(s) && s.pipeline === d.pipeline && s.stage > d.stage);
    if (sink) return reason(d, sink);
    for (let cur: Invocation | undefined = d; cur && (cur.origin === 'substitution' || cur.origin === 'process-in'); ) {
      const parent: Invocation | undefined = cur.parent === undefined ? undefined : byId.get(cur.parent);
      if (parent && isSink(parent)) return reason(d, parent);
      cur = parent;
    }
  }
  for (const s of invocations.filter((i) => isSink(i) && i.origin === 'process-out')) {
    const parent = s.parent === undefined ? undefined : byId.get(s.parent);
    const feeder = parent && invocations.find((d) => DOWNLOADERS.has(d.program) && d.pipeline === parent.pipeline && d.stage <= parent.stage);
    if (feeder) return reason(feeder, s);
  }
  return undefined;
}

function systemChange(invocations: Invocation[], targets: CommandTargets): string | undefined {
  for (const inv of invocations) {
    const p = inv.program;
    const args = inv.argv.slice(1).map((w) => w.text);
    if (/^mkfs(\..+)?$/.test(p) || SYSTEM_TOOLS.has(p)) return `\`${p}\` changes the system, not the project.`;
    if (p === 'init' && /^[0-6sS]$/.test(args[0] ?? '')) return '`init` changes the run level.';
    if (p === 'systemctl' && !SYSTEMCTL_READS.has(args.find((a) => !a.startsWith('-')) ?? 'status')) return '`systemctl` changes system services.';
    if (p === 'service' && args.length >= 2) return '`service` changes system services.';
    if (p === 'sysctl' && args.some((a) => a === '-w' || a.includes('='))) return '`sysctl` changes kernel settings.';
    if (p === 'kill') {
      let rest = args;
      if (rest[0] === '-s' || rest[0] === '-n') rest = rest.slice(2);
      else if (rest[0]?.startsWith('-') && rest.length > 1) rest = rest.slice(1); // the signal (`-9`, `-KILL`, `--`)
      if (rest.filter((a) => a !== '--').includes('-1')) return '`kill … -1` signals every process the user owns.';
    }
  }
  for (const { effect, paths, invocation } of targets.effects) {
    const device = paths?.find((x) => (x.startsWith('/dev/') && !isHarmlessDevice(x)) || x.startsWith('/proc/sys/') || x.startsWith('/sys/'));
    if (device) return `\`${effect.by}\` would write to ${device}.`;
    const prog = invocation.program;
    if (['chmod', 'chown', 'chgrp'].includes(prog) && effect.recursive && (paths === undefined || paths.some((x) => x === '/' || x.split('/').length <= 2))) {
      return `\`${prog} -R\` on ${paths?.[0] ?? 'an unknown path'} changes the system's permissions.`;
    }
  }
  return undefined;
}

/** Any word, option value or path fragment in the command that names a secret, or a tool that prints one. */
function credentialUse(invocations: Invocation[], targets: CommandTargets, ctx: ApprovalContext): string | undefined {
  for (const inv of invocations) {
    const a = inv.argv.map((w) => w.text);
    if (inv.program === 'gpg' && a.some((t) => t.startsWith('--export-secret'))) return '`gpg` would export private keys.';
    if (inv.program === 'security' && a.some((t) => /^(find-(generic|internet)-password|dump-keychain)$/.test(t))) return '`security` would read the keychain.';
    if (inv.program === 'gh' && a[1] === 'auth' && a[2] === 'token') return '`gh auth token` prints a GitHub token.';
    if (inv.program === 'git' && a.includes('credential') && a.some((t) => t === 'fill' || t === 'get')) return '`git credential` prints stored passwords.';
    if (inv.program === 'aws' && a[1] === 'configure' && (a[2] === 'export-credentials' || a.some((t) => /secret|session_token/.test(t)))) return '`aws configure` would print AWS secrets.';

    const cwds = targets.cwdOf.get(inv.id);
    const words: Word[] = [...inv.argv, ...inv.assignments, ...inv.redirects.filter((r) => r.op !== '<<' && r.op !== '<<-').map((r) => r.target)];
    for (const w of words) {
      const hit = secretIn(w, cwds, ctx);
      if (hit) return `\`${inv.program || 'the command'}\` would read ${hit}: credential files are never read by agents.`;
    }
    for (const r of inv.redirects) {
      if (r.body === undefined) continue;
      for (const fragment of pathFragments(r.body)) {
        const hit = secretIn({ ...r.target, text: fragment, dynamic: false, tilde: fragment.startsWith('~') }, cwds, ctx);
        if (hit) return `A here-document names ${hit}: credential files are never read by agents.`;
      }
    }
  }
  return undefined;
}

function secretIn(word: Word, cwds: string[] | undefined, ctx: ApprovalContext): string | undefined {
  const variants: Word[] = [word];
  const eq = word.text.indexOf('=');
  if (eq > 0) variants.push({ ...word, text: word.text.slice(eq + 1), tilde: word.text[eq + 1] === '~' });
  if (word.text.startsWith('@')) variants.push({ ...word, text: word.text.slice(1), tilde: word.text[1] === '~' });
  if (/[\s'"();]/.test(word.text) || word.dynamic) {
    for (const f of pathFragments(word.text)) variants.push({ ...word, text: f, dynamic: f.includes('$'), tilde: f.startsWith('~') });
  }
  for (const v of variants) {
    const r = resolveWordPath(v, cwds, ctx.homeDir);
    if ('paths' in r) {
      for (const p of r.paths) {
        const kind = credentialKind(p, ctx.homeDir, ctx.sessionDir) ?? (v.glob ? credentialGlobKind(p, ctx.homeDir) : undefined);
        if (kind) return `${p} (${kind})`;
      }
    } else {
      const kind = credentialSuffix(v.text);
      if (kind) return `${v.text} (${kind})`;
    }
  }
  return undefined;
}


/**
 * Paths inside the worktree that the command's arguments name, for the runtime to follow on disk: a
 * symlink in the worktree can point at a key (`cat notes` → ~/.ssh/id_rsa). Capped, to stay cheap.
 */
export function argumentPaths(inspection: CommandInspection, ctx: ApprovalContext, limit = 64): string[] {
  const out = new Set<string>();
  for (const inv of inspection.analysis.invocations) {
    const cwds = inspection.targets.cwdOf.get(inv.id);
    const words = [...inv.argv.slice(1), ...inv.redirects.filter((r) => r.op !== '<<' && r.op !== '<<-' && r.op !== '<<<').map((r) => r.target)];
    for (const w of words) {
      if (w.text.startsWith('-') && !w.text.includes('=')) continue;
      const r = resolveWordPath(w.text.includes('=') && !w.text.startsWith('/') ? { ...w, text: w.text.slice(w.text.indexOf('=') + 1) } : w, cwds, ctx.homeDir);
      if (!('paths' in r)) continue;
      for (const p of r.paths) {
        if (isInside(ctx.sessionDir, p) && p !== normalizeAbsolute(ctx.sessionDir)) out.add(p);
        if (out.size >= limit) return [...out];
      }
    }
  }
  return [...out];
}
