// Amazon SNS notifications delivered to a subscribed function, shaped as in "Using AWS Lambda with
// Amazon SNS" (Lambda developer guide).
import { ACCOUNT_ID, PARTITION, REGION, arn, dnsSuffix, isoMs, randomBase64, randomHex, uuid } from './common.js';
import { defineEvent, type ServiceTemplates } from './template.js';

export const SNS: ServiceTemplates = {
  description: 'Amazon SNS topic notifications',
  events: {
    notification: defineEvent({
      description: 'a message published to a topic the function subscribes to',
      flags: {
        region: REGION,
        partition: PARTITION,
        'account-id': ACCOUNT_ID,
        topic: { defaultValue: 'ExampleTopic', description: 'topic name' },
        subject: { defaultValue: 'example subject', description: "message subject ('' for none: Subject is null)" },
        message: { defaultValue: 'example message', description: 'message text' },
      },
      build: (v, now) => {
        const topicArn = arn(v.partition, 'sns', v.region, v['account-id'], v.topic);
        const subscriptionArn = `${topicArn}:${uuid()}`;
        const endpoint = `https://sns.${v.region}.${dnsSuffix(v.partition)}`;
        return {
          Records: [
            {
              EventVersion: '1.0',
              EventSubscriptionArn: subscriptionArn,
              EventSource: 'aws:sns',
              Sns: {
                SignatureVersion: '1',
                Timestamp: isoMs(now),
                // SignatureVersion 1 is SHA1withRSA over a 2048-bit key: 256 bytes, base64.
                Signature: randomBase64(256),
                SigningCertUrl: `${endpoint}/SimpleNotificationService-${randomHex(32)}.pem`,
                MessageId: uuid(),
                Message: v.message,
                MessageAttributes: {},
                Type: 'Notification',
                UnsubscribeUrl: `${endpoint}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`,
                TopicArn: topicArn,
                Subject: v.subject === '' ? null : v.subject,
              },
            },
          ],
        };
      },
    }),
  },
};
