// Turns stored records into the response shapes of the service model (FunctionConfiguration,
// AliasConfiguration). One place, so every operation answers with the same shape.
import type { Arns } from './arn.js';
import { renderImageConfig } from './image.js';
import type { AliasRecord, FunctionVersion } from './model.js';

/** AWS's LastModified format: `2024-05-01T12:34:56.789+0000`. */
export function awsTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/**
 * FunctionConfiguration.CodeSha256: base64 of a .zip's SHA-256; for a container image, its digest in
 * hex, as AWS reports it (src/functions/image.ts imageDigestHex).
 */
export function codeSha256(v: FunctionVersion): string {
  return v.imageUri !== undefined ? v.codeSha256Hex : hexToBase64(v.codeSha256Hex);
}

/** The service model's FunctionConfiguration (the members every response carries, and more). */
export interface FunctionConfigurationShape {
  FunctionName: string;
  FunctionArn: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  CodeSize: number;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  CodeSha256: string;
  Version: string;
  RevisionId: string;
  State?: string;
  LastUpdateStatus?: string;
  PackageType: string;
  [member: string]: unknown;
}

export interface AliasConfigurationShape {
  AliasArn: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: { AdditionalVersionWeights: Record<string, number> };
  RevisionId: string;
}

/**
 * `asQualified` is the qualifier the caller named the version by: AWS echoes it in FunctionArn
 * (`:$LATEST`, `:live`), and only an unqualified request gets the unqualified ARN for $LATEST
 * (LocalStack's AWS-recorded snapshots test_publish_version_on_create, test_alias_lifecycle).
 */
export function renderConfiguration(
  v: FunctionVersion,
  arns: Arns,
  asQualified?: string,
  layerSize: (layerArn: string) => number = () => 0,
): FunctionConfigurationShape {
  const c = v.config;
  const imageConfig = renderImageConfig(c.imageConfig);
  return {
    FunctionName: v.functionName,
    FunctionArn: asQualified === undefined ? arns.versionArn(v.functionName, v.version) : arns.function(v.functionName, asQualified),
    ...(c.runtime !== undefined && { Runtime: c.runtime }),
    Role: c.role,
    ...(c.handler !== undefined && { Handler: c.handler }),
    CodeSize: v.codeSize,
    Description: c.description,
    Timeout: c.timeoutSeconds,
    MemorySize: c.memoryMb,
    LastModified: v.lastModified,
    CodeSha256: codeSha256(v),
    Version: v.version,
    ...(Object.keys(c.environment).length > 0 && { Environment: { Variables: c.environment } }),
    TracingConfig: { Mode: c.tracingMode },
    RevisionId: v.revisionId,
    // Each layer version's .zip size: fixed, and kept after DeleteLayerVersion (as on AWS).
    ...(c.layers.length > 0 && { Layers: c.layers.map((Arn) => ({ Arn, CodeSize: layerSize(Arn) })) }),
    ...(c.deadLetterTargetArn !== undefined && { DeadLetterConfig: { TargetArn: c.deadLetterTargetArn } }),
    ...(c.kmsKeyArn !== undefined && { KMSKeyArn: c.kmsKeyArn }),
    // Function states: lambdalite prepares code synchronously, so a function is Active and an update
    // Successful by the time the call returns (the SDK waiters FunctionActiveV2 / FunctionUpdatedV2
    // read these).
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: c.packageType,
    ...(imageConfig && { ImageConfigResponse: imageConfig }),
    Architectures: c.architectures,
    EphemeralStorage: { Size: c.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: c.logFormat, LogGroup: c.logGroup ?? `/aws/lambda/${v.functionName}` },
  };
}

/**
 * An entry of ListFunctions / ListVersionsByFunction: "a subset of the FunctionConfiguration fields",
 * without State and LastUpdateStatus (ListFunctions, Lambda API reference). With FunctionVersion=ALL
 * and in ListVersionsByFunction, $LATEST carries its qualified ARN.
 */
export function renderListed(
  v: FunctionVersion,
  arns: Arns,
  qualified: boolean,
  layerSize?: (layerArn: string) => number,
): FunctionConfigurationShape {
  const { State: _state, LastUpdateStatus: _update, ...listed } = renderConfiguration(v, arns, qualified ? v.version : undefined, layerSize);
  return listed;
}

export function renderAlias(a: AliasRecord, arns: Arns): AliasConfigurationShape {
  return {
    AliasArn: arns.function(a.functionName, a.name),
    Name: a.name,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(Object.keys(a.additionalVersionWeights).length > 0 && {
      RoutingConfig: { AdditionalVersionWeights: a.additionalVersionWeights },
    }),
    RevisionId: a.revisionId,
  };
}
