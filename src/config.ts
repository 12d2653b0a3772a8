// Every setting lambdalite reads: its flag, its environment variable, its default and its check.
// Nothing else in the codebase reads process.env or argv for settings (STYLE.md habit 7).
import { SANDBOX_MODES, type SandboxMode } from './execution/sandbox.js';
import { RUNTIMES } from './runtimes/table.js';

export const EXECUTORS = ['process', 'docker'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly region: string;
  readonly accountId: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly accountConcurrency: number;
  readonly publicUrl: string | undefined;
  readonly keepAliveMs: number;
  readonly sandbox: SandboxMode;
  readonly zygotes: number;
  readonly executor: ExecutorName;
  /** The Docker Engine API: unix:///path/to/socket or tcp://host:port. */
  readonly dockerHost: string;
  readonly dockerNetwork: string | undefined;
  /** Runtime id → image, replacing the docker executor's own choice (src/runtimes/images.ts). */
  readonly runtimeImages: Readonly<Record<string, string>> | undefined;
  readonly asyncRetryDelayMs: number;
  readonly asyncWorkers: number;
  readonly asyncFunctionConcurrency: number;
  readonly sqsEndpoint: string | undefined;
  readonly snsEndpoint: string | undefined;
  readonly eventbridgeEndpoint: string | undefined;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface Setting<K extends keyof Config> {
  readonly key: K;
  readonly flag: string;
  readonly env: string;
  readonly defaultValue: Config[K];
  readonly description: string;
  readonly parse: (raw: string) => Config[K];
}

export class ConfigError extends Error {}

function integer(min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(`expected a whole number, got '${raw}'`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(`expected a number from ${min} to ${max}, got ${n}`);
    return n;
  };
}

function matching(pattern: RegExp, what: string) {
  return (raw: string): string => {
    if (!pattern.test(raw)) throw new ConfigError(`expected ${what}, got '${raw}'`);
    return raw;
  };
}

function oneOf<T extends string>(values: readonly T[]) {
  return (raw: string): T => {
    const value = values.find((v) => v === raw);
    if (value === undefined) throw new ConfigError(`expected one of ${values.join(', ')}, got '${raw}'`);
    return value;
  };
}

/** `nodejs20.x=repo:tag,python3.12=repo:tag`: known runtime ids, each once, to image references. */
function runtimeImageList(raw: string): Readonly<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const m = /^\s*([\w.]+)=([\w.\/:@-]+)\s*$/.exec(pair);
    if (!m) throw new ConfigError(`expected runtime=image pairs such as nodejs20.x=my/node:20, got '${pair}'`);
    const [, runtime, image] = m as unknown as [string, string, string];
    if (!RUNTIMES[runtime]) throw new ConfigError(`unknown runtime '${runtime}' (known: ${Object.keys(RUNTIMES).join(', ')})`);
    if (runtime in images) throw new ConfigError(`runtime '${runtime}' is given twice`);
    images[runtime] = image;
  }
  return images;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const setting = <K extends keyof Config>(s: Setting<K>): Setting<K> => s;

