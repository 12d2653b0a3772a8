// The environment variables a runtime sees, exactly the set AWS defines
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
// Nothing of the server's own environment passes through except PATH. A function with layers also
// gets its runtime's layer search paths into /opt (src/runtimes/layer-paths.ts).
import { layerEnvironment } from '../runtimes/layer-paths.js';
import type { EnvironmentSpec } from './types.js';

export interface LaunchEnvironmentOptions {
  readonly spec: EnvironmentSpec;
  readonly runtimeApiAddress: string;
  readonly logStreamName: string;
  readonly tmpDir: string;
  readonly runtimeDir: string;
  readonly executionEnv: string | undefined;
  readonly hostPath: string;
}

/** Credentials look real to SDKs but grant nothing: lambdalite has no IAM. */
const DUMMY_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'lambdalite-session-token',
} as const;

export function lambdaEnvironment(o: LaunchEnvironmentOptions): Record<string, string> {
  const { spec } = o;
  const env: Record<string, string> = {
    AWS_LAMBDA_RUNTIME_API: o.runtimeApiAddress,
    _HANDLER: spec.handler,
    LAMBDA_TASK_ROOT: spec.codeDir,
    LAMBDA_RUNTIME_DIR: o.runtimeDir,
    AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: spec.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: spec.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: o.logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: spec.initializationType ?? 'on-demand',
    AWS_REGION: spec.region,
    AWS_DEFAULT_REGION: spec.region,
    TZ: ':UTC',
    LANG: 'en_US.UTF-8',
    PATH: o.hostPath,
    ...DUMMY_CREDENTIALS,
    TMPDIR: o.tmpDir,
  };
  if (o.executionEnv) env['AWS_EXECUTION_ENV'] = o.executionEnv;
  // spec.optDir as the runtime sees it: the merged tree, or /opt inside a sandbox.
  if (spec.optDir !== undefined) Object.assign(env, layerEnvironment(spec.runtime, spec.optDir, o.hostPath));
  // The control plane has already refused reserved keys (AWS's list) in the version's variables.
  return { ...env, ...spec.environment };
}
