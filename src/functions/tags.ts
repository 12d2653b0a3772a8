// Tags on functions: TagResource, UntagResource, ListTags, and the check CreateFunction shares.
import { invalidParameter, validationError } from '../errors.js';
import type { Account } from './arn.js';
import { parseFunctionRef } from './arn.js';
import type { FunctionService } from './function-service.js';
import type { FunctionRepository } from './repository.js';

// Tag limits: the Lambda developer guide, "Using tags on Lambda functions" (50 tags, keys up to 128
// characters, values up to 256, the aws: prefix reserved).
export function checkTags(tags: Record<string, string>): Record<string, string> {
  if (Object.keys(tags).length > 50) throw invalidParameter('Number of tags exceeds resource tag limit.');
  for (const [key, value] of Object.entries(tags)) {
    if (key.length < 1 || key.length > 128) throw validationError(key, 'tags', 'Member must have length between 1 and 128');
    if (key.toLowerCase().startsWith('aws:')) throw invalidParameter(`Tag keys prefixed with 'aws:' are reserved: ${key}`);
    if (typeof value !== 'string' || value.length > 256) throw validationError(value, `tags.${key}`, 'Member must have length less than or equal to 256');
  }
  return tags;
}

export class TagService {
  constructor(
    private readonly repo: FunctionRepository,
    private readonly functions: FunctionService,
    private readonly account: Account,
  ) {}

  /** Tags belong to the function itself: AWS refuses tagging a version or alias ARN. */
  private functionOf(resourceArn: string): string {
    const ref = parseFunctionRef(resourceArn, this.account, 'resource');
    if (!resourceArn.startsWith('arn:')) throw invalidParameter(`Invalid resource ARN: ${resourceArn}`);
    if (ref.qualifier !== undefined) {
      throw invalidParameter('Tags on function aliases and versions are not supported. Please specify a function ARN.');
    }
    return this.functions.requireFunction(ref.name).name;
  }

  list(resourceArn: string): { Tags: Record<string, string> } {
    return { Tags: this.repo.getFunction(this.functionOf(resourceArn))!.tags };
  }

  tag(resourceArn: string, tags: Record<string, string>): void {
    const name = this.functionOf(resourceArn);
    this.repo.transaction(() => {
      const fn = this.functions.requireFunction(name);
      this.repo.updateFunction({ ...fn, tags: checkTags({ ...fn.tags, ...tags }) });
    });
  }

  untag(resourceArn: string, keys: string[]): void {
    const name = this.functionOf(resourceArn);
    this.repo.transaction(() => {
      const fn = this.functions.requireFunction(name);
      const tags = Object.fromEntries(Object.entries(fn.tags).filter(([k]) => !keys.includes(k)));
      this.repo.updateFunction({ ...fn, tags });
    });
  }
}
