// Create / Get / Update / Delete / ListFunctionUrlConfigs: one URL per function ($LATEST) and one
// per alias, checked as AWS checks them. Messages and their order come from LocalStack's
// AWS-recorded snapshots (TestLambdaUrl::test_url_config_exceptions, test_url_config_lifecycle,
// test_url_config_list_paging, TestLambdaURL::test_lambda_update_function_url_config).
import { randomBytes } from 'node:crypto';
import { conflict, invalidParameter, notFound, validationError } from '../errors.js';
import { parseFunctionRef, withQualifier, type Account, type Arns, type FunctionRef } from '../functions/arn.js';
import type { FunctionService } from '../functions/function-service.js';
import { LATEST } from '../functions/model.js';
import { decodeMarker, encodeMarker } from '../functions/paging.js';
import { awsTimestamp } from '../functions/render.js';
import { checkCors } from './cors.js';
import type { AuthType, CorsConfig, FunctionUrlConfig, FunctionUrlRepository, InvokeMode } from './repository.js';

export interface FunctionUrlInput {
  AuthType?: string;
  Cors?: CorsConfig;
  InvokeMode?: string;
}

/** The service model's FunctionUrlConfig and the Create/Update/Get responses (members as AWS sends them). */
export interface FunctionUrlConfigShape {
  FunctionUrl: string;
  FunctionArn: string;
  AuthType: AuthType;
  Cors?: CorsConfig;
  CreationTime: string;
  LastModifiedTime?: string;
  InvokeMode?: InvokeMode;
}

// The FunctionUrlQualifier shape: an alias name, never a version number or $LATEST.
const QUALIFIER_PATTERN_TEXT = '((?!^\\d+$)^[0-9a-zA-Z-_]+$)';
const QUALIFIER = /^(?!\d+$)[0-9a-zA-Z_-]+$/;
// MaxItems of ListFunctionUrlConfigs: 1 to 50.
const MAX_PAGE = 50;
const URL_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

const noFunction = () => notFound('Function does not exist');
const noResource = () => notFound('The resource you requested does not exist.');

function checkQualifier(qualifier: string): void {
  if (qualifier.length > 128) throw validationError(qualifier, 'qualifier', 'Member must have length less than or equal to 128');
  if (!QUALIFIER.test(qualifier)) {
    throw validationError(qualifier, 'qualifier', `Member must satisfy regular expression pattern: ${QUALIFIER_PATTERN_TEXT}`);
  }
}

function checkAuthType(value: string | undefined): AuthType {
  if (value === undefined) throw validationError(null, 'authType', 'Member must not be null');
  if (value !== 'NONE' && value !== 'AWS_IAM') {
    throw validationError(value, 'authType', 'Member must satisfy enum value set: [AWS_IAM, NONE]');
  }
  return value;
}

function checkInvokeMode(value: string | undefined): InvokeMode | undefined {
  if (value === undefined) return undefined;
  if (value !== 'BUFFERED' && value !== 'RESPONSE_STREAM') {
    throw validationError(value, 'invokeMode', 'Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]');
  }
  if (value === 'RESPONSE_STREAM') {
    throw invalidParameter('InvokeMode RESPONSE_STREAM is not supported: lambdalite does not stream responses yet. Use BUFFERED.');
  }
  return value;
}

/** 32 lower-case letters and digits, like the `<url-id>` of an AWS function URL. */
function newUrlId(): string {
  const bytes = randomBytes(32);
  return Array.from(bytes, (b) => URL_ID_ALPHABET[b % URL_ID_ALPHABET.length]).join('');
}

export class FunctionUrlService {
  constructor(
    private readonly repo: FunctionUrlRepository,
    private readonly functions: FunctionService,
    private readonly arns: Arns,
    private readonly account: Account,
    /** The base URL clients reach lambdalite at, e.g. http://127.0.0.1:3001 */
    private readonly baseUrl: () => string,
  ) {}

  /** The URL a function URL is served at (see README, "Function URLs"). */
  urlOf(urlId: string): string {
    return `${this.baseUrl()}/lambda-url/${urlId}/`;
  }

  byUrlId(urlId: string): FunctionUrlConfig | undefined {
    return this.repo.byUrlId(urlId);
  }

  create(rawName: string, qualifierParam: string | undefined, input: FunctionUrlInput): FunctionUrlConfigShape {
    const ref = this.target(rawName, qualifierParam);
    const authType = checkAuthType(input.AuthType);
    const invokeMode = checkInvokeMode(input.InvokeMode);
    const cors = checkCors(input.Cors);
    return this.repo.transaction(() => {
      if (!this.functions.exists({ name: ref.name, qualifier: undefined })) throw noFunction();
      const qualifier = ref.qualifier ?? LATEST;
      if (this.repo.get(ref.name, qualifier)) {
        throw conflict(
          `Failed to create function url config for [functionArn = ${this.arnOf(ref.name, qualifier)}]. ` +
            'Error message:  FunctionUrlConfig exists for this Lambda function',
        );
      }
      if (ref.qualifier !== undefined && !this.functions.exists(ref)) throw noFunction();
      const now = awsTimestamp();
      const config: FunctionUrlConfig = {
        functionName: ref.name, qualifier, urlId: newUrlId(), authType, cors, invokeMode, creationTime: now, lastModified: now,
      };
      this.repo.insert(config);
      // CreateFunctionUrlConfigResponse has no LastModifiedTime; InvokeMode only when one was given.
      return { ...this.render(config), ...(invokeMode && { InvokeMode: invokeMode }) };
    });
  }

