// `lambdalite event <service> <event> [--flag value]...`: prints a sample event as pretty JSON,
// ready for `aws lambda invoke --payload`. `--help` at each level lists what the next level takes.
import { SERVICES } from './registry.js';
import { UsageError, type EventTemplate, type ServiceTemplates } from './template.js';

const HELP_FLAGS = new Set(['--help', '-h']);

/** Own entries only, so names like `constructor` are unknown rather than found on the prototype. */
function lookup<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function rows(entries: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...entries.map(([name]) => name.length)) + 3;
  return entries.map(([name, text]) => `  ${name.padEnd(width)}${text}`);
}

export function servicesHelp(): string {
  return [
    'Usage: lambdalite event <service> <event> [--flag value]...',
    '',
    'Prints a sample event, shaped as the AWS service sends it to Lambda, as JSON on stdout.',
    'Names and flags are those of `sam local generate-event`. Ids and times are fresh each call.',
    '',
    'Services:',
    ...rows(Object.entries(SERVICES).map(([name, s]) => [name, `${s.description}: ${Object.keys(s.events).join(', ')}`])),
    '',
    'lambdalite event <service> --help lists its events; lambdalite event <service> <event> --help its flags.',
  ].join('\n');
}

function serviceHelp(name: string, service: ServiceTemplates): string {
  return [
    `Usage: lambdalite event ${name} <event> [--flag value]...`,
    '',
    `${service.description}.`,
    '',
    'Events:',
    ...rows(Object.entries(service.events).map(([event, t]) => [event, t.description])),
  ].join('\n');
}

function eventHelp(service: string, event: string, template: EventTemplate, about: string): string {
  const flags = Object.entries(template.flags).map(
    ([flag, spec]) => [`--${flag} <value>`, `${spec.description} (default: '${spec.defaultValue}')`] as const,
  );
  return [`Usage: lambdalite event ${service} ${event} [--flag value]...`, '', `${about}: ${template.description}.`, '', 'Flags:', ...rows(flags)].join('\n');
}

/** `--name value` and `--name=value`, checked against the event's flags; the last one given wins. */
function parseFlags(args: readonly string[], template: EventTemplate, where: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [flag, spec] of Object.entries(template.flags)) values[flag] = spec.defaultValue;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}' (see lambdalite event ${where} --help)`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq === -1 ? undefined : eq);
    if (!Object.hasOwn(template.flags, flag)) {
      throw new UsageError(`unknown flag --${flag} for '${where}' (flags: ${Object.keys(template.flags).map((f) => `--${f}`).join(', ')})`);
    }
    if (eq !== -1) {
      values[flag] = arg.slice(eq + 1);
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new UsageError(`--${flag} needs a value`);
    values[flag] = value;
  }
  return values;
}

/**
 * Runs `event` with the arguments after it and returns what goes to stdout (the event, or help).
 * Unknown names, flags and bad values throw UsageError, which the CLI turns into exit code 2.
 */
export function eventCommand(args: readonly string[], now: Date = new Date()): string {
  const [serviceName, eventName, ...rest] = args;
  if (serviceName === undefined || HELP_FLAGS.has(serviceName)) {
    if (serviceName === undefined) throw new UsageError(`name a service\n${servicesHelp()}`);
    return `${servicesHelp()}\n`;
  }
  const service = lookup(SERVICES, serviceName);
  if (!service) {
    throw new UsageError(`unknown service '${serviceName}' (services: ${Object.keys(SERVICES).join(', ')})`);
  }
  if (eventName === undefined || HELP_FLAGS.has(eventName)) {
    if (eventName === undefined) throw new UsageError(`name an event of ${serviceName}\n${serviceHelp(serviceName, service)}`);
    return `${serviceHelp(serviceName, service)}\n`;
  }
  const template = lookup(service.events, eventName);
  if (!template) {
    throw new UsageError(`unknown event '${eventName}' of ${serviceName} (events: ${Object.keys(service.events).join(', ')})`);
  }
  // `--help` anywhere among the flags, but not as a flag's value (`--message --help` is a message).
  for (let i = 0; i < rest.length; i++) {
    if (HELP_FLAGS.has(rest[i]!)) return `${eventHelp(serviceName, eventName, template, service.description)}\n`;
    if (rest[i]!.startsWith('--') && !rest[i]!.includes('=')) i++;
  }
  const values = parseFlags(rest, template, `${serviceName} ${eventName}`);
  return `${JSON.stringify(template.build(values, now), null, 2)}\n`;
}
