// The one place the services are wired together (STYLE.md habit 6).
import type { Config } from './config.js';
import { AliasService } from './functions/alias-service.js';
import { Arns } from './functions/arn.js';
import { CodeStore } from './functions/code-store.js';
import { ConcurrencyService } from './functions/concurrency-service.js';
import { FunctionService, type FunctionHooks } from './functions/function-service.js';
import { PolicyService } from './functions/policy-service.js';
import { FunctionRepository } from './functions/repository.js';
import { TagService } from './functions/tags.js';
import type { Db } from './db.js';
import { ConcurrencyLeases } from './invoke/concurrency-leases.js';
import { InvokeService, type InvocationEngine } from './invoke/invoke-service.js';
import { RecordWriter } from './invoke/records.js';

export interface Services {
  readonly config: Config;
  readonly arns: Arns;
  readonly code: CodeStore;
  readonly functions: FunctionService;
  readonly aliases: AliasService;
  readonly concurrency: ConcurrencyService;
  readonly tags: TagService;
  readonly policies: PolicyService;
  readonly invoker: InvokeService;
  readonly records: RecordWriter;
}

export interface ExecutionHooks extends InvocationEngine {
  retire(functionName: string, version?: string): Promise<void>;
}

export interface Logger {
  warn(obj: object, msg: string): void;
}

export function createServices(config: Config, db: Db, baseUrl: () => string, engine: ExecutionHooks, logger: Logger): Services {
  const account = { region: config.region, accountId: config.accountId };
  const arns = new Arns(account);
  const repo = new FunctionRepository(db);
  const code = new CodeStore({ dataDir: config.dataDir });
  const hooks: FunctionHooks = {
    retire: (name, version) => void engine.retire(name, version),
    runtimeSupport: (runtime) => engine.support(runtime),
    runtimeUnsupported: (functionName, reason) =>
      logger.warn({ functionName, reason }, 'this machine cannot run the function\'s runtime: invokes will fail with InvalidRuntimeException'),
  };
  const functions = new FunctionService(repo, code, arns, (sha) => `${baseUrl()}/lambdalite/code/${sha}.zip`, hooks);
  const concurrency = new ConcurrencyService(repo, functions, config.accountConcurrency);
  const leases = new ConcurrencyLeases(() => concurrency.unreserved());
  const records = new RecordWriter(db);
  return {
    config,
    arns,
    code,
    functions,
    aliases: new AliasService(repo, functions, arns),
    concurrency,
    tags: new TagService(repo, functions, account),
    policies: new PolicyService(repo, functions, arns),
    invoker: new InvokeService(functions, code, arns, leases, engine, records, config.region),
    records,
  };
}