  get(rawName: string, qualifierParam: string | undefined): FunctionUrlConfigShape {
    return this.renderFull(this.require(this.target(rawName, qualifierParam)));
  }

  /** Changes the members given; an UpdateFunctionUrlConfig without any still moves LastModifiedTime. */
  update(rawName: string, qualifierParam: string | undefined, input: FunctionUrlInput): FunctionUrlConfigShape {
    const ref = this.target(rawName, qualifierParam);
    const authType = input.AuthType === undefined ? undefined : checkAuthType(input.AuthType);
    const invokeMode = checkInvokeMode(input.InvokeMode);
    const cors = checkCors(input.Cors);
    return this.repo.transaction(() => {
      if (!this.functions.exists({ name: ref.name, qualifier: undefined })) throw noFunction();
      if (ref.qualifier !== undefined && !this.functions.exists(ref)) throw noFunction();
      const current = this.repo.get(ref.name, ref.qualifier ?? LATEST);
      if (!current) throw noResource();
      const config: FunctionUrlConfig = {
        ...current,
        authType: authType ?? current.authType,
        cors: cors ?? current.cors,
        invokeMode: invokeMode ?? current.invokeMode,
        lastModified: awsTimestamp(),
      };
      this.repo.update(config);
      // UpdateFunctionUrlConfig answers InvokeMode only once one was set (test_url_config_lifecycle).
      return {
        ...this.render(config),
        LastModifiedTime: config.lastModified,
        ...(config.invokeMode && { InvokeMode: config.invokeMode }),
      };
    });
  }

  delete(rawName: string, qualifierParam: string | undefined): void {
    const ref = this.target(rawName, qualifierParam);
    this.require(ref);
    this.repo.delete(ref.name, ref.qualifier ?? LATEST);
  }

  list(rawName: string, query: { Marker?: string; MaxItems?: string }) {
    // The FunctionName of ListFunctionUrlConfigs names the function; a qualifier in it is ignored.
    const name = parseFunctionRef(rawName, this.account).name;
    const limit = query.MaxItems === undefined || query.MaxItems === '' ? MAX_PAGE : Number(query.MaxItems);
    if (!Number.isInteger(limit)) throw validationError(query.MaxItems, 'maxItems', 'Member must be an integer');
    if (limit < 1) throw validationError(limit, 'maxItems', 'Member must have value greater than or equal to 1');
    if (limit > MAX_PAGE) throw validationError(limit, 'maxItems', `Member must have value less than or equal to ${MAX_PAGE}`);
    if (!this.functions.exists({ name, qualifier: undefined })) throw noFunction();
    const after = String(decodeMarker(query.Marker)?.[0] ?? '');
    const rows = this.repo.list(name, after, limit + 1);
    const items = rows.slice(0, limit);
    return {
      FunctionUrlConfigs: items.map((c) => this.renderFull(c)),
      ...(rows.length > limit && { NextMarker: encodeMarker([items[items.length - 1]!.qualifier]) }),
    };
  }

  /**
   * The function and alias a request names: the Qualifier parameter and any qualifier inside
   * FunctionName must be an alias (versions and $LATEST fail the FunctionUrlQualifier pattern),
   * and must agree.
   */
  private target(rawName: string, qualifierParam: string | undefined): FunctionRef {
    if (qualifierParam !== undefined && qualifierParam !== '') checkQualifier(qualifierParam);
    const ref = withQualifier(parseFunctionRef(rawName, this.account), qualifierParam);
    if (ref.qualifier !== undefined) checkQualifier(ref.qualifier);
    return ref;
  }

  /** The configuration a Get or Delete names; AWS says the same for a missing function, alias or URL. */
  private require(ref: FunctionRef): FunctionUrlConfig {
    if (!this.functions.exists({ name: ref.name, qualifier: undefined })) throw noResource();
    const config = this.repo.get(ref.name, ref.qualifier ?? LATEST);
    if (!config) throw noResource();
    return config;
  }


  private arnOf(functionName: string, qualifier: string): string {
    return this.arns.function(functionName, qualifier === LATEST ? undefined : qualifier);
  }

  private render(c: FunctionUrlConfig): FunctionUrlConfigShape {
    return {
      FunctionUrl: this.urlOf(c.urlId),
      FunctionArn: this.arnOf(c.functionName, c.qualifier),
      AuthType: c.authType,
      ...(c.cors && { Cors: c.cors }),
      CreationTime: c.creationTime,
    };
  }

  /** Get and List: LastModifiedTime, and InvokeMode BUFFERED when none was ever set. */
  private renderFull(c: FunctionUrlConfig): FunctionUrlConfigShape {
    return { ...this.render(c), LastModifiedTime: c.lastModified, InvokeMode: c.invokeMode ?? 'BUFFERED' };
  }
}
