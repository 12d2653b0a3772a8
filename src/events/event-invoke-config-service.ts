// Put / Get / Update / Delete / ListFunctionEventInvokeConfigs: retry and destination settings per
// function, version or alias, checked as AWS checks them (messages from LocalStack's AWS-recorded
// TestLambdaEventInvokeConfig snapshots; ranges and patterns from the service model's
// MaximumRetryAttempts, MaximumEventAgeInSeconds and DestinationArn shapes).
import { AwsError, invalidParameter, notFound, validationError } from '../errors.js';
import { parseFunctionRef, type Account, type Arns, type FunctionRef } from '../functions/arn.js';
import type { FunctionService } from '../functions/function-service.js';
import { LATEST } from '../functions/model.js';
import { decodeMarker, encodeMarker } from '../functions/paging.js';
import { endpointSetting, parseDestination, serviceName, type Destinations } from './destinations.js';
import type { EventInvokeConfig, EventInvokeConfigRepository } from './event-invoke-config-repository.js';

export interface EventInvokeConfigInput {
  MaximumRetryAttempts?: unknown;
  MaximumEventAgeInSeconds?: unknown;
  DestinationConfig?: { OnSuccess?: { Destination?: string }; OnFailure?: { Destination?: string } };
}

export interface FunctionEventInvokeConfigShape {
  LastModified: number;
  FunctionArn: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig: { OnSuccess: { Destination?: string }; OnFailure: { Destination?: string } };
}

// The DestinationArn pattern as AWS's validation layer prints it today.
const DESTINATION_PATTERN_TEXT =
  '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';
const DESTINATION_PATTERN = new RegExp(`^(?:${DESTINATION_PATTERN_TEXT})$`);
// MaxFunctionEventInvokeConfigListItems: 1 to 50.
const MAX_PAGE = 50;

