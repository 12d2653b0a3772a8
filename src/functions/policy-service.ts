// Resource-based policies: AddPermission, GetPolicy, RemovePermission. Statements are built as AWS
// builds them ("Working with resource-based IAM policies in Lambda"): a service principal becomes
// {"Service": ...}, an account id {"AWS": "arn:aws:iam::<id>:root"}, SourceArn / SourceAccount /
// PrincipalOrgID / FunctionUrlAuthType become conditions.
import { randomUUID } from 'node:crypto';
import { AwsError, conflict, notFound, validationError } from '../errors.js';
import type { Arns, FunctionRef } from './arn.js';
import { checkRevision, type FunctionService } from './function-service.js';
import type { PolicyStatement } from './model.js';
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

const STATEMENT_ID = /^([a-zA-Z0-9-_.]+)$/;
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
      throw validationError(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_.]+)');
    }
    if (!input.Action || !ACTION.test(input.Action)) {
      throw validationError(input.Action ?? null, 'action', 'Member must satisfy regular expression pattern: (lambda:[*]|lambda:[a-zA-Z]+|[*])');
    }
    if (!input.Principal) throw validationError(null, 'principal', 'Member must not be null');
    return this.repo.transaction(() => {
      const fn = this.functions.requireFunction(ref.name);
      if (ref.qualifier !== undefined) this.functions.resolve(ref);
      checkRevision(input.RevisionId, fn.policyRevisionId);
      if (fn.policyStatements.some((s) => s.Sid === sid)) {
        throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
      }
      const statement = this.statement(ref, sid, input);
      const statements = [...fn.policyStatements, statement];
      if (Buffer.byteLength(JSON.stringify(statements)) > MAX_POLICY_BYTES) {
        throw new AwsError('PolicyLengthExceededException', 'The final policy size is bigger than the limit.');
      }
      this.repo.updateFunction({ ...fn, policyStatements: statements, policyRevisionId: randomUUID() });
      return { Statement: JSON.stringify(statement) };
    });
  }

  get(ref: FunctionRef): { Policy: string; RevisionId: string } {
    const fn = this.functions.requireFunction(ref.name);
    if (ref.qualifier !== undefined) this.functions.resolve(ref);
    const resource = this.arns.function(fn.name, ref.qualifier);
    const statements = fn.policyStatements.filter((s) => s.Resource === resource);
    if (statements.length === 0) throw notFound('The resource you requested does not exist.');
    return {
      Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: statements }),
      RevisionId: fn.policyRevisionId,
    };
  }

  remove(ref: FunctionRef, sid: string, revisionId: string | undefined): void {
    this.repo.transaction(() => {
      const fn = this.functions.requireFunction(ref.name);
      checkRevision(revisionId, fn.policyRevisionId);
      const resource = this.arns.function(fn.name, ref.qualifier);
      const kept = fn.policyStatements.filter((s) => !(s.Sid === sid && s.Resource === resource));
      if (kept.length === fn.policyStatements.length) throw notFound(`Statement ${sid} is not found in resource policy.`);
      this.repo.updateFunction({ ...fn, policyStatements: kept, policyRevisionId: randomUUID() });
    });
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
