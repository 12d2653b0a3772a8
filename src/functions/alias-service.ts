// Aliases: named pointers at a version, optionally splitting traffic with a second version
// (RoutingConfig.AdditionalVersionWeights), with AWS's rules for them.
import { randomUUID } from 'node:crypto';
import { conflict, invalidParameter, notFound, validationError } from '../errors.js';
import { ALIAS_NAME, type Arns, VERSION_NUMBER } from './arn.js';
import { checkRevision, type FunctionService } from './function-service.js';
import { LATEST, type AliasRecord } from './model.js';
import { decodeMarker, maxItems, page } from './paging.js';
import { renderAlias, type AliasConfigurationShape } from './render.js';
import type { FunctionRepository } from './repository.js';

export interface AliasInput {
  Name?: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> };
  RevisionId?: string;
}

export class AliasService {
  constructor(
    private readonly repo: FunctionRepository,
    private readonly functions: FunctionService,
    private readonly arns: Arns,
    /** After an alias was updated or deleted (provisioned concurrency follows it). */
    private readonly changed: (functionName: string) => void = () => {},
  ) {}

  create(functionName: string, input: AliasInput): AliasConfigurationShape {
    const name = input.Name ?? '';
    checkAliasName(name);
    if (input.FunctionVersion === undefined) throw validationError(null, 'functionVersion', 'Member must not be null');
    return this.repo.transaction(() => {
      const fn = this.functions.requireFunction(functionName);
      if (this.repo.getAlias(fn.name, name)) throw conflict(`Alias already exists: ${this.arns.function(fn.name, name)}`);
      const alias: AliasRecord = {
        functionName: fn.name,
        name,
        functionVersion: this.checkVersion(fn.name, input.FunctionVersion!),
        description: checkDescription(input.Description ?? ''),
        additionalVersionWeights: {},
        revisionId: randomUUID(),
      };
      const withRouting = { ...alias, additionalVersionWeights: this.checkRouting(alias, input.RoutingConfig) };
      this.repo.putAlias(withRouting);
      return renderAlias(withRouting, this.arns);
    });
  }

  get(functionName: string, name: string): AliasConfigurationShape {
    // GetAlias words its 404 differently from UpdateAlias ("Alias not found: ..."); tools match on
    // it (LocalStack's AWS-recorded snapshots: alias_does_not_exist_esc, update_alias_response).
    const fn = this.functions.requireFunction(functionName);
    const alias = this.repo.getAlias(fn.name, name);
    if (!alias) throw notFound(`Cannot find alias arn: ${this.arns.function(fn.name, name)}`);
    return renderAlias(alias, this.arns);
  }

  update(functionName: string, name: string, input: AliasInput): AliasConfigurationShape {
    const updated = this.repo.transaction(() => {
      const current = this.require(functionName, name);
      checkRevision(input.RevisionId, current.revisionId);
      const next: AliasRecord = {
        ...current,
        functionVersion: input.FunctionVersion !== undefined ? this.checkVersion(current.functionName, input.FunctionVersion) : current.functionVersion,
        description: input.Description !== undefined ? checkDescription(input.Description) : current.description,
        revisionId: randomUUID(),
      };
      const routed = {
        ...next,
        additionalVersionWeights: input.RoutingConfig !== undefined
          ? this.checkRouting(next, input.RoutingConfig)
          : this.checkRouting(next, { AdditionalVersionWeights: current.additionalVersionWeights }),
      };
      this.repo.putAlias(routed);
      return renderAlias(routed, this.arns);
    });
    this.changed(functionName);
    return updated;
  }

  delete(functionName: string, name: string): void {
    const fn = this.functions.requireFunction(functionName);
    checkAliasName(name);
    // AWS answers 204 for an alias that does not exist.
    this.repo.deleteAlias(fn.name, name);
    this.changed(fn.name);
  }

  list(functionName: string, query: { FunctionVersion?: string; Marker?: string; MaxItems?: string }) {
    const fn = this.functions.requireFunction(functionName);
    const limit = maxItems(query.MaxItems);
    const after = decodeMarker(query.Marker) ?? [''];
    const rows = this.repo.listAliases(fn.name, query.FunctionVersion || undefined, String(after[0]), limit + 1);
    const { items, nextMarker } = page(rows, limit, (a) => [a.name]);
    return { Aliases: items.map((a) => renderAlias(a, this.arns)), ...(nextMarker && { NextMarker: nextMarker }) };
  }

  private require(functionName: string, name: string): AliasRecord {
    const fn = this.functions.requireFunction(functionName);
    const alias = this.repo.getAlias(fn.name, name);
    if (!alias) throw notFound(`Alias not found: ${this.arns.function(fn.name, name)}`);
    return alias;
  }

  private checkVersion(functionName: string, version: string): string {
    if (version !== LATEST && !VERSION_NUMBER.test(version)) {
      throw validationError(version, 'functionVersion', 'Member must satisfy regular expression pattern: (\\$(LATEST|LATEST\\.PUBLISHED)|[0-9]+)');
    }
    if (!this.repo.getVersion(functionName, version)) {
      throw notFound(`Function not found: ${this.arns.function(functionName, version)}`);
    }
    return version;
  }

  /**
   * AWS's rules for weighted aliases ("Lambda function aliases", routing configuration): at most one
   * additional version, a weight from 0.0 to 1.0, both versions published, and different.
   */
  private checkRouting(alias: AliasRecord, routing: AliasInput['RoutingConfig']): Record<string, number> {
    const weights = routing?.AdditionalVersionWeights ?? {};
    const entries = Object.entries(weights);
    if (entries.length === 0) return {};
    if (entries.length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
    const [version, weight] = entries[0]!;
    // AWS prints the map entry as Java does: '{2=1.5}', a whole weight as '2.0'.
    const shown = `{${version}=${Number.isInteger(weight) ? weight.toFixed(1) : weight}}`;
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
      throw validationError(shown, 'routingConfig.additionalVersionWeights', 'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]');
    }
    if (!VERSION_NUMBER.test(version)) {
      throw validationError(shown, 'routingConfig.additionalVersionWeights', 'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]');
    }
    if (alias.functionVersion === LATEST) {
      throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
    }
    if (version === alias.functionVersion) {
      throw invalidParameter(`Invalid function version ${version}. Function version ${version} is already included in routing configuration.`);
    }
    this.checkVersion(alias.functionName, version);
    return { [version]: weight };
  }
}

function checkAliasName(name: string): void {
  if (name.length < 1 || name.length > 128 || !ALIAS_NAME.test(name)) {
    throw validationError(name, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
  }
}

function checkDescription(description: string): string {
  if (description.length > 256) throw validationError(description, 'description', 'Member must have length less than or equal to 256');
  return description;
}
