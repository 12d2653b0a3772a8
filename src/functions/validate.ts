// Checks of function configuration input, with the error types and messages AWS uses. Constraint
// checks that the service model declares (lengths, ranges, patterns, enums) answer
// ValidationException; business rules answer InvalidParameterValueException.
import { invalidParameter, SENSITIVE, validationError } from '../errors.js';
import { AWS_LAYER_VERSION_ARN_PATTERN, isLayerVersionArn } from '../layers/arn.js';
import { checkImageConfig, type ImageConfigInput } from './image.js';
import type { Architecture, VersionConfig } from './model.js';

/** Runtime ids of the service model's `Runtime` enum that AWS still accepts for create and update. */
export const ACCEPTED_RUNTIMES = [
  'nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x',
  'python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14',
  'java8.al2', 'java11', 'java17', 'java21', 'java25',
  'dotnet8', 'dotnet10', 'ruby3.2', 'ruby3.3', 'ruby3.4', 'ruby4.0',
  'provided', 'provided.al2', 'provided.al2023',
] as const;

/** In the model's enum, but blocked by AWS for create and update after deprecation. */
export const DEPRECATED_RUNTIMES = [
  'nodejs', 'nodejs4.3', 'nodejs4.3-edge', 'nodejs6.10', 'nodejs8.10', 'nodejs10.x', 'nodejs12.x', 'nodejs14.x',
  'nodejs16.x', 'java8', 'python2.7', 'python3.6', 'python3.7', 'python3.8', 'dotnetcore1.0', 'dotnetcore2.0',
  'dotnetcore2.1', 'dotnetcore3.1', 'dotnet6', 'go1.x', 'ruby2.5', 'ruby2.7',
];

// Set by Lambda itself ("Defined runtime environment variables" in the Lambda developer guide);
// AWS refuses them in Environment.Variables.
const RESERVED_ENV_KEYS = new Set([
  '_HANDLER', '_X_AMZN_TRACE_ID', 'AWS_DEFAULT_REGION', 'AWS_REGION', 'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE', 'AWS_LAMBDA_LOG_GROUP_NAME', 'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API', 'LAMBDA_TASK_ROOT', 'LAMBDA_RUNTIME_DIR',
]);

const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const HANDLER = /^[^\s]+$/;

/** The configuration members CreateFunction and UpdateFunctionConfiguration accept, as sent. */
export interface ConfigInput {
  Runtime?: string;
  Handler?: string;
  Role?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  EphemeralStorage?: { Size: number };
  Layers?: string[];
  TracingConfig?: { Mode?: string };
  DeadLetterConfig?: { TargetArn?: string };
  KMSKeyArn?: string;
  LoggingConfig?: { LogFormat?: string; LogGroup?: string };
  /** Container-image functions only (src/functions/deployment-package.ts checks which package type). */
  ImageConfig?: ImageConfigInput;
}

export const DEFAULT_CONFIG: Omit<VersionConfig, 'role' | 'runtime' | 'handler' | 'packageType'> = {
  description: '',
  timeoutSeconds: 3,
  memoryMb: 128,
  ephemeralStorageMb: 512,
  environment: {},
  architectures: ['x86_64'],
  layers: [],
  tracingMode: 'PassThrough',
  deadLetterTargetArn: undefined,
  kmsKeyArn: undefined,
  logFormat: 'Text',
  logGroup: undefined,
  imageConfig: undefined,
};

