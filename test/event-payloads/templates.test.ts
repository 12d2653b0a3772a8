// Every sample event as a table of cases: built with its defaults and with flags, round-tripped
// through JSON, and checked field for field against AWS's documented examples (the Lambda developer
// guide's "Using AWS Lambda with ..." pages and API Gateway's payload format pages).
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { SERVICES } from '../../src/event-payloads/registry.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const NOW = new Date('2024-05-06T07:08:09.123Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Builds an event as the CLI does: defaults, then the given flags; then JSON and back. */
function build(service: string, event: string, flags: Record<string, string> = {}): Json {
  const template = SERVICES[service]!.events[event]!;
  const values = Object.fromEntries(Object.entries(template.flags).map(([name, spec]) => [name, spec.defaultValue]));
  return JSON.parse(JSON.stringify(template.build({ ...values, ...flags }, NOW)));
}

/** Exactly these fields, no more, no fewer. */
function fields(t: Test, value: Json, names: string[], what: string) {
  t.same(Object.keys(value).sort(), [...names].sort(), `${what} has the documented fields`);
}

interface Case {
  readonly name: string;
  readonly service: string;
  readonly event: string;
  readonly flags?: Record<string, string>;
  check(t: Test, e: Json): void;
}

const S3_RECORD = ['eventVersion', 'eventSource', 'awsRegion', 'eventTime', 'eventName', 'userIdentity', 'requestParameters', 'responseElements', 's3'];

function s3Common(t: Test, r: Json, region: string, bucket: string, partition = 'aws') {
  fields(t, r, S3_RECORD, 'S3 record');
  t.equal(r.eventVersion, '2.1');
  t.equal(r.eventSource, 'aws:s3');
  t.equal(r.awsRegion, region);
  t.equal(r.eventTime, NOW.toISOString());
  t.match(r.userIdentity.principalId, /^AWS:AIDA[A-Z2-7]{17}$/);
  t.match(r.requestParameters.sourceIPAddress, /^\d+\.\d+\.\d+\.\d+$/);
  t.match(r.responseElements['x-amz-request-id'], /^[0-9A-F]{16}$/);
  t.type(r.responseElements['x-amz-id-2'], 'string');
  fields(t, r.s3, ['s3SchemaVersion', 'configurationId', 'bucket', 'object'], 's3');
  t.equal(r.s3.s3SchemaVersion, '1.0');
  t.same(Object.keys(r.s3.bucket).sort(), ['arn', 'name', 'ownerIdentity']);
  t.equal(r.s3.bucket.name, bucket);
  t.equal(r.s3.bucket.arn, `arn:${partition}:s3:::${bucket}`);
  t.match(r.s3.object.sequencer, /^[0-9A-F]{18}$/);
}

