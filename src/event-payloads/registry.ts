// Every sample event `lambdalite event` knows: service → event → template. The names are those of
// `sam local generate-event` (aws-sam-cli's event-mapping.json), so habits carry over.
import { APIGATEWAY } from './apigateway.js';
import { CLOUDWATCH } from './cloudwatch.js';
import { DYNAMODB } from './dynamodb.js';
import { S3 } from './s3.js';
import { SNS } from './sns.js';
import { SQS } from './sqs.js';
import type { ServiceTemplates } from './template.js';

export const SERVICES: Readonly<Record<string, ServiceTemplates>> = {
  apigateway: APIGATEWAY,
  cloudwatch: CLOUDWATCH,
  dynamodb: DYNAMODB,
  s3: S3,
  sns: SNS,
  sqs: SQS,
};
