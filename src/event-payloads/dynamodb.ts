// DynamoDB Streams records as Lambda's event source mapping delivers them, shaped as in "Using AWS
// Lambda with Amazon DynamoDB" (Lambda developer guide): the MODIFY record of its example, with
// images in AttributeValue form.
import { randomInt } from 'node:crypto';
import { ACCOUNT_ID, PARTITION, REGION, arn, randomHex } from './common.js';
import { defineEvent, type ServiceTemplates } from './template.js';

type AttributeValue = { readonly S: string } | { readonly N: string };
type Item = Readonly<Record<string, AttributeValue>>;

const KEYS: Item = { Id: { N: '101' } };
const OLD_IMAGE: Item = { Message: { S: 'New item!' }, Id: { N: '101' } };
const NEW_IMAGE: Item = { Message: { S: 'This item has changed' }, Id: { N: '101' } };

const significantDigits = (n: string) => n.replace(/\D/g, '').replace(/^0+|0+$/g, '').length;

/**
 * DynamoDB's item size rules ("Item sizes and formats"): each attribute is its name's UTF-8 length
 * plus its value's, a string its UTF-8 length, a number 1 byte per two significant digits plus 1.
 * SizeBytes of a stream record is that of its Keys and images: 59 for the guide's MODIFY example.
 */
export function itemSizeBytes(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if ('S' in value) size += Buffer.byteLength(value.S);
    else size += Math.ceil(significantDigits(value.N) / 2) + 1;
  }
  return size;
}

/** Stream sequence numbers are long decimal strings that grow within a shard. */
const sequenceNumber = () => `${randomInt(1, 10)}${Array.from({ length: 27 }, () => randomInt(0, 10)).join('')}`;

export const DYNAMODB: ServiceTemplates = {
  description: 'Amazon DynamoDB Streams records',
  events: {
    update: defineEvent({
      description: 'an item was changed (MODIFY, NEW_AND_OLD_IMAGES)',
      flags: {
        region: REGION,
        partition: PARTITION,
        'account-id': ACCOUNT_ID,
        table: { defaultValue: 'ExampleTableWithStream', description: 'table name' },
      },
      build: (v, now) => {
        // A stream's label is the time it was enabled: an ISO timestamp without the zone.
        const streamLabel = new Date(now.getTime() - 86_400_000).toISOString().replace(/Z$/, '');
        return {
          Records: [
            {
              eventID: randomHex(32),
              eventName: 'MODIFY',
              eventVersion: '1.1',
              eventSource: 'aws:dynamodb',
              awsRegion: v.region,
              dynamodb: {
                ApproximateCreationDateTime: Math.floor(now.getTime() / 1000),
                Keys: KEYS,
                NewImage: NEW_IMAGE,
                OldImage: OLD_IMAGE,
                SequenceNumber: sequenceNumber(),
                SizeBytes: itemSizeBytes(KEYS) + itemSizeBytes(NEW_IMAGE) + itemSizeBytes(OLD_IMAGE),
                StreamViewType: 'NEW_AND_OLD_IMAGES',
              },
              eventSourceARN: arn(v.partition, 'dynamodb', v.region, v['account-id'], `table/${v.table}/stream/${streamLabel}`),
            },
          ],
        };
      },
    }),
  },
};