export const SETTINGS = [
  setting({
    key: 'host', flag: 'host', env: 'LAMBDALITE_HOST', defaultValue: '127.0.0.1',
    description: 'address the API listens on (0.0.0.0 inside a container)',
    parse: matching(/^[\w.:-]+$/, 'a host name or IP address'),
  }),
  setting({
    key: 'port', flag: 'port', env: 'LAMBDALITE_PORT', defaultValue: 3001,
    description: 'port of the Lambda API (0 picks a free one)', parse: integer(0, 65535),
  }),
  setting({
    key: 'dataDir', flag: 'data-dir', env: 'LAMBDALITE_DATA_DIR', defaultValue: './.lambdalite',
    description: 'folder for the SQLite database and function code',
    parse: matching(/^.+$/, 'a folder path'),
  }),
  setting({
    key: 'region', flag: 'region', env: 'LAMBDALITE_REGION', defaultValue: 'us-east-1',
    description: 'region named in ARNs and AWS_REGION',
    parse: matching(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'a region such as us-east-1'),
  }),
  setting({
    key: 'accountId', flag: 'account-id', env: 'LAMBDALITE_ACCOUNT_ID', defaultValue: '000000000000',
    description: 'twelve-digit account id named in ARNs', parse: matching(/^\d{12}$/, 'twelve digits'),
  }),
  setting({
    key: 'logLevel', flag: 'log-level', env: 'LAMBDALITE_LOG_LEVEL', defaultValue: 'info',
    description: `server log level (${LOG_LEVELS.join(', ')})`,
    parse: oneOf(LOG_LEVELS),
  }),
  setting({
    key: 'accountConcurrency', flag: 'account-concurrency', env: 'LAMBDALITE_ACCOUNT_CONCURRENCY',
    defaultValue: 1000, description: 'account concurrent-executions limit (AWS default 1000)',
    parse: integer(100, 100000),
  }),
  setting({
    key: 'publicUrl', flag: 'public-url', env: 'LAMBDALITE_PUBLIC_URL', defaultValue: undefined,
    description: 'base URL clients reach the server at, for Code.Location (default http://host:port)',
    parse: matching(/^https?:\/\/[^\s/]+$/, 'a URL such as http://lambdalite:3001 (no path)'),
  }),
  setting({
    key: 'keepAliveMs', flag: 'keep-alive-ms', env: 'LAMBDALITE_KEEP_ALIVE_MS', defaultValue: 600000,
    description: 'how long an idle warm environment is kept before it is stopped',
    parse: integer(1000, 86400000),
  }),
  setting({
    key: 'sandbox', flag: 'sandbox', env: 'LAMBDALITE_SANDBOX', defaultValue: 'none',
    description: 'isolate runtimes: none, or bwrap (bubblewrap: code read-only at /var/task, private /tmp, rest of the host hidden)',
    parse: oneOf(SANDBOX_MODES),
  }),
  setting({
    key: 'zygotes', flag: 'zygotes', env: 'LAMBDALITE_ZYGOTES', defaultValue: 2,
    description: 'pre-started runtimes per family (Node.js, Python) waiting for a function, for fast cold starts (process executor with cgroup memory caps, no sandbox); 0 for none',
    parse: integer(0, 64),
  }),
  setting({
    key: 'executor', flag: 'executor', env: 'LAMBDALITE_EXECUTOR', defaultValue: 'process',
    description: 'where runtimes run: process (child processes), or docker (one container per execution environment)',
    parse: oneOf(EXECUTORS),
  }),
  setting({
    key: 'dockerHost', flag: 'docker-host', env: 'DOCKER_HOST', defaultValue: 'unix:///var/run/docker.sock',
    description: 'Docker Engine API of the docker executor (unix:///path or tcp://host:port)',
    // Any URL here: DOCKER_HOST is shared with the docker CLI (ssh://...), and must not stop the
    // process executor from starting; the docker executor refuses what it cannot use.
    parse: matching(/^(\/\S+|[a-z][a-z0-9+.-]*:\/\/\S+)$/, 'unix:///path/to/docker.sock or tcp://host:port'),
  }),
  setting({
    key: 'dockerNetwork', flag: 'docker-network', env: 'LAMBDALITE_DOCKER_NETWORK', defaultValue: undefined,
    description: "docker network for function containers, one lambdalite is on itself (its compose network); default: the host's bridge",
    parse: matching(/^[a-zA-Z0-9][\w.-]*$/, 'a docker network name'),
  }),
  setting({
    key: 'runtimeImages', flag: 'runtime-images', env: 'LAMBDALITE_RUNTIME_IMAGES', defaultValue: undefined,
    description: 'images the docker executor uses per runtime, e.g. nodejs20.x=my/node:20,python3.12=my/py:3.12',
    parse: runtimeImageList,
  }),
  setting({
    key: 'asyncRetryDelayMs', flag: 'async-retry-delay-ms', env: 'LAMBDALITE_ASYNC_RETRY_DELAY_MS', defaultValue: 60000,
    description: 'wait before the first retry of a failed async event (AWS: 1 minute); the second waits twice as long',
    parse: integer(0, 3600000),
  }),
  setting({
    key: 'asyncWorkers', flag: 'async-workers', env: 'LAMBDALITE_ASYNC_WORKERS', defaultValue: 64,
    description: 'async events run at once, over all functions',
    parse: integer(1, 10000),
  }),
  setting({
    key: 'asyncFunctionConcurrency', flag: 'async-function-concurrency', env: 'LAMBDALITE_ASYNC_FUNCTION_CONCURRENCY',
    defaultValue: 16, description: 'async events of one function run at once, so a slow function cannot hold every worker',
    parse: integer(1, 10000),
  }),
  setting({
    key: 'sqsEndpoint', flag: 'sqs-endpoint', env: 'LAMBDALITE_SQS_ENDPOINT', defaultValue: undefined,
    description: 'SQS-compatible endpoint that SQS destinations and dead-letter queues are sent to',
    parse: matching(/^https?:\/\/\S+$/, 'a URL such as http://elasticmq:9324'),
  }),
  setting({
    key: 'snsEndpoint', flag: 'sns-endpoint', env: 'LAMBDALITE_SNS_ENDPOINT', defaultValue: undefined,
    description: 'SNS-compatible endpoint that SNS destinations and dead-letter topics are published to',
    parse: matching(/^https?:\/\/\S+$/, 'a URL such as http://sns:9911'),
  }),
  setting({
    key: 'eventbridgeEndpoint', flag: 'eventbridge-endpoint', env: 'LAMBDALITE_EVENTBRIDGE_ENDPOINT', defaultValue: undefined,
    description: 'EventBridge-compatible endpoint that event bus destinations are put to',
    parse: matching(/^https?:\/\/\S+$/, 'a URL such as http://eventbridge:4010'),
  }),
  setting({
    key: 'accessKeyId', flag: 'access-key-id', env: 'LAMBDALITE_ACCESS_KEY_ID', defaultValue: 'test',
    description: 'access key id that SigV4-signed requests to AWS_IAM function URLs must be made with',
    parse: matching(/^[\w+=,.@-]{1,128}$/, 'an access key id such as AKIAIOSFODNN7EXAMPLE'),
  }),
  setting({
    key: 'secretAccessKey', flag: 'secret-access-key', env: 'LAMBDALITE_SECRET_ACCESS_KEY', defaultValue: 'test',
    description: 'secret access key that SigV4-signed requests to AWS_IAM function URLs must be made with',
    parse: matching(/^\S{1,128}$/, 'a secret access key without spaces'),
  }),
] as const;

