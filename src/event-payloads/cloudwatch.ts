// EventBridge (CloudWatch Events) events, shaped as in "Using AWS Lambda with Amazon EventBridge
// (CloudWatch Events)" (Lambda developer guide): a rule's schedule firing.
import { ACCOUNT_ID, PARTITION, REGION, arn, isoSeconds, uuid } from './common.js';
import { defineEvent, type ServiceTemplates } from './template.js';

export const CLOUDWATCH: ServiceTemplates = {
  description: 'Amazon EventBridge (CloudWatch Events) events',
  events: {
    'scheduled-event': defineEvent({
      description: "a scheduled rule fired (detail-type 'Scheduled Event')",
      flags: {
        region: REGION,
        partition: PARTITION,
        'account-id': ACCOUNT_ID,
        rule: { defaultValue: 'ExampleRule', description: 'name of the schedule rule' },
      },
      // EventBridge's envelope, in the order EventBridge writes it.
      build: (v, now) => ({
        version: '0',
        id: uuid(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: v['account-id'],
        time: isoSeconds(now),
        region: v.region,
        resources: [arn(v.partition, 'events', v.region, v['account-id'], `rule/${v.rule}`)],
        detail: {},
      }),
    }),
  },
};