const cases: Case[] = [
  {
    name: 's3 put, defaults', service: 's3', event: 'put',
    check(t, e) {
      t.equal(e.Records.length, 1);
      const r = e.Records[0];
      s3Common(t, r, 'us-east-1', 'example-bucket');
      t.equal(r.eventName, 'ObjectCreated:Put');
      fields(t, r.s3.object, ['key', 'size', 'eTag', 'sequencer'], 'put object');
      t.equal(r.s3.object.key, 'test/key', '/ between segments stays as it is');
      t.type(r.s3.object.size, 'number');
      t.match(r.s3.object.eTag, /^[0-9a-f]{32}$/);
    },
  },
  {
    name: 's3 put, key URL-encoded as S3 does', service: 's3', event: 'put',
    flags: { bucket: 'photos', key: 'my dir/red flower (1).jpg', region: 'eu-west-1', partition: 'aws-cn' },
    check(t, e) {
      const r = e.Records[0];
      s3Common(t, r, 'eu-west-1', 'photos', 'aws-cn');
      t.equal(r.s3.object.key, 'my+dir/red+flower+%281%29.jpg');
      t.equal(decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), 'my dir/red flower (1).jpg', 'unquote_plus gives the key back');
    },
  },
  {
    name: 's3 delete: no size or eTag', service: 's3', event: 'delete', flags: { key: 'a+b=c.txt' },
    check(t, e) {
      const r = e.Records[0];
      s3Common(t, r, 'us-east-1', 'example-bucket');
      t.equal(r.eventName, 'ObjectRemoved:Delete');
      fields(t, r.s3.object, ['key', 'sequencer'], 'deleted object');
      t.equal(r.s3.object.key, 'a%2Bb%3Dc.txt', 'a literal + is encoded, so it is not read as a space');
    },
  },
  {
    name: 'sqs receive-message, defaults', service: 'sqs', event: 'receive-message',
    check(t, e) {
      const r = e.Records[0];
      fields(t, r, ['messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion'], 'SQS record');
      t.match(r.messageId, UUID);
      t.match(r.receiptHandle, /^AQEB[A-Za-z0-9+/=]{100,}$/);
      t.equal(r.body, 'Hello from SQS!');
      t.equal(r.md5OfBody, md5('Hello from SQS!'));
      fields(t, r.attributes, ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp'], 'attributes');
      t.equal(r.attributes.ApproximateReceiveCount, '1');
      t.ok(Number(r.attributes.SentTimestamp) <= NOW.getTime(), 'SentTimestamp is epoch ms, as a string');
      t.equal(r.attributes.ApproximateFirstReceiveTimestamp, String(NOW.getTime()));
      t.match(r.attributes.SenderId, /^AIDA[A-Z2-7]{17}$/);
      t.same(r.messageAttributes, {});
      t.equal(r.eventSource, 'aws:sqs');
      t.equal(r.eventSourceARN, 'arn:aws:sqs:us-east-1:123456789012:MyQueue');
      t.equal(r.awsRegion, 'us-east-1');
    },
  },
  {
    name: 'sqs receive-message, FIFO queue and a UTF-8 body', service: 'sqs', event: 'receive-message',
    flags: { 'queue-name': 'orders.fifo', body: '{"order":"café"}', region: 'eu-central-1', 'account-id': '111122223333' },
    check(t, e) {
      const r = e.Records[0];
      t.equal(r.md5OfBody, md5('{"order":"café"}'), 'MD5 of the UTF-8 bytes');
      t.equal(r.eventSourceARN, 'arn:aws:sqs:eu-central-1:111122223333:orders.fifo');
      t.match(r.attributes, { SequenceNumber: /^\d{20}$/, MessageGroupId: '1', MessageDeduplicationId: /^[0-9a-f]{64}$/ });
    },
  },
  {
    name: 'dynamodb update: a MODIFY with both images', service: 'dynamodb', event: 'update',
    flags: { table: 'Orders', region: 'us-west-2' },
    check(t, e) {
      const r = e.Records[0];
      fields(t, r, ['eventID', 'eventName', 'eventVersion', 'eventSource', 'awsRegion', 'dynamodb', 'eventSourceARN'], 'DynamoDB record');
      t.match(r.eventID, /^[0-9a-f]{32}$/);
      t.equal(r.eventName, 'MODIFY');
      t.equal(r.eventVersion, '1.1');
      t.equal(r.eventSource, 'aws:dynamodb');
      t.equal(r.awsRegion, 'us-west-2');
      fields(t, r.dynamodb, ['ApproximateCreationDateTime', 'Keys', 'NewImage', 'OldImage', 'SequenceNumber', 'SizeBytes', 'StreamViewType'], 'dynamodb');
      t.equal(r.dynamodb.ApproximateCreationDateTime, Math.floor(NOW.getTime() / 1000), 'epoch seconds');
      t.same(r.dynamodb.Keys, { Id: { N: '101' } }, 'AttributeValue form');
      t.same(r.dynamodb.OldImage, { Message: { S: 'New item!' }, Id: { N: '101' } });
      t.same(r.dynamodb.NewImage, { Message: { S: 'This item has changed' }, Id: { N: '101' } });
      t.equal(r.dynamodb.SizeBytes, 59, 'the size the guide gives for this record');
      t.match(r.dynamodb.SequenceNumber, /^[1-9]\d{20,}$/);
      t.equal(r.dynamodb.StreamViewType, 'NEW_AND_OLD_IMAGES');
      t.match(r.eventSourceARN, /^arn:aws:dynamodb:us-west-2:123456789012:table\/Orders\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    },
  },
  {
    name: 'sns notification', service: 'sns', event: 'notification',
    flags: { topic: 'alerts', subject: 'Hi', message: '{"a":1}', region: 'us-east-2' },
    check(t, e) {
      const r = e.Records[0];
      fields(t, r, ['EventVersion', 'EventSubscriptionArn', 'EventSource', 'Sns'], 'SNS record');
      t.equal(r.EventVersion, '1.0');
      t.equal(r.EventSource, 'aws:sns');
      const topicArn = 'arn:aws:sns:us-east-2:123456789012:alerts';
      t.match(r.EventSubscriptionArn, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
      fields(t, r.Sns, ['SignatureVersion', 'Timestamp', 'Signature', 'SigningCertUrl', 'MessageId', 'Message', 'MessageAttributes', 'Type', 'UnsubscribeUrl', 'TopicArn', 'Subject'], 'Sns');
      t.equal(r.Sns.Type, 'Notification');
      t.equal(r.Sns.TopicArn, topicArn);
      t.equal(r.Sns.Subject, 'Hi');
      t.equal(r.Sns.Message, '{"a":1}');
      t.match(r.Sns.MessageId, UUID);
      t.equal(r.Sns.Timestamp, NOW.toISOString());
      t.equal(r.Sns.SignatureVersion, '1');
      t.equal(Buffer.from(r.Sns.Signature, 'base64').length, 256, 'an RSA-2048 signature, base64');
      t.match(r.Sns.SigningCertUrl, /^https:\/\/sns\.us-east-2\.amazonaws\.com\/SimpleNotificationService-[0-9a-f]{32}\.pem$/);
      t.equal(r.Sns.UnsubscribeUrl, `https://sns.us-east-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${r.EventSubscriptionArn}`);
      t.same(r.Sns.MessageAttributes, {});
    },
  },
  {
    name: 'sns notification without a subject', service: 'sns', event: 'notification', flags: { subject: '', partition: 'aws-cn', region: 'cn-north-1' },
    check(t, e) {
      t.equal(e.Records[0].Sns.Subject, null);
      t.match(e.Records[0].Sns.SigningCertUrl, /^https:\/\/sns\.cn-north-1\.amazonaws\.com\.cn\//);
      t.match(e.Records[0].Sns.TopicArn, /^arn:aws-cn:sns:cn-north-1:/);
    },
  },
  {
    name: 'cloudwatch scheduled-event', service: 'cloudwatch', event: 'scheduled-event',
    flags: { rule: 'nightly', region: 'us-east-2', 'account-id': '111122223333' },
    check(t, e) {
      fields(t, e, ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'], 'scheduled event');
      t.equal(e.version, '0');
      t.match(e.id, UUID);
      t.equal(e['detail-type'], 'Scheduled Event');
      t.equal(e.source, 'aws.events');
      t.equal(e.account, '111122223333');
      t.equal(e.time, '2024-05-06T07:08:09Z', 'to the second, as EventBridge stamps it');
      t.equal(e.region, 'us-east-2');
      t.same(e.resources, ['arn:aws:events:us-east-2:111122223333:rule/nightly']);
      t.same(e.detail, {});
    },
  },
];

t.test('each template, checked against its documented fields', async (t) => {
  for (const c of cases) {
    await t.test(c.name, async (t) => c.check(t, build(c.service, c.event, c.flags)));
  }
});

t.test('every template builds with its defaults, and ids are fresh per call', async (t) => {
  for (const [service, s] of Object.entries(SERVICES)) {
    for (const event of Object.keys(s.events)) {
      const a = JSON.stringify(build(service, event));
      const b = JSON.stringify(build(service, event));
      t.not(a, b, `${service} ${event}: two calls differ in their ids`);
    }
  }
});
