// Builds the Fastify app of the control + invoke API: body parsing as AWS does it, the error
// handler, the OpenAPI document, and every route module.
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors.js';
import type { Services } from '../services.js';
import { errorHandler, sendAwsError } from './error-handler.js';
import { functionUrlRoutes, rewriteFunctionUrlHost } from './function-url-server.js';
import { aliasRoutes } from './routes/aliases.js';
import { codeRoutes } from './routes/code.js';
import { concurrencyRoutes } from './routes/concurrency.js';
import { eventInvokeConfigRoutes } from './routes/event-invoke-config.js';
import { functionUrlConfigRoutes } from './routes/function-url-config.js';
import { functionRoutes } from './routes/functions.js';
import { healthRoutes } from './routes/health.js';
import { invokeRoutes } from './routes/invoke.js';
import { layerRoutes } from './routes/layers.js';
import { policyRoutes } from './routes/policy.js';
import { provisionedConcurrencyRoutes } from './routes/provisioned-concurrency.js';
import { tagRoutes } from './routes/tags.js';
import { unimplementedOperation } from './routes/unimplemented.js';
import { versionRoutes } from './routes/versions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The service model's operation name, for messages and the OpenAPI document. */
    operation?: string;
    /** Keep the body as bytes (Invoke payloads) instead of parsing it as JSON. */
    rawBody?: boolean;
  }
}

export type App = FastifyInstance<any, any, any, FastifyBaseLogger, TypeBoxTypeProvider>;

// CreateFunction / UpdateFunctionCode carry up to 50 MB of zip as base64 in JSON; AWS's own
// request limit for them is 69905067 bytes.
export const CODE_BODY_LIMIT = 69905067;

export async function buildApp(services: Services, logger: FastifyBaseLogger): Promise<App> {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    genReqId: () => randomUUID(),
    // Requests whose Host names a function URL (<url-id>.lambda-url.<region>.*) go to that URL.
    rewriteUrl: rewriteFunctionUrlHost,
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: it costs more than the rest of a warm invoke's routing.
    childLoggerFactory: (logger) => logger,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-amzn-requestid', req.id);
  });

  // AWS parses the body as JSON whatever the Content-Type says; Invoke keeps the bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => {
    const buf = body as Buffer;
    if (req.routeOptions.config.rawBody) return done(null, buf);
    if (buf.length === 0) return done(null, {});
    try {
      done(null, JSON.parse(buf.toString('utf8')));
    } catch (err) {
      done(new AwsError('InvalidRequestContentException', `Could not parse request body into json: ${(err as Error).message}`), undefined);
    }
  });
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => sendAwsError(unimplementedOperation(req.method, req.url), reply));

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'lambdalite',
        description: 'The AWS Lambda API operations lambdalite implements (restJson1, as in botocore\'s Lambda service model).',
        version: '2015-03-31',
      },
    },
    hideUntagged: false,
  });

  for (const routes of [functionRoutes, versionRoutes, aliasRoutes, concurrencyRoutes, tagRoutes, policyRoutes, codeRoutes, invokeRoutes, eventInvokeConfigRoutes, functionUrlConfigRoutes, functionUrlRoutes, layerRoutes, provisionedConcurrencyRoutes]) {
    await app.register(routes, { services });
  }
  await app.register(healthRoutes);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
