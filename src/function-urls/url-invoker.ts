// Serves one request to a function URL: find the URL, answer a CORS preflight from its settings,
// check the SigV4 signature of an AWS_IAM URL, turn the request into the 2.0 event, invoke the
// function through the synchronous invoke path (leases, warm environments and records apply),
// and turn its result into the HTTP response.
import { randomBytes } from 'node:crypto';
import { AwsError } from '../errors.js';
import { LATEST } from '../functions/model.js';
import type { InvokeService } from '../invoke/invoke-service.js';
import { isPreflight, preflightHeaders, withCorsHeaders } from './cors.js';
import { buildEvent, headerMap, type IamAuthorizer, type UrlRequest } from './event.js';
import { forbidden, fromFunctionResult, invokeRefused, unknownUrl, type UrlResponse } from './response.js';
import type { FunctionUrlService } from './service.js';
import { verifySignature, type SigningCredentials } from './sigv4.js';

export interface UrlInvokerOptions {
  readonly region: string;
  readonly accountId: string;
  readonly credentials: SigningCredentials;
  readonly clock?: () => number;
}

export class FunctionUrlInvoker {
  private readonly clock: () => number;

  constructor(
    private readonly urls: Pick<FunctionUrlService, 'byUrlId'>,
    private readonly invoker: Pick<InvokeService, 'invoke'>,
    private readonly options: UrlInvokerOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  async handle(req: UrlRequest): Promise<UrlResponse> {
    const config = this.urls.byUrlId(req.urlId);
    if (!config) return unknownUrl();
    const headers = headerMap(req.rawHeaders);
    const origin = headers.get('origin')?.[0];
    // Browsers send preflights without credentials, so they are answered before the auth check.
    if (config.cors && isPreflight(req.method, headers)) {
      return { statusCode: 200, headers: preflightHeaders(config.cors, origin), body: Buffer.alloc(0) };
    }

    let authorizer: IamAuthorizer | undefined;
    if (config.authType === 'AWS_IAM') {
      const accessKey = await verifySignature(
        { method: req.method, url: req.signedUrl, headers, body: req.body },
        this.options.credentials,
        this.options.region,
        this.clock(),
      );
      if (accessKey === undefined) return forbidden();
      authorizer = this.iamCaller(accessKey);
    }

    const event = buildEvent(req, {
      // AWS sends `anonymous` for AUTH NONE URLs.
      accountId: authorizer ? this.options.accountId : 'anonymous',
      authorizer,
      traceId: traceId(this.clock()),
    });
    let response: UrlResponse;
    try {
      const out = await this.invoker.invoke({
        ref: { name: config.functionName, qualifier: config.qualifier === LATEST ? undefined : config.qualifier },
        invocationType: 'RequestResponse',
        logType: undefined,
        clientContext: undefined,
        payload: Buffer.from(JSON.stringify(event)),
        requestId: req.requestId,
      });
      response = fromFunctionResult(out.payload, out.functionError);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      response = invokeRefused(err);
    }
    return { ...response, headers: withCorsHeaders(config.cors, origin, response.headers) };
  }

  /**
   * The caller lambdalite's credentials stand for: the account's root user (there is no IAM here
   * to name another principal).
   */
  private iamCaller(accessKey: string): IamAuthorizer {
    const accountId = this.options.accountId;
    return {
      accessKey,
      accountId,
      callerId: accountId,
      cognitoIdentity: null,
      principalOrgId: null,
      userArn: `arn:aws:iam::${accountId}:root`,
      userId: accountId,
    };
  }
}

/** An X-Amzn-Trace-Id as AWS's front end adds it: Root=1-<epoch seconds, hex>-<24 hex>. */
function traceId(nowMs: number): string {
  return `Root=1-${Math.floor(nowMs / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}
