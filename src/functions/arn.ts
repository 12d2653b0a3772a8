// Function names, ARNs and qualifiers as the Lambda API accepts them. A FunctionName parameter may be
// a name (`my-fn`), a name with qualifier (`my-fn:prod`), a partial ARN (`000000000000:function:my-fn`)
// or a full ARN — the service model's FunctionName pattern.
import { AwsError, invalidParameter, validationError } from '../errors.js';
import { LATEST } from './model.js';

export interface Account {
  readonly region: string;
  readonly accountId: string;
}

export interface FunctionRef {
  readonly name: string;
  /** `$LATEST`, a version number or an alias name; undefined when none was given. */
  readonly qualifier: string | undefined;
}

// From the service model's NamespacedFunctionName / FunctionName shapes.
const FUNCTION_REF =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]+)$/;
export const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
export const VERSION_NUMBER = /^[0-9]+$/;

export function parseFunctionRef(raw: string, account: Account, field = 'functionName'): FunctionRef {
  if (raw.length < 1 || raw.length > 170) {
    throw validationError(raw, field, 'Member must have length less than or equal to 170');
  }
  const m = FUNCTION_REF.exec(raw);
  if (!m) {
    throw validationError(
      raw,
      field,
      'Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?',
    );
  }
  const [, region, accountId, name, qualifier] = m;
  if (name!.length > 64) throw validationError(name, field, 'Member must have length less than or equal to 64');
  // AWS's words for another region's ARN (LocalStack's AWS-recorded snapshot test_function_arns).
  if (region && region !== account.region) {
    throw new AwsError('ResourceNotFoundException', `Functions from '${region}' are not reachable in this region ('${account.region}')`);
  }
  if (accountId && accountId !== account.accountId) {
    throw new AwsError('ResourceNotFoundException', `Function not found: ${raw}`);
  }
  return { name: name!, qualifier };
}

/** Combines the qualifier inside the name with the `Qualifier` parameter, refusing a mismatch. */
export function withQualifier(ref: FunctionRef, qualifierParam: string | undefined): FunctionRef {
  if (qualifierParam === undefined || qualifierParam === '') return ref;
  if (!QUALIFIER.test(qualifierParam) || qualifierParam.length > 128) {
    throw validationError(qualifierParam, 'qualifier', 'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)');
  }
  if (ref.qualifier !== undefined && ref.qualifier !== qualifierParam) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  return { name: ref.name, qualifier: qualifierParam };
}

export class Arns {
  constructor(private readonly account: Account) {}

  function(name: string, qualifier?: string): string {
    const base = `arn:aws:lambda:${this.account.region}:${this.account.accountId}:function:${name}`;
    return qualifier === undefined ? base : `${base}:${qualifier}`;
  }

  /** A version's FunctionArn as AWS returns it: `$LATEST` configurations carry the unqualified ARN. */
  versionArn(name: string, version: string): string {
    return version === LATEST ? this.function(name) : this.function(name, version);
  }
}
