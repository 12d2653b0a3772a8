// Sends invocation records and dead letters to SQS queues, SNS topics and EventBridge buses, each
// with the official AWS SDK client of that service pointed at the endpoint configured for it
// (--sqs-endpoint, --sns-endpoint, --eventbridge-endpoint). Lambda function destinations do not
// come here: the async worker queues them as events of our own queue.
import type { SendMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import type { PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SETTINGS, type Config } from '../config.js';
import { detailType, type DeadLetter, type InvocationRecord } from './invocation-record.js';

export type DestinationKind = 'lambda' | 'sqs' | 'sns' | 'events' | 's3' | 'other';
export type ExternalKind = 'sqs' | 'sns' | 'events';

export interface DestinationArn {
  readonly arn: string;
  readonly kind: DestinationKind;
  readonly region: string;
  readonly accountId: string;
  /** What follows the account: a queue or topic name, `event-bus/name`, `function:name[:qualifier]`. */
  readonly resource: string;
}

const ARN = /^arn:aws[a-zA-Z0-9-]*:([a-zA-Z0-9-]+):([a-z0-9-]*):(\d{12})?:(.*)$/;
const KINDS: Record<string, DestinationKind> = { lambda: 'lambda', sqs: 'sqs', sns: 'sns', events: 'events', s3: 's3' };

export function parseDestination(arn: string): DestinationArn | undefined {
  const m = ARN.exec(arn);
  if (!m) return undefined;
  return { arn, kind: KINDS[m[1]!] ?? 'other', region: m[2]!, accountId: m[3] ?? '', resource: m[4]! };
}

const ENDPOINT_KEYS = { sqs: 'sqsEndpoint', sns: 'snsEndpoint', events: 'eventbridgeEndpoint' } as const;
const SERVICE_NAMES = { sqs: 'SQS', sns: 'SNS', events: 'EventBridge' } as const;

/** "--sqs-endpoint / LAMBDALITE_SQS_ENDPOINT", from the settings table itself. */
export function endpointSetting(kind: ExternalKind): string {
  const s = SETTINGS.find((x) => x.key === ENDPOINT_KEYS[kind])!;
  return `--${s.flag} / ${s.env}`;
}

export const serviceName = (kind: ExternalKind) => SERVICE_NAMES[kind];

type Endpoints = Pick<Config, 'sqsEndpoint' | 'snsEndpoint' | 'eventbridgeEndpoint'>;

export class Destinations {
  private readonly clients = new Map<string, Promise<SQSClient | SNSClient | EventBridgeClient>>();
  /** Aborted by destroy(), so no send (or SDK retry of one) outlives the server. */
  private readonly abort = new AbortController();

  constructor(private readonly endpoints: Endpoints, private readonly fallbackRegion: string) {}

  endpointOf(kind: ExternalKind): string | undefined {
    return this.endpoints[ENDPOINT_KEYS[kind]];
  }

  /** Sends an invocation record to an SQS queue, SNS topic or EventBridge bus. */
  async sendRecord(target: DestinationArn, record: InvocationRecord): Promise<void> {
    const body = JSON.stringify(record);
    if (target.kind === 'sqs') return this.sqs(target, { QueueUrl: '', MessageBody: body });
    if (target.kind === 'sns') return this.sns(target, { TopicArn: target.arn, Message: body });
    if (target.kind === 'events') {
      const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
      const client = (await this.client('events', target.region)) as EventBridgeClient;
      const out = await client.send(new PutEventsCommand({
        Entries: [{
          Source: 'lambda',
          DetailType: detailType(record.requestContext.condition),
          Detail: body,
          EventBusName: target.arn,
          Resources: [record.requestContext.functionArn],
        }],
      }), { abortSignal: this.abort.signal });
      if (out.FailedEntryCount) throw new Error(`PutEvents failed: ${out.Entries?.[0]?.ErrorCode ?? 'unknown'} ${out.Entries?.[0]?.ErrorMessage ?? ''}`);
      return;
    }
    throw new Error(`lambdalite cannot deliver records to ${target.arn}`);
  }

  /** Sends a dead letter to an SQS queue or SNS topic (the kinds DeadLetterConfig takes). */
  async sendDeadLetter(target: DestinationArn, letter: DeadLetter): Promise<void> {
    const attributes = {
      RequestID: { DataType: 'String', StringValue: letter.requestId },
      ErrorCode: { DataType: 'Number', StringValue: String(letter.errorCode) },
      ErrorMessage: { DataType: 'String', StringValue: letter.errorMessage },
    };
    if (target.kind === 'sqs') return this.sqs(target, { QueueUrl: '', MessageBody: letter.body, MessageAttributes: attributes });
    if (target.kind === 'sns') return this.sns(target, { TopicArn: target.arn, Message: letter.body, MessageAttributes: attributes });
    throw new Error(`a dead-letter target must be an SQS queue or SNS topic: ${target.arn}`);
  }

  destroy(): void {
    this.abort.abort();
    for (const client of this.clients.values()) void client.then((c) => c.destroy(), () => undefined);
    this.clients.clear();
  }

  private async sqs(target: DestinationArn, input: SendMessageCommandInput): Promise<void> {
    const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
    const client = (await this.client('sqs', target.region)) as SQSClient;
    // The queue URL an SQS-compatible server (ElasticMQ, LocalStack) answers for the queue.
    const queueUrl = `${this.endpointOf('sqs')!.replace(/\/+$/, '')}/${target.accountId}/${target.resource}`;
    await client.send(new SendMessageCommand({ ...input, QueueUrl: queueUrl }), { abortSignal: this.abort.signal });
  }

  private async sns(target: DestinationArn, input: PublishCommandInput): Promise<void> {
    const { PublishCommand } = await import('@aws-sdk/client-sns');
    const client = (await this.client('sns', target.region)) as SNSClient;
    await client.send(new PublishCommand(input), { abortSignal: this.abort.signal });
  }

  /** One client per service and region, created on first use (the SDKs load only when needed). */
  private client(kind: ExternalKind, region: string): Promise<SQSClient | SNSClient | EventBridgeClient> {
    const endpoint = this.endpointOf(kind);
    if (endpoint === undefined) {
      return Promise.reject(new Error(`no ${serviceName(kind)} endpoint is configured (${endpointSetting(kind)})`));
    }
    const key = `${kind}:${region}`;
    let client = this.clients.get(key);
    if (!client) {
      const options = {
        endpoint,
        region: region || this.fallbackRegion,
        // Local SQS/SNS/EventBridge servers accept any credentials; lambdalite never holds real ones.
        credentials: { accessKeyId: 'lambdalite', secretAccessKey: 'lambdalite' },
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 5000, requestTimeout: 10000 },
      };
      client = (async () => {
        if (kind === 'sqs') return new (await import('@aws-sdk/client-sqs')).SQSClient(options);
        if (kind === 'sns') return new (await import('@aws-sdk/client-sns')).SNSClient(options);
        return new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(options);
      })();
      this.clients.set(key, client);
    }
    return client;
  }
}
