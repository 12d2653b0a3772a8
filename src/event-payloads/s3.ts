// Amazon S3 event notifications, shaped as in "Using AWS Lambda with Amazon S3" (Lambda developer
// guide) and "Event message structure" (S3 user guide): eventVersion 2.1, one record per object.
import { PARTITION, REGION, dnsSuffix, iamUserId, isoMs, randomBase64, randomHex, randomUpper, uuid, SOURCE_IP } from './common.js';
import { defineEvent, type FlagSpec, type ServiceTemplates } from './template.js';

const FLAGS = {
  region: REGION,
  partition: PARTITION,
  bucket: { defaultValue: 'example-bucket', description: 'bucket name' },
  key: { defaultValue: 'test/key', description: 'object key, as stored (the event carries it URL-encoded, as S3 does)' },
} satisfies Record<string, FlagSpec>;

type Values = Readonly<Record<keyof typeof FLAGS, string>>;

/**
 * S3 puts object keys into events form-URL-encoded ("red flower.jpg" becomes "red+flower.jpg", the
 * S3 user guide says; "test_file(3).png" becomes "test_file%283%29.png"), keeping `/` between
 * segments. Java's URLEncoder rules: letters, digits and `.-*_` stay, a space is `+`, the rest %XX.
 */
export function s3EventKey(key: string): string {
  const segment = (s: string) =>
    encodeURIComponent(s)
      .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replace(/%20/g, '+');
  return key.split('/').map(segment).join('/');
}

function record(v: Values, now: Date, eventName: string, object: Record<string, unknown>) {
  dnsSuffix(v.partition);
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: v.region,
        eventTime: isoMs(now),
        eventName,
        userIdentity: { principalId: `AWS:${iamUserId()}` },
        requestParameters: { sourceIPAddress: SOURCE_IP },
        responseElements: {
          'x-amz-request-id': randomHex(16).toUpperCase(),
          'x-amz-id-2': randomBase64(56),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: uuid(),
          bucket: {
            name: v.bucket,
            ownerIdentity: { principalId: `A${randomUpper(13)}` },
            arn: `arn:${v.partition}:s3:::${v.bucket}`,
          },
          object: { key: s3EventKey(v.key), ...object },
        },
      },
    ],
  };
}

/** The sequencer orders events of one key; S3 sends it as upper-case hex. */
const sequencer = () => randomHex(18).toUpperCase();

export const S3: ServiceTemplates = {
  description: 'Amazon S3 event notifications',
  events: {
    put: defineEvent({
      description: 'an object was created by PUT (ObjectCreated:Put)',
      flags: FLAGS,
      build: (v, now) => record(v, now, 'ObjectCreated:Put', { size: 1024, eTag: randomHex(32), sequencer: sequencer() }),
    }),
    // A removed object has no size or eTag in its event (S3 user guide, "Event message structure").
    delete: defineEvent({
      description: 'an object was deleted (ObjectRemoved:Delete)',
      flags: FLAGS,
      build: (v, now) => record(v, now, 'ObjectRemoved:Delete', { sequencer: sequencer() }),
    }),
  },
};
