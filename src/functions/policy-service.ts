// Resource-based policies: AddPermission, GetPolicy, RemovePermission. Statements are built as AWS
// builds them ("Working with resource-based IAM policies in Lambda"): a service principal becomes
// {"Service": ...}, an account id {"AWS": "arn:aws:iam::<id>:root"}, SourceArn / SourceAccount /
// PrincipalOrgID / FunctionUrlAuthType become conditions.
import { randomUUID } from 'node:crypto';
import { AwsError, conflict, invalidParameter, notFound, validationError } from '../errors.js';
import { VERSION_NUMBER, type Arns, type FunctionRef } from './arn.js';
import { checkRevision, type FunctionService } from './function-service.js';
import { LATEST, type FunctionRecord, type PolicyStatement } from './model.js';
import type { FunctionRepository } from './repository.js';

export interface PermissionInput {
  StatementId?: string;
  Action?: string;
  Principal?: string;
  SourceArn?: string;
  SourceAccount?: string;
  EventSourceToken?: string;
  PrincipalOrgID?: string;
  FunctionUrlAuthType?: string;
  RevisionId?: string;
}

const STATEMENT_ID = /^([a-zA-Z0-9-_]+)$/;
const ACTION = /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/;
// AWS caps a function's resource policy at 20 KB ("Lambda quotas").
const MAX_POLICY_BYTES = 20480;

export class PolicyService {
  constructor(
    private readonly repo: FunctionRepository,
    private readonly functions: FunctionService,
    private readonly arns: Arns,
  ) {}

  add(ref: FunctionRef, input: PermissionInput): { Statement: string } {
    const sid = input.StatementId ?? '';
    if (sid.length < 1 || sid.length > 100 || !STATEMENT_ID.test(sid)) {
      throw validationError(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
    }
    if (!input.Action || !ACTION.test(input.Action)) {
      throw validationError(input.Action ?? null, 'action', 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
    }
    if (!input.Principal) throw validationError(null, 'principal', 'Member must not be null');
    if (ref.qualifier === LATEST) throw invalidParameter('We currently do not support adding policies for $LATEST.');
    return this.repo.transaction(() => {
      const fn = this.functions.requireFunction(ref.name);
      const missing = this.missingQualifier(ref);
      if (missing) throw missing;
      checkRevision(input.RevisionId, this.revisionId(fn, ref), 'GetPolicy');
      const resource = this.arns.function(ref.name, ref.qualifier);
      if (fn.policyStatements.some((s) => s.Sid === sid && s.Resource === resource)) {
        throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
      }
      const statement = this.statement(ref, sid, input);
      const statements = [...fn.policyStatements, statement];
      if (Buffer.byteLength(JSON.stringify(statements)) > MAX_POLICY_BYTES) {
        throw new AwsError('PolicyLengthExceededException', 'The final policy size is bigger than the limit.');
      }
      this.save(fn, ref, statements);
      return { Statement: JSON.stringify(statement) };
    });
  }

  get(ref: FunctionRef): { Policy: string; RevisionId: string } {
    const fn = this.repo.getFunction(ref.name);
    const resource = this.arns.function(ref.name, ref.qualifier);
    const statements = fn?.policyStatements.filter((s) => s.Resource === resource) ?? [];
    // AWS answers the same for a missing function, version or policy.
    if (!fn || this.missingQualifier(ref) || statements.length === 0) throw notFound('The resource you requested does not exist.');
    return {
      Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
      RevisionId: this.revisionId(fn, ref),
    };
  }

  remove(ref: FunctionRef, sid: string, revisionId: string | undefined): void {
    this.repo.transaction(() => {
      const resource = this.arns.function(ref.name, ref.qualifier);
      const fn = this.repo.getFunction(ref.name);
      if (!fn) throw notFound(`No policy found for: ${resource}`);
      const missing = this.missingQualifier(ref);
      if (missing) throw missing;
      const statements = fn.policyStatements.filter((s) => s.Resource === resource);
      if (statements.length === 0) throw notFound('No policy is associated with the given resource.');
      checkRevision(revisionId, this.revisionId(fn, ref), 'GetPolicy');
      if (!statements.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`);
      this.save(fn, ref, fn.policyStatements.filter((s) => !(s.Sid === sid && s.Resource === resource)));
    });
  }

  /**
   * The RevisionId a policy change is checked against. The unqualified function's policy shares
   * $LATEST's RevisionId, and changing it changes the function's (LocalStack's AWS-validated
   * test_function_revisions_permissions); versions and aliases keep one policy revision per function.
   */
  private revisionId(fn: FunctionRecord, ref: FunctionRef): string {
    if (ref.qualifier !== undefined) return fn.policyRevisionId;
    return this.functions.resolve({ name: fn.name, qualifier: LATEST }).revisionId;
  }

  private save(fn: FunctionRecord, ref: FunctionRef, statements: PolicyStatement[]): void {
    const revisionId = randomUUID();
    if (ref.qualifier === undefined) {
      this.repo.putVersion({ ...this.functions.resolve({ name: fn.name, qualifier: LATEST }), revisionId });
      this.repo.updateFunction({ ...fn, policyStatements: statements });
    } else {
      this.repo.updateFunction({ ...fn, policyStatements: statements, policyRevisionId: revisionId });
    }
  }

  /**
   * The error for a qualifier whose version or alias does not exist, in AWS's words (statements of
   * a deleted version or alias stay stored but are never shown); undefined when it exists.
   */
  private missingQualifier(ref: FunctionRef): AwsError | undefined {
    const q = ref.qualifier;
    if (q === undefined) return undefined;
    const arn = this.arns.function(ref.name, q);
    if (q === LATEST || VERSION_NUMBER.test(q)) {
      return this.repo.getVersion(ref.name, q) ? undefined : notFound(`Function not found: ${arn}`);
    }
    return this.repo.getAlias(ref.name, q) ? undefined : notFound(`Cannot find alias arn: ${arn}`);
  }

  private statement(ref: FunctionRef, sid: string, input: PermissionInput): PolicyStatement {
    const condition: Record<string, Record<string, string>> = {};
    const add = (op: string, key: string, value: string | undefined) => {
      if (value !== undefined) condition[op] = { ...condition[op], [key]: value };
    };
    add('StringEquals', 'AWS:SourceAccount', input.SourceAccount);
    add('StringEquals', 'aws:PrincipalOrgID', input.PrincipalOrgID);
    add('StringEquals', 'lambda:EventSourceToken', input.EventSourceToken);
    add('StringEquals', 'lambda:FunctionUrlAuthType', input.FunctionUrlAuthType);
    add('ArnLike', 'AWS:SourceArn', input.SourceArn);
    return {
      Sid: sid,
      Effect: 'Allow',
      Principal: principal(input.Principal!),
      Action: input.Action!,
      Resource: this.arns.function(ref.name, ref.qualifier),
      ...(Object.keys(condition).length > 0 && { Condition: condition }),
    };
  }
}

function principal(p: string): PolicyStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  if (p.startsWith('arn:')) return { AWS: p };
  return { Service: p };
}
