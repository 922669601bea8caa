import { z } from 'zod';

const bool = z.enum(['0', '1', 'true', 'false', '']).transform((v) => v === '1' || v === 'true');
const int = (min: number) => z.coerce.number().int().min(min);

/**
 * Every setting the server reads, with its default and meaning. Nothing else reads
 * `process.env`. Documented in README.md ("Configuration").
 */
const configSchema = z.object({
  PORT: int(0).max(65535).default(3000).describe('HTTP port'),
  HOST: z.string().default('0.0.0.0').describe('interface to listen on'),
  REDIS_URL: z
    .string()
    .url()
    .optional()
    .describe(
      'Redis for the update log and locks; unset: the embedded log, a table in the database (one instance only)',
    ),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]*$/)
    .default('gj:')
    .describe('prefix of every Redis key (tests use one each)'),
  DATABASE_URL: z.string().url().optional().describe('PostgreSQL; unset: embedded PGlite in DATA_DIR'),
  DATA_DIR: z.string().default('./data').describe('where embedded PGlite keeps its files'),
  DEMO: bool.default(false).describe('seed demo accounts, organizations and boards (idempotent)'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLIENT_DIR: z.string().optional().describe('built web app to serve; default client/dist'),
  COOKIE_SECURE: bool
    .default(false)
    .describe('mark the session and CSRF cookies Secure and send HSTS (set behind HTTPS)'),
  SESSION_TTL_HOURS: int(1).default(24 * 14),
  TRUST_PROXY: bool.default(false).describe('trust X-Forwarded-* from a reverse proxy'),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      const wrong = origins.find((origin) => !isOrigin(origin));
      if (wrong === undefined) return origins.map((origin) => new URL(origin).origin);
      ctx.addIssue({ code: 'custom', message: `not an origin (scheme://host[:port]): ${wrong}` });
      return z.NEVER;
    })
    .describe('origins besides the site itself allowed to send unsafe requests and open sockets (comma-separated)'),
  LOGIN_MAX_FAILURES: int(1).default(5).describe('failed sign-ins of one username, within the window, that lock it'),
  LOGIN_FAILURE_WINDOW_MINUTES: int(1).default(15).describe('window over which failed sign-ins of a username count'),
  LOGIN_LOCKOUT_MINUTES: int(1).default(15).describe('how long a username stays locked'),
  LOGIN_IP_MAX_FAILURES: int(1)
    .default(20)
    .describe('failed sign-ins from one address, within its window, that block it'),
  LOGIN_IP_WINDOW_MINUTES: int(1)
    .default(10)
    .describe('window of the per-address limit, and how long a blocked address waits'),
  MAX_UPDATE_BYTES: int(1024)
    .default(512 * 1024)
    .describe('largest accepted y message'),
  MAX_BOARD_BYTES: int(1024)
    .default(64 * 1024 * 1024)
    .describe('size quota of one board'),
  RATE_LIMIT_PER_SEC: int(1).default(100).describe('sustained y messages per socket per second'),
  RATE_LIMIT_BURST: int(1).default(400).describe('burst of y messages a socket may send'),
  ACCESS_RECHECK_MS: int(0)
    .default(60_000)
    .describe("how often every open socket's session and roles are re-checked, besides the access messages (0: never)"),
  AWARENESS_MAX_STATE_BYTES: int(256)
    .default(8 * 1024)
    .describe('largest awareness state (JSON) a socket may announce'),
  AWARENESS_MAX_CLIENTS: int(1)
    .default(4)
    .describe('awareness client ids one socket may hold on a board (the oldest gives way)'),
  FANOUT_INTERVAL_MS: int(0)
    .default(0)
    .describe(
      "a board's sockets are sent document updates at most this often; what comes sooner waits, merged (0: once per event-loop turn)",
    ),
  AWARENESS_THROTTLE_MS: int(0).default(50).describe('coalescing window for awareness relay'),
  COMPACT_AFTER_UPDATES: int(1).default(500).describe('compact a board once its log holds this many updates'),
  COMPACT_INTERVAL_MS: int(100).default(30_000).describe('how often loaded boards are checked for compaction'),
  COMPACT_TRIM_GRACE_MS: int(0)
    .default(60_000)
    .describe('keep log entries this long after compaction so lagging instances read on'),
  LOCK_LEASE_MS: int(100).default(10_000).describe('lease of the per-board compaction and projection locks'),
  BOARD_IDLE_MS: int(100)
    .default(5 * 60_000)
    .describe('unload a board with no sockets after this'),
  WORKER_MIN_BYTES: int(0)
    .default(256 * 1024)
    .describe(
      "whole-document jobs (compaction, a joiner's full state) on inputs this big run in a worker thread, off the event loop",
    ),
  HISTORY_EVERY_MS: int(0)
    .default(60 * 60_000)
    .describe('keep a history snapshot at most this often'),
  PROJECTION_DEBOUNCE_MS: int(0)
    .default(1000)
    .describe('project a changed board into the read model once it has been quiet this long'),
  PROJECTION_MAX_WAIT_MS: int(0).default(3000).describe('under constant edits, project a board at least this often'),
  REDIS_LOSS_CHECK_MS: int(100)
    .default(5000)
    .describe('how often the Redis epoch key is checked for lost data (it is also checked on every reconnect)'),
  SLOW_CLIENT_MAX_BUFFER_BYTES: int(0)
    .default(8 * 1024 * 1024)
    .describe('disconnect a socket once this much (beyond its largest message) waits unsent to it (0: no limit)'),
});

export type AppConfig = z.infer<typeof configSchema>;

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once at boot; an invalid key stops the process with its name. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const picked = Object.fromEntries(
    Object.keys(configSchema.shape)
      .filter((key) => env[key] !== undefined && env[key] !== '')
      .map((key) => [key, env[key]]),
  );
  const parsed = configSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}

/** The settings, described, for docs and `--help`. */
export function describeConfig(): Array<{ key: string; description: string | undefined }> {
  return Object.entries(configSchema.shape).map(([key, schema]) => ({
    key,
    description: (schema as z.ZodType).description,
  }));
}
