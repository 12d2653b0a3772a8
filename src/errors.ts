// AWS-named errors. Throw them anywhere; src/http/error-handler.ts alone turns them into responses.
// Status codes and the casing of the message member come from botocore's Lambda service model
// (`botocore/data/lambda/2015-03-31/service-2.json`, each exception shape's `error.httpStatusCode`
// and whether it declares `message` or `Message`).

interface ErrorKind {
  readonly status: number;
  readonly messageKey: 'message' | 'Message';
}

export const ERROR_KINDS = {
  InvalidParameterValueException: { status: 400, messageKey: 'message' },
  InvalidRequestContentException: { status: 400, messageKey: 'message' },
  // Not a Lambda model shape: AWS's request validation layer answers with it for constraint
  // violations ("1 validation error detected: ...").
  ValidationException: { status: 400, messageKey: 'message' },
  ResourceNotFoundException: { status: 404, messageKey: 'Message' },
  ResourceConflictException: { status: 409, messageKey: 'message' },
  ProvisionedConcurrencyConfigNotFoundException: { status: 404, messageKey: 'message' },
  ResourceInUseException: { status: 400, messageKey: 'Message' },
  PreconditionFailedException: { status: 412, messageKey: 'message' },
  PolicyLengthExceededException: { status: 400, messageKey: 'message' },
  RequestTooLargeException: { status: 413, messageKey: 'message' },
  UnsupportedMediaTypeException: { status: 415, messageKey: 'message' },
  TooManyRequestsException: { status: 429, messageKey: 'message' },
  ServiceException: { status: 500, messageKey: 'Message' },
  InvalidRuntimeException: { status: 502, messageKey: 'Message' },
  // lambdalite's answer to an operation of the model it does not implement yet.
  UnsupportedOperationException: { status: 501, messageKey: 'Message' },
  // What AWS's front end answers for a method and path that name no operation at all.
  UnknownOperationException: { status: 404, messageKey: 'message' },
} as const satisfies Record<string, ErrorKind>;

export type ErrorName = keyof typeof ERROR_KINDS;

export class AwsError extends Error {
  readonly status: number;
  /** Extra members of the error shape, e.g. `Reason` of TooManyRequestsException. */
  readonly extra: Readonly<Record<string, string>>;
  /** Response headers the shape binds, e.g. `Retry-After`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly type: ErrorName,
    message: string,
    options: { extra?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = ERROR_KINDS[type].status;
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
  }

  /** The JSON body AWS sends: `{"Type":"User","message":...}` with the shape's casing. */
  body(): Record<string, string> {
    return { Type: this.status >= 500 ? 'Service' : 'User', [ERROR_KINDS[this.type].messageKey]: this.message, ...this.extra };
  }
}

export const invalidParameter = (message: string) => new AwsError('InvalidParameterValueException', message);
export const notFound = (message: string) => new AwsError('ResourceNotFoundException', message);
export const conflict = (message: string) => new AwsError('ResourceConflictException', message);

/** Marks a value of a `sensitive` model shape: AWS's messages leave it out ("Value at 'x' ..."). */
export const SENSITIVE = Symbol('sensitive value');

/**
 * How AWS's (Java) validation layer prints a value: strings bare, lists `[a, b]`, maps `{k=v}`;
 * e.g. "Value '[x86_64, arm64]' at 'architectures'" in the errors AWS returns.
 */
function javaString(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(javaString).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${k}=${javaString(v)}`).join(', ')}}`;
  }
  return String(value);
}

/** The message AWS's validation layer uses for one failed constraint. */
export function validationError(value: unknown, field: string, constraint: string): AwsError {
  const shown = value === SENSITIVE ? 'Value' : value === null ? 'Value null' : `Value '${javaString(value)}'`;
  return new AwsError(
    'ValidationException',
    `1 validation error detected: ${shown} at '${field}' failed to satisfy constraint: ${constraint}`,
  );
}
