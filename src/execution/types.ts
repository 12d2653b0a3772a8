// The small set of types that cross between the invoke service and the execution layer
// (environments, pools, executors). Nothing else from either side leaks across.

/** Everything one function version needs to run; frozen per published version. */
export interface EnvironmentSpec {
  readonly functionName: string;
  /** `$LATEST` or a version number. */
  readonly version: string;
  /** Unqualified function ARN, e.g. arn:aws:lambda:us-east-1:000000000000:function:my-fn */
  readonly functionArn: string;
  /** The Lambda runtime id; '' for a container-image function, whose image brings its runtime. */
  readonly runtime: string;
  readonly handler: string;
  /**
   * Absolute path of the unpacked deployment package (read-only for the function); '' for a
   * container-image function, whose code is in its image.
   */
  readonly codeDir: string;
  /** Set for PackageType Image: the image to run and its ImageConfig overrides. */
  readonly image?: ImageSpec;
  /**
   * Absolute path of the function's layers merged into one tree (src/layers/opt-dirs.ts), which
   * the runtime sees as /opt; undefined when the version has no layers.
   */
  readonly optDir?: string;
  /**
   * How the environment was started (AWS_LAMBDA_INITIALIZATION_TYPE): `provisioned-concurrency`
   * for the environments a provisioned concurrency configuration keeps warm; else on-demand.
   */
  readonly initializationType?: 'on-demand' | 'provisioned-concurrency';
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly ephemeralStorageMb: number;
  /** The version's own environment variables (Environment.Variables). */
  readonly environment: Readonly<Record<string, string>>;
  readonly region: string;
  readonly logGroupName: string;
}

/** A container-image function's image (Code.ImageUri) and ImageConfig, as AWS applies them. */
export interface ImageSpec {
  readonly uri: string;
  /** ImageConfig.EntryPoint: replaces the image's ENTRYPOINT when set. */
  readonly entryPoint?: readonly string[];
  /** ImageConfig.Command: replaces the image's CMD when set. */
  readonly command?: readonly string[];
  /** ImageConfig.WorkingDirectory: replaces the image's WORKDIR when set. */
  readonly workingDirectory?: string;
}

/** What an executor needs to know to say whether it can run a function. */
export type RuntimeTarget = Pick<EnvironmentSpec, 'runtime' | 'image'>;

export interface InvocationRequest {
  readonly requestId: string;
  readonly payload: Buffer;
  /** The ARN the caller used, qualifier included when there was one. */
  readonly invokedFunctionArn: string;
  /** Already base64-decoded X-Amz-Client-Context JSON, if the caller sent one. */
  readonly clientContext: string | undefined;
  readonly traceId: string;
}

export type InvocationOutcome =
  | 'success'
  | 'function-error' // the handler failed: X-Amz-Function-Error: Unhandled
  | 'timeout' // Sandbox.Timedout
  | 'crash' // Runtime.ExitError
  | 'init-error' // Runtime.InitError and friends
  | 'response-too-large'; // Function.ResponseSizeTooLarge

export interface InvocationResult {
  readonly outcome: InvocationOutcome;
  /** The response body the caller receives (the handler's result or AWS's error payload JSON). */
  readonly payload: Buffer;
  /** The function's own output lines during this invocation (stdout and stderr), in order. */
  readonly logLines: readonly { readonly timeMs: number; readonly line: string }[];
  readonly durationMs: number;
  /** Set on a cold start: time from environment start to its first /next. */
  readonly initDurationMs: number | undefined;
  readonly maxMemoryUsedMb: number;
  readonly logStreamName: string;
}
