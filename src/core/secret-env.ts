import { MIN_KNOWN_SECRET_LENGTH } from './redact.js';

/** Names that hold credentials: `*_API_KEY`, `*TOKEN*`, `*SECRET*`, `PGPASSWORD`, `DATABASE_URL`, … */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|DSN|DATABASE_URL|_PAT$)/i;
/** Names that match the above but hold a path, a socket or a switch, never a credential. */
const NOT_SECRET_NAME = /(_SOCK|_PATH|_FILE|_DIR|_HOME|XAUTHORITY|_TIMEOUT|_COLUMNS|_ENABLED|_DISABLED|^KEYTIMEOUT$)$/i;
const SWITCH = /^(true|false|yes|no|on|off|[0-9]+)$/i;

/**
 * The values of environment variables whose names say they hold a credential, long enough to be worth
 * redacting. An agent that runs `echo $TOKEN` or `env` puts the bare value in a tool result, where no
 * pattern would recognise it; registering these values removes them from every record. Pure: the
 * caller passes the environment in.
 */
export function secretEnvValues(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_KNOWN_SECRET_LENGTH) continue;
    if (!SECRET_NAME.test(name) || NOT_SECRET_NAME.test(name) || SWITCH.test(value)) continue;
    out.push(value);
  }
  return out;
}
