// The one place the services are wired together (STYLE.md habit 6).
import type { Config } from './config.js';
import { AliasService } from './functions/alias-service.js';
import { Arns } from './functions/arn.js';
import { CodeStore } from './functions/code-store.js';
import { ConcurrencyService } from './functions/concurrency-service.js';
import { DeploymentPackages } from './functions/deployment-package.js';
import { FunctionService, type FunctionHooks } from './functions/function-service.js';
import { PolicyService } from './functions/policy-service.js';
import { ProvisionedConcurrencyRepository } from './functions/provisioned-concurrency-repository.js';
import { ProvisionedConcurrencyService, type ProvisioningEngine } from './functions/provisioned-concurrency-service.js';
import { FunctionRepository } from './functions/repository.js';
import { TagService } from './functions/tags.js';
import type { Db } from './db.js';
import { AsyncWorker } from './events/async-worker.js';
import { Destinations } from './events/destinations.js';
import { EventInvokeConfigRepository } from './events/event-invoke-config-repository.js';
import { EventInvokeConfigService } from './events/event-invoke-config-service.js';
import { EventQueue, type Clock } from './events/event-queue.js';
import { QueueRepository } from './events/queue-repository.js';
import { FunctionUrlRepository } from './function-urls/repository.js';
import { FunctionUrlService } from './function-urls/service.js';
import { FunctionUrlInvoker } from './function-urls/url-invoker.js';
import { ConcurrencyLeases } from './invoke/concurrency-leases.js';
import { InvokeService, type InvocationEngine } from './invoke/invoke-service.js';
import { RecordWriter } from './invoke/records.js';
import { OptDirs } from './layers/opt-dirs.js';
import { LayerPolicyService } from './layers/policy.js';
import { LayerRepository } from './layers/repository.js';
import { LayerService } from './layers/service.js';

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
  readonly eventInvokeConfigs: EventInvokeConfigService;
  /** Runs queued async events; main.ts starts it after listen and stops it first on close. */
  readonly asyncWorker: AsyncWorker;
  readonly destinations: Destinations;
  readonly functionUrls: FunctionUrlService;
  /** Serves requests to function URLs (src/http/function-url-server.ts). */
  readonly functionUrlInvoker: FunctionUrlInvoker;
  readonly layers: LayerService;
  readonly layerPolicies: LayerPolicyService;
  /** Provisioned concurrency; main.ts starts the stored configurations' environments after listen. */
  readonly provisionedConcurrency: ProvisionedConcurrencyService;
}

export interface ExecutionHooks extends InvocationEngine, ProvisioningEngine {
  retire(functionName: string, version?: string): Promise<void>;
}

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  child(bindings: object): Logger;
}

export interface ServiceOptions {
  /** Time for the async queue (event age, retry delays); tests inject one to age events at will. */
  readonly clock?: Clock;
}

export function createServices(
  config: Config, db: Db, baseUrl: () => string, engine: ExecutionHooks, logger: Logger, options: ServiceOptions = {},
): Services {
  const account = { region: config.region, accountId: config.accountId };
  const arns = new Arns(account);
  const repo = new FunctionRepository(db);
  const code = new CodeStore({ dataDir: config.dataDir });
  const hooks: FunctionHooks = {
    retire: (name, version) => void engine.retire(name, version),
    runtimeSupport: (target) => engine.support(target),
    runtimeUnsupported: (functionName, reason) =>
      logger.warn({ functionName, reason }, 'this executor cannot run the function (its runtime or container image): invokes will fail with InvalidRuntimeException'),
  };
  // Code.Location and a layer's Content.Location: the code route serves any stored digest.
  const codeUrl = (sha: string) => `${baseUrl()}/lambdalite/code/${sha}.zip`;
  const layerRepo = new LayerRepository(db);
  const optDirs = new OptDirs({ dataDir: config.dataDir, codeDir: (sha) => code.codeDir(sha) });
  const layers = new LayerService(layerRepo, code, account, codeUrl, optDirs);
  const functions = new FunctionService(repo, new DeploymentPackages(code), arns, codeUrl, hooks, layers);
  const provisionedRepo = new ProvisionedConcurrencyRepository(db);
  const concurrency = new ConcurrencyService(repo, functions, config.accountConcurrency, (except) => provisionedRepo.totalOutsideReservations(except));
  const leases = new ConcurrencyLeases(() => concurrency.unreserved(), (name) => provisionedRepo.totalFor(name));
  const records = new RecordWriter(db);
  const clock = options.clock ?? Date.now;
  const queueRepo = new QueueRepository(db);
  const events = new EventQueue(queueRepo, clock);
  const invoker = new InvokeService(functions, code, arns, leases, engine, records, config.region, events);
  const provisionedConcurrency = new ProvisionedConcurrencyService(
    provisionedRepo, repo, functions, arns, engine, (v) => invoker.spec(v), () => concurrency.unreserved(),
    logger.child({ component: 'provisioned-concurrency' }),
  );
  const destinations = new Destinations(config, config.region);
  const eventInvokeConfigs = new EventInvokeConfigService(new EventInvokeConfigRepository(db), functions, arns, account, destinations);
  const asyncWorker = new AsyncWorker({
    repo: queueRepo,
    events,
    runner: invoker,
    functions,
    configs: eventInvokeConfigs,
    destinations,
    arns,
    account,
    logger: logger.child({ component: 'async' }),
    clock,
    workers: config.asyncWorkers,
    perFunction: config.asyncFunctionConcurrency,
    retryDelayMs: config.asyncRetryDelayMs,
  });
  const functionUrls = new FunctionUrlService(new FunctionUrlRepository(db), functions, arns, account, baseUrl);
  const functionUrlInvoker = new FunctionUrlInvoker(functionUrls, invoker, {
    ...account,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  return {
    config,
    arns,
    code,
    functions,
    // An alias that moves or goes moves or stops its provisioned environments.
    aliases: new AliasService(repo, functions, arns, (name) => provisionedConcurrency.reconcileLater(name)),
    concurrency,
    tags: new TagService(repo, functions, account),
    policies: new PolicyService(repo, functions, arns),
    invoker,
    records,
    eventInvokeConfigs,
    asyncWorker,
    destinations,
    functionUrls,
    functionUrlInvoker,
    layers,
    layerPolicies: new LayerPolicyService(layerRepo, layers.arns, account),
    provisionedConcurrency,
  };
}
