// A layer version's resource-based policy: AddLayerVersionPermission, GetLayerVersionPolicy,
// RemoveLayerVersionPermission. Statements are built as AWS builds them (the Lambda API reference's
// AddLayerVersionPermission example: an account id becomes {"AWS": "arn:aws:iam::<id>:root"}, an
// organization a PrincipalOrgID condition); errors follow LocalStack's AWS-recorded snapshots
// TestLambdaLayer::test_layer_policy_exceptions and test_layer_policy_lifecycle. lambdalite has one
// account, so the policy is kept and shown but grants nothing.
import { randomUUID } from 'node:crypto';
import { AwsError, conflict, notFound, validationError } from '../errors.js';
import type { Account } from '../functions/arn.js';
import { parseLayerName, parseVersionNumber, type LayerArns, type LayerRef } from './arn.js';
import type { LayerStatement, LayerVersionRecord } from './model.js';
import type { LayerRepository } from './repository.js';

export interface LayerPermissionInput {
  StatementId?: string;
  Action?: string;
  Principal?: string;
  OrganizationId?: string;
}

const STATEMENT_ID = /^([a-zA-Z0-9-_]+)$/;
const ACTION = /^lambda:GetLayerVersion$/;
const PRINCIPAL = /^(\d{12}|\*|arn:(aws[a-zA-Z-]*):iam::\d{12}:root)$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

const revisionMismatch = () =>
  new AwsError(
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetLayerPolicy API to retrieve the latest Revision Id',
  );

export class LayerPolicyService {
  constructor(
    private readonly repo: LayerRepository,
    private readonly arns: LayerArns,
    private readonly account: Account,
  ) {}

  add(layerName: string, versionNumber: string, input: LayerPermissionInput, revisionId: string | undefined): { Statement: string; RevisionId: string } {
    const ref = parseLayerName(layerName, this.account);
    const version = parseVersionNumber(versionNumber);
    const sid = input.StatementId ?? '';
    if (sid.length < 1 || sid.length > 100 || !STATEMENT_ID.test(sid)) {
      throw validationError(sid, 'statementId', 'Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)');
    }
    if (!input.Action || !ACTION.test(input.Action)) {
      throw validationError(input.Action ?? null, 'action', 'Member must satisfy regular expression pattern: lambda:GetLayerVersion');
    }
    if (!input.Principal || !PRINCIPAL.test(input.Principal)) {
      throw validationError(input.Principal ?? null, 'principal', 'Member must satisfy regular expression pattern: \\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root');
    }
    if (input.OrganizationId !== undefined && !ORGANIZATION_ID.test(input.OrganizationId)) {
      throw validationError(input.OrganizationId, 'organizationId', 'Member must satisfy regular expression pattern: o-[a-z0-9]{10,32}');
    }
    return this.repo.transaction(() => {
      const v = this.requireVersion(layerName, ref, version);
      if (v.policyStatements.some((s) => s.Sid === sid)) {
        throw conflict(`The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`);
      }
      if (revisionId !== undefined && revisionId !== v.policyRevisionId) throw revisionMismatch();
      const statement: LayerStatement = {
        Sid: sid,
        Effect: 'Allow',
        Principal: principal(input.Principal!),
        Action: input.Action!,
        Resource: this.arns.version(v.layerName, v.version),
        ...(input.OrganizationId !== undefined && { Condition: { StringEquals: { 'aws:PrincipalOrgID': input.OrganizationId } } }),
      };
      const next = randomUUID();
      this.repo.updatePolicy(v.layerName, v.version, [...v.policyStatements, statement], next);
      return { Statement: JSON.stringify(statement), RevisionId: next };
    });
  }

  get(layerName: string, versionNumber: string): { Policy: string; RevisionId: string } {
    const ref = parseLayerName(layerName, this.account);
    const v = this.requireVersion(layerName, ref, parseVersionNumber(versionNumber));
    if (v.policyStatements.length === 0 || v.policyRevisionId === undefined) {
      throw notFound('No policy is associated with the given resource.');
    }
    return {
      Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: v.policyStatements }),
      RevisionId: v.policyRevisionId,
    };
  }

  remove(layerName: string, versionNumber: string, sid: string, revisionId: string | undefined): void {
    const ref = parseLayerName(layerName, this.account);
    const version = parseVersionNumber(versionNumber);
    this.repo.transaction(() => {
      const v = this.requireVersion(layerName, ref, version);
      if (revisionId !== undefined && revisionId !== v.policyRevisionId) throw revisionMismatch();
      if (!v.policyStatements.some((s) => s.Sid === sid)) throw notFound(`Statement ${sid} is not found in resource policy.`);
      this.repo.updatePolicy(v.layerName, v.version, v.policyStatements.filter((s) => s.Sid !== sid), randomUUID());
    });
  }

  /** The permission operations name the version by its ARN when it does not exist. */
  private requireVersion(layerName: string, ref: LayerRef, version: number): LayerVersionRecord {
    const v = ref.foreign ? undefined : this.repo.getVersion(ref.name, version);
    if (!v || v.deleted) {
      const arn = layerName.startsWith('arn:') ? `${layerName}:${version}` : this.arns.version(ref.name, version);
      throw notFound(`Layer version ${arn} does not exist.`);
    }
    return v;
  }
}

function principal(p: string): LayerStatement['Principal'] {
  if (p === '*') return '*';
  if (/^\d{12}$/.test(p)) return { AWS: `arn:aws:iam::${p}:root` };
  return { AWS: p };
}
