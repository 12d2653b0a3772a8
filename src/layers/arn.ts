// Layer names, layer ARNs and layer version ARNs as the Lambda API accepts them (the service
// model's LayerName, LayerArn and LayerVersionArn shapes), and the version number parameter.
import { invalidParameter, validationError } from '../errors.js';
import type { Account } from '../functions/arn.js';

const LAYER_NAME_PATTERN = '(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+';
const LAYER_NAME = /^(?:arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+)|([a-zA-Z0-9-_]+))$/;
const LAYER_VERSION_ARN = /^arn:[a-zA-Z0-9-]+:lambda:([a-zA-Z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):([0-9]+)$/;

/**
 * The pattern AWS prints today for a malformed layer version ARN (GetLayerVersionByArn's `arn`,
 * CreateFunction's `layers`), newer than the model's (LocalStack's AWS-recorded snapshots
 * TestLambdaLayer::test_layer_exceptions and test_layer_function_exceptions).
 */
export const AWS_LAYER_VERSION_ARN_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)';

/** Whether `arn` is a layer version ARN (CreateFunction's and UpdateFunctionConfiguration's Layers). */
export const isLayerVersionArn = (arn: string): boolean => LAYER_VERSION_ARN.test(arn);

export interface LayerRef {
  readonly name: string;
  /** The ARN named another region or account: no such layer exists in this lambdalite. */
  readonly foreign: boolean;
}

export interface LayerVersionRef extends LayerRef {
  readonly version: number;
}

/** A LayerName parameter: a name, or the layer's ARN (without version). */
export function parseLayerName(raw: string, account: Account): LayerRef {
  const m = raw.length <= 140 ? LAYER_NAME.exec(raw) : null;
  if (!m) throw validationError(raw, 'layerName', `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`);
  const [, region, accountId, arnName, plainName] = m;
  if (plainName !== undefined) return { name: plainName, foreign: false };
  return { name: arnName!, foreign: region !== account.region || accountId !== account.accountId };
}

/** A layer version ARN, or undefined when `raw` is not one. */
export function parseLayerVersionArn(raw: string, account: Account): (LayerVersionRef & { readonly region: string }) | undefined {
  const m = raw.length <= 140 ? LAYER_VERSION_ARN.exec(raw) : null;
  if (!m) return undefined;
  const [, region, accountId, name, version] = m;
  return {
    name: name!,
    version: Number(version),
    region: region!,
    foreign: region !== account.region || accountId !== account.accountId,
  };
}

/** The VersionNumber path parameter (a long in the model). */
export function parseVersionNumber(raw: string): number {
  if (!/^-?\d{1,18}$/.test(raw)) throw validationError(raw, 'versionNumber', 'Member must be a number');
  const version = Number(raw);
  // AWS's words for 0 and negative numbers (LocalStack's AWS-recorded snapshot test_layer_exceptions).
  if (version < 1) throw invalidParameter('Layer Version Cannot be less than 1');
  return version;
}

export class LayerArns {
  constructor(private readonly account: Account) {}

  layer(name: string): string {
    return `arn:aws:lambda:${this.account.region}:${this.account.accountId}:layer:${name}`;
  }

  version(name: string, version: number): string {
    return `${this.layer(name)}:${version}`;
  }
}
