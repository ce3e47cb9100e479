import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createApprovalPolicy } from '../../../src/runtime/approval/index.js';
import { approvalSettings } from '../../../src/runtime/config/approval-config.js';
import { loadConfig, validateConfigFiles } from '../../../src/runtime/config/load-config.js';
import { resolvePaths } from '../../../src/runtime/paths.js';
import { sandbox, type Sandbox } from './helpers.js';

let s: Sandbox | undefined;
afterEach(() => {
  s?.cleanup();
  s = undefined;
});

const APPROVAL = `[defaults]
approval = "auto"

[approval]
allow_commands = ["docker build *", "re:just (test|lint)( .*)?"]
deny_commands = ["npm publish *"]
prompt_timeout = "2m"
prompt_default = "deny"

[[approval.rules]]
id = "docs-readonly"
kind = ["edit", "delete", "move"]
path = "docs/**"
action = "deny"

[[approval.rules]]
kind = "fetch"
action = "allow"
`;

describe('[approval] config', () => {
  it('loads allow/deny lists, rules and prompt settings into the policy, which applies them', async () => {
    s = sandbox();
    writeFileSync(s.userConfig, APPROVAL);
    const paths = resolvePaths({ cwd: s.repo, env: s.env });
    const { config } = await loadConfig({ paths, env: s.env });
    const settings = approvalSettings(config, { sessionDir: s.repo, homeDir: s.home });
    expect(settings.context).toMatchObject({
      mode: 'auto',
      allowCommands: ['docker build *', 're:just (test|lint)( .*)?'],
      denyCommands: ['npm publish *'],
      rules: [
        { id: 'docs-readonly', kind: ['edit', 'delete', 'move'], path: 'docs/**', action: 'deny' },
        { kind: 'fetch', action: 'allow' },
      ],
    });
    expect(settings.prompt).toEqual({ timeoutMs: 120_000, defaultDecision: 'deny' });
    const policy = createApprovalPolicy(settings);
    expect(await policy.check({ kind: 'execute', command: 'docker build .', paths: [] })).toMatchObject({ allow: true });
    expect(await policy.check({ kind: 'execute', command: 'just lint', paths: [] })).toMatchObject({ allow: true });
    expect(await policy.check({ kind: 'execute', command: 'npm publish --tag x', paths: [] })).toMatchObject({ allow: false, rule: 'deny-list:npm publish *' });
    expect(await policy.check({ kind: 'edit', paths: [`${s.repo}/docs/a.md`] })).toMatchObject({ allow: false, rule: 'rule:docs-readonly' });
    expect(await policy.check({ kind: 'fetch', paths: [] })).toMatchObject({ allow: true });
    // `mode` overrides defaults.approval (omk ask uses plan).
    const plan = createApprovalPolicy(approvalSettings(config, { sessionDir: s.repo, homeDir: s.home, mode: 'plan' }));
    expect(await plan.check({ kind: 'edit', paths: [`${s.repo}/README.md`] })).toMatchObject({ allow: false, rule: 'plan:read-only' });
  });

  it('names the file and key of a rule without an action, a bad kind, or a broken pattern', async () => {
    s = sandbox();
    writeFileSync(
      s.userConfig,
      '[approval]\ndeny_commands = ["re:("]\nprompt_default = "maybe"\n\n[[approval.rules]]\nkind = "teleport"\n\n[[approval.rules]]\ncommand = "ls *"\n',
    );
    const problems = await validateConfigFiles({ paths: resolvePaths({ cwd: s.repo, env: s.env }), env: s.env });
    const messages = problems.map((p) => p.message);
    expect(messages).toContain(`${s.userConfig}: approval.prompt_default: expected one of "allow", "deny", found "maybe"`);
    expect(messages.some((m) => m.startsWith(`${s!.userConfig}: approval.rules.1.kind: expected one of "read"`))).toBe(true);
    expect(messages).toContain(`${s.userConfig}: approval.rules.1.action: expected one of "allow", "deny", "ask", found nothing (the key is missing)`);
    expect(messages).toContain(`${s.userConfig}: approval.rules.2.action: expected one of "allow", "deny", "ask", found nothing (the key is missing)`);
    expect(messages.some((m) => m.startsWith(`${s!.userConfig}: approval.deny_commands.1: expected a command pattern`))).toBe(true);
  });
});