function range(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validationError(value, field, 'Member must be an integer');
  if (value < min) throw validationError(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw validationError(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

function destinationArn(value: string | undefined, field: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value.length > 350) throw validationError(value, field, 'Member must have length less than or equal to 350');
  if (!DESTINATION_PATTERN.test(value)) {
    throw validationError(value, field, `Member must satisfy regular expression pattern: ${DESTINATION_PATTERN_TEXT}`);
  }
  return value;
}

export class EventInvokeConfigService {
  constructor(
    private readonly repo: EventInvokeConfigRepository,
    private readonly functions: FunctionService,
    private readonly arns: Arns,
    private readonly account: Account,
    private readonly destinations: Pick<Destinations, 'endpointOf'>,
  ) {}

  put(ref: FunctionRef, input: EventInvokeConfigInput): FunctionEventInvokeConfigShape {
    const next = this.checked(ref, input);
    return this.repo.transaction(() => {
      const qualifier = this.requireTarget(ref);
      const config: EventInvokeConfig = { functionName: ref.name, qualifier, ...next, lastModifiedMs: Date.now() };
      this.repo.put(config);
      return this.render(config);
    });
  }

  /** Changes only the settings given; the configuration must exist. */
  update(ref: FunctionRef, input: EventInvokeConfigInput): FunctionEventInvokeConfigShape {
    const next = this.checked(ref, input, () => {
      if (!this.repo.get(ref.name, ref.qualifier ?? LATEST)) throw this.noConfig(ref.name, ref.qualifier ?? LATEST);
    });
    return this.repo.transaction(() => {
      const qualifier = this.requireTarget(ref);
      const current = this.repo.get(ref.name, qualifier);
      if (!current) throw this.noConfig(ref.name, qualifier);
      const config: EventInvokeConfig = {
        ...current,
        ...(input.MaximumRetryAttempts != null && { maximumRetryAttempts: next.maximumRetryAttempts }),
        ...(input.MaximumEventAgeInSeconds != null && { maximumEventAgeSeconds: next.maximumEventAgeSeconds }),
        ...(input.DestinationConfig !== undefined && { onSuccess: next.onSuccess, onFailure: next.onFailure }),
        lastModifiedMs: Date.now(),
      };
      this.repo.put(config);
      return this.render(config);
    });
  }

  get(ref: FunctionRef): FunctionEventInvokeConfigShape {
    const qualifier = ref.qualifier ?? LATEST;
    const config = this.repo.get(ref.name, qualifier);
    if (!config) throw this.noConfig(ref.name, qualifier);
    return this.render(config);
  }

  delete(ref: FunctionRef): void {
    const qualifier = ref.qualifier ?? LATEST;
    if (!this.repo.delete(ref.name, qualifier)) throw this.noConfig(ref.name, qualifier);
  }

  list(functionName: string, query: { Marker?: string; MaxItems?: string }) {
    if (!this.functions.exists({ name: functionName, qualifier: undefined })) throw notFound("The function doesn't exist.");
    const limit = query.MaxItems === undefined || query.MaxItems === '' ? MAX_PAGE : Number(query.MaxItems);
    if (!Number.isInteger(limit) || limit < 1) throw validationError(query.MaxItems, 'maxItems', 'Member must have value greater than or equal to 1');
    if (limit > MAX_PAGE) throw validationError(limit, 'maxItems', `Member must have value less than or equal to ${MAX_PAGE}`);
    const after = String(decodeMarker(query.Marker)?.[0] ?? '');
    const rows = this.repo.list(functionName, after, limit + 1);
    const items = rows.slice(0, limit);
    return {
      FunctionEventInvokeConfigs: items.map((c) => this.render(c)),
      ...(rows.length > limit && { NextMarker: encodeMarker([items[items.length - 1]!.qualifier]) }),
    };
  }

  /** The configuration that applies to an event invoked with this qualifier (none: the defaults). */
  forInvocation(functionName: string, qualifier: string | undefined): EventInvokeConfig | undefined {
    return this.repo.get(functionName, qualifier ?? LATEST);
  }

  /** The members' constraint checks (the validation layer runs before anything else), then the rules. */
  private checked(ref: FunctionRef, input: EventInvokeConfigInput, beforeDestinations = () => {}) {
    const maximumRetryAttempts = range(input.MaximumRetryAttempts, 'maximumRetryAttempts', 0, 2);
    const maximumEventAgeSeconds = range(input.MaximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21600);
    const onSuccess = destinationArn(input.DestinationConfig?.OnSuccess?.Destination, 'destinationConfig.onSuccess.destination');
    const onFailure = destinationArn(input.DestinationConfig?.OnFailure?.Destination, 'destinationConfig.onFailure.destination');
    if (maximumRetryAttempts === undefined && maximumEventAgeSeconds === undefined && input.DestinationConfig === undefined) {
      throw invalidParameter('You must specify at least one of error handling or destination setting.');
    }
    if (!this.functions.exists(ref)) throw notFound("The function doesn't exist.");
    beforeDestinations();
    const invalidConfig = () =>
      invalidParameter(
        'The provided destination config DestinationConfig(' +
          `onSuccess=${onSuccess ? `OnSuccess(destination=${onSuccess})` : 'null'}, ` +
          `onFailure=${onFailure ? `OnFailure(destination=${onFailure})` : 'null'}) is invalid.`,
      );
    for (const arn of [onFailure, onSuccess]) {
      if (arn !== undefined) this.checkDestination(ref.name, arn, invalidConfig);
    }
    return { maximumRetryAttempts, maximumEventAgeSeconds, onSuccess, onFailure };
  }

  private checkDestination(functionName: string, arn: string, invalidConfig: () => AwsError): void {
    const target = parseDestination(arn);
    if (!target || target.kind === 'other') throw invalidConfig();
    if (target.kind === 's3') {
      throw invalidParameter(`lambdalite does not deliver records to Amazon S3 buckets: ${arn}. Use a Lambda function, SQS queue, SNS topic or EventBridge bus.`);
    }
    if (target.kind === 'lambda') {
      let ref: FunctionRef;
      try {
        ref = parseFunctionRef(arn, this.account);
      } catch {
        throw invalidParameter(`The destination ARN ${arn} is invalid.`);
      }
      if (!this.functions.exists(ref)) throw invalidParameter(`The destination ARN ${arn} is invalid.`);
      if (ref.name === functionName) throw invalidParameter("You can't specify the function as a destination for itself.");
      return;
    }
    if (this.destinations.endpointOf(target.kind) === undefined) {
      const service = serviceName(target.kind);
      throw invalidParameter(
        `The destination ARN ${arn} is an ${service} destination, and lambdalite has no ${service} endpoint to deliver to: ` +
          `start it with ${endpointSetting(target.kind)} set to an ${service}-compatible server.`,
      );
    }
  }


  /** The qualifier a configuration is stored under, once the function and qualifier are known to exist. */
  private requireTarget(ref: FunctionRef): string {
    if (!this.functions.exists(ref)) throw notFound("The function doesn't exist.");
    return ref.qualifier ?? LATEST;
  }

  private noConfig(functionName: string, qualifier: string): AwsError {
    return notFound(`The function ${this.arns.function(functionName, qualifier)} doesn't have an EventInvokeConfig`);
  }

  private render(c: EventInvokeConfig): FunctionEventInvokeConfigShape {
    return {
      // The model's `Date` shape: restJson1 sends it as epoch seconds.
      LastModified: c.lastModifiedMs / 1000,
      FunctionArn: this.arns.function(c.functionName, c.qualifier),
      ...(c.maximumRetryAttempts !== undefined && { MaximumRetryAttempts: c.maximumRetryAttempts }),
      ...(c.maximumEventAgeSeconds !== undefined && { MaximumEventAgeInSeconds: c.maximumEventAgeSeconds }),
      DestinationConfig: {
        OnSuccess: c.onSuccess === undefined ? {} : { Destination: c.onSuccess },
        OnFailure: c.onFailure === undefined ? {} : { Destination: c.onFailure },
      },
    };
  }
}