function range(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value)) throw validationError(value, field, 'Member must be an integer');
  if (value < min) throw validationError(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

export function checkRuntime(runtime: string): string {
  if (DEPRECATED_RUNTIMES.includes(runtime)) {
    throw invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. ` +
        'We recommend you use a supported runtime while creating or updating functions.',
    );
  }
  // AWS answers an unknown runtime with InvalidParameterValueException and this unquoted message,
  // not with its validation layer's ValidationException (LocalStack's AWS-recorded snapshot
  // TestLambdaFunction::test_create_lambda_exceptions, invalid_runtime_exc).
  if (!(ACCEPTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw invalidParameter(`Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${ACCEPTED_RUNTIMES.join(', ')}]`);
  }
  return runtime;
}

export function checkRole(role: string): string {
  if (!ROLE_ARN.test(role)) {
    throw validationError(role, 'role', 'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+');
  }
  return role;
}

function checkEnvironment(vars: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(vars).filter((k) => RESERVED_ENV_KEYS.has(k));
  if (reserved.length > 0) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have ' +
        'provided contains reserved keys that are currently not supported for modification. ' +
        `Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  // EnvironmentVariables is a `sensitive` shape: AWS's message names the constraint, never the value.
  for (const [key, value] of Object.entries(vars)) {
    if (!ENV_KEY.test(key)) {
      throw validationError(SENSITIVE, 'environment.variables', 'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]');
    }
    if (typeof value !== 'string') throw validationError(SENSITIVE, 'environment.variables', 'Map value must satisfy constraint: [Member must be a string]');
  }
  // "The total size of all environment variables doesn't exceed 4 KB" (Lambda quotas), measured by
  // AWS as the JSON of the map.
  const measured = JSON.stringify(vars);
  if (Buffer.byteLength(measured) > 4096) {
    throw invalidParameter(
      'Lambda was unable to configure your environment variables because the environment variables you have ' +
        `provided exceeded the 4KB limit. String measured: ${measured}`,
    );
  }
  return vars;
}

export function checkArchitectures(archs: string[]): Architecture[] {
  if (archs.length !== 1) {
    throw validationError(archs, 'architectures', 'Member must have length less than or equal to 1');
  }
  if (archs[0] !== 'x86_64' && archs[0] !== 'arm64') {
    throw validationError(archs, 'architectures', 'Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64], Member must not be null]');
  }
  return [archs[0]];
}

/**
 * The members' own constraints, in AWS's words (LocalStack's AWS-recorded snapshots
 * TestLambdaLayer::test_layer_function_exceptions and test_layer_function_quota_exception). Whether
 * each names an existing layer version, one per layer, is the layer service's check (FunctionLayers).
 */
function checkLayers(layers: string[]): string[] {
  if (layers.some((arn) => typeof arn !== 'string' || arn.length > 2048 || !isLayerVersionArn(arn))) {
    throw validationError(
      layers,
      'layers',
      'Member must satisfy constraint: [Member must have length less than or equal to 2048, Member must have length ' +
        `greater than or equal to 1, Member must satisfy regular expression pattern: ${AWS_LAYER_VERSION_ARN_PATTERN}, Member must not be null]`,
    );
  }
  if (layers.length > 5) throw invalidParameter('Cannot reference more than 5 layers.');
  return layers;
}

/** Applies the given members onto `base`, checking each; members not given keep their value. */
export function applyConfig(base: VersionConfig, input: ConfigInput): VersionConfig {
  const next = { ...base } as { -readonly [K in keyof VersionConfig]: VersionConfig[K] };
  if (input.Runtime !== undefined) next.runtime = checkRuntime(input.Runtime);
  if (input.Handler !== undefined) {
    if (input.Handler.length > 128) throw validationError(input.Handler, 'handler', 'Member must have length less than or equal to 128');
    if (!HANDLER.test(input.Handler)) throw validationError(input.Handler, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+');
    next.handler = input.Handler;
  }
  if (input.Role !== undefined) next.role = checkRole(input.Role);
  if (input.Description !== undefined) {
    if (input.Description.length > 256) throw validationError(input.Description, 'description', 'Member must have length less than or equal to 256');
    next.description = input.Description;
  }
  if (input.Timeout !== undefined) next.timeoutSeconds = range(input.Timeout, 'timeout', 1, 900);
  if (input.MemorySize !== undefined) next.memoryMb = range(input.MemorySize, 'memorySize', 128, 10240);
  if (input.EphemeralStorage !== undefined) next.ephemeralStorageMb = range(input.EphemeralStorage.Size, 'ephemeralStorage.size', 512, 10240);
  if (input.Environment !== undefined) next.environment = checkEnvironment(input.Environment.Variables ?? {});
  if (input.Layers !== undefined) next.layers = checkLayers(input.Layers);
  if (input.TracingConfig?.Mode !== undefined) {
    const mode = input.TracingConfig.Mode;
    if (mode !== 'Active' && mode !== 'PassThrough') throw validationError(mode, 'tracingConfig.mode', 'Member must satisfy enum value set: [Active, PassThrough]');
    next.tracingMode = mode;
  }
  if (input.DeadLetterConfig !== undefined) next.deadLetterTargetArn = input.DeadLetterConfig.TargetArn || undefined;
  if (input.KMSKeyArn !== undefined) next.kmsKeyArn = input.KMSKeyArn || undefined;
  if (input.LoggingConfig !== undefined) {
    const format = input.LoggingConfig.LogFormat;
    if (format !== undefined && format !== 'Text' && format !== 'JSON') throw validationError(format, 'loggingConfig.logFormat', 'Member must satisfy enum value set: [JSON, Text]');
    if (format !== undefined) next.logFormat = format;
    if (input.LoggingConfig.LogGroup !== undefined) next.logGroup = input.LoggingConfig.LogGroup;
  }
  // A new ImageConfig replaces the old one whole: members left out are gone (LocalStack's AWS-recorded
  // snapshot test_lambda_image_and_image_config_crud drops EntryPoint that way).
  if (input.ImageConfig !== undefined) next.imageConfig = checkImageConfig(input.ImageConfig);
  return next;
}
