// Amazon SQS messages as Lambda's event source mapping delivers them, shaped as in "Using Lambda
// with Amazon SQS" (Lambda developer guide), standard and FIFO queue examples.
import { ACCOUNT_ID, PARTITION, REGION, arn, iamUserId, md5Hex, randomBase64, sha256Hex, uuid } from './common.js';
import { defineEvent, type ServiceTemplates } from './template.js';

export const SQS: ServiceTemplates = {
  description: 'Amazon SQS messages read by an event source mapping',
  events: {
    'receive-message': defineEvent({
      description: 'one message received from a queue (a .fifo queue name adds the FIFO attributes)',
      flags: {
        region: REGION,
        partition: PARTITION,
        'account-id': ACCOUNT_ID,
        'queue-name': { defaultValue: 'MyQueue', description: 'queue name' },
        body: { defaultValue: 'Hello from SQS!', description: 'message body (md5OfBody is its MD5)' },
      },
      build: (v, now) => {
        const sentMs = now.getTime() - 25;
        // The FIFO example in the Lambda guide adds these, in this order, around SenderId.
        const fifo = v['queue-name'].endsWith('.fifo');
        const attributes = {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(sentMs),
          ...(fifo ? { SequenceNumber: `1884${String(sentMs).padStart(16, '0')}`, MessageGroupId: '1' } : {}),
          SenderId: iamUserId(),
          // Content-based deduplication: SQS uses the SHA-256 of the body.
          ...(fifo ? { MessageDeduplicationId: sha256Hex(v.body) } : {}),
          ApproximateFirstReceiveTimestamp: String(now.getTime()),
        };
        return {
          Records: [
            {
              messageId: uuid(),
              receiptHandle: `AQEB${randomBase64(120)}`,
              body: v.body,
              attributes,
              messageAttributes: {},
              md5OfBody: md5Hex(v.body),
              eventSource: 'aws:sqs',
              eventSourceARN: arn(v.partition, 'sqs', v.region, v['account-id'], v['queue-name']),
              awsRegion: v.region,
            },
          ],
        };
      },
    }),
  },
};