export const DEFAULTS: Config = Object.fromEntries(SETTINGS.map((s) => [s.key, s.defaultValue])) as unknown as Config;

/**
 * Reads settings from flags (`--port 4000` or `--port=4000`), then environment variables, then
 * defaults; every value is checked here, once, and a bad one names its flag and variable.
 */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): Config {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new ConfigError(`unexpected argument '${arg}'`);
    const [, name, inline] = match;
    if (!SETTINGS.some((s) => s.flag === name)) throw new ConfigError(`unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new ConfigError(`--${name} needs a value`);
    flags.set(name!, value);
  }
  const config: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const raw = flags.get(s.flag) ?? env[s.env];
    if (raw === undefined || raw === '') {
      config[s.key] = s.defaultValue;
      continue;
    }
    try {
      config[s.key] = s.parse(raw);
    } catch (err) {
      throw new ConfigError(`--${s.flag} / ${s.env}: ${(err as Error).message}`);
    }
  }
  return config as unknown as Config;
}

export function helpText(): string {
  const width = Math.max(...SETTINGS.map((s) => s.flag.length)) + 14;
  const rows = SETTINGS.map((s) => {
    const def = s.defaultValue === undefined ? '' : ` (default: ${s.defaultValue})`;
    return `  --${s.flag} <value>`.padEnd(width) + `${s.description}${def}\n${''.padEnd(width)}env ${s.env}`;
  });
  return [
    'Usage: lambdalite [serve] [options]',
    '       lambdalite openapi        print the OpenAPI document of the implemented operations',
    '',
    'Options:',
    ...rows,
    '  --help'.padEnd(width) + 'show this help',
  ].join('\n');
}
