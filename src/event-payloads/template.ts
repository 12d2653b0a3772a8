// What one sample event is: its flags (named as `sam local generate-event` names them) and how
// it is built from their values. Templates are data; the registry is a table of them.

/** A flag of one event: `--name value`, with the value used when the flag is not given. */
export interface FlagSpec {
  readonly defaultValue: string;
  readonly description: string;
}

export interface EventTemplate {
  readonly description: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Builds the event from every flag's value (defaults filled in); `now` stamps its times. */
  build(values: Readonly<Record<string, string>>, now: Date): unknown;
}

export interface ServiceTemplates {
  readonly description: string;
  readonly events: Readonly<Record<string, EventTemplate>>;
}

/** A wrong name, flag or flag value on the command line: the CLI says so and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Declares an event with its flag names checked against what `build` reads. */
export function defineEvent<F extends string>(template: {
  readonly description: string;
  readonly flags: Readonly<Record<F, FlagSpec>>;
  build(values: Readonly<Record<F, string>>, now: Date): unknown;
}): EventTemplate {
  return template;
}
