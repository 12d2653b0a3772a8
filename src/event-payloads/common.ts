// Pieces every service's events share: the flags SAM gives most events (region, partition,
// account-id, with SAM's defaults), ARNs, and ids that are fresh per call but shaped like AWS's.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { UsageError, type FlagSpec } from './template.js';

export const REGION: FlagSpec = { defaultValue: 'us-east-1', description: 'AWS Region the event comes from' };
export const PARTITION: FlagSpec = { defaultValue: 'aws', description: 'AWS partition of the ARNs (aws, aws-cn, aws-us-gov)' };
export const ACCOUNT_ID: FlagSpec = { defaultValue: '123456789012', description: 'AWS account id of the resource' };

/** The DNS suffix of each partition's service endpoints (botocore's endpoints.json `dnsSuffix`). */
const DNS_SUFFIXES: Readonly<Record<string, string>> = {
  aws: 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
};

export function dnsSuffix(partition: string): string {
  const suffix = DNS_SUFFIXES[partition];
  if (suffix === undefined) {
    throw new UsageError(`unknown --partition '${partition}' (one of ${Object.keys(DNS_SUFFIXES).join(', ')})`);
  }
  return suffix;
}

export function arn(partition: string, service: string, region: string, account: string, resource: string): string {
  dnsSuffix(partition);
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

export const uuid = (): string => randomUUID();
export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');
export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
export const randomHex = (chars: number): string => randomBytes(Math.ceil(chars / 2)).toString('hex').slice(0, chars);
export const randomBase64 = (bytes: number): string => randomBytes(bytes).toString('base64');

/** `chars` characters drawn from `alphabet` (of at most 256). */
export function randomFrom(alphabet: string, chars: number): string {
  return [...randomBytes(chars)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Upper-case letters and digits 2-7, the alphabet of IAM unique ids (`AIDA...`) and owner ids. */
export const randomUpper = (chars: number): string => randomFrom('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', chars);

/** An IAM user's unique id, as SQS `SenderId` and S3 `principalId` carry it. */
export const iamUserId = (): string => `AIDA${randomUpper(17)}`;

/** ISO-8601 with milliseconds, as S3, SNS and SQS stamp events. */
export const isoMs = (now: Date): string => now.toISOString();
/** ISO-8601 to the second, as EventBridge stamps events (`2019-03-01T01:23:45Z`). */
export const isoSeconds = (now: Date): string => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An address from TEST-NET-3 (RFC 5737): realistic in form, never a real client. */
export const SOURCE_IP = '203.0.113.10';
