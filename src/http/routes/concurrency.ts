// PutFunctionConcurrency, GetFunctionConcurrency, DeleteFunctionConcurrency, GetAccountSettings.
// Note the service model's dates: Put/Delete live under 2017-10-31, Get under 2019-09-30.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionName } from '../refs.js';
import { Empty, FunctionNameParams, open } from '../schemas.js';

const tags = ['concurrency'];
const Concurrency = open({ ReservedConcurrentExecutions: Type.Optional(Type.Integer()) });

export async function concurrencyRoutes(app: App, { services }: { services: Services }) {
  const { concurrency } = services;
  const fn = (raw: string) => functionName(services, raw);

  app.put('/2017-10-31/functions/:FunctionName/concurrency', {
    config: { operation: 'PutFunctionConcurrency' },
    schema: {
      operationId: 'PutFunctionConcurrency', tags, params: FunctionNameParams,
      body: Type.Object({ ReservedConcurrentExecutions: Type.Unknown() }),
      response: { 200: Concurrency },
    },
  }, async (req) => concurrency.put(fn(req.params.FunctionName), req.body.ReservedConcurrentExecutions));

  app.get('/2019-09-30/functions/:FunctionName/concurrency', {
    config: { operation: 'GetFunctionConcurrency' },
    schema: { operationId: 'GetFunctionConcurrency', tags, params: FunctionNameParams, response: { 200: Concurrency } },
  }, async (req) => concurrency.get(fn(req.params.FunctionName)));

  app.delete('/2017-10-31/functions/:FunctionName/concurrency', {
    config: { operation: 'DeleteFunctionConcurrency' },
    schema: { operationId: 'DeleteFunctionConcurrency', tags, params: FunctionNameParams, response: { 204: Empty } },
  }, async (req, reply) => {
    concurrency.delete(fn(req.params.FunctionName));
    reply.code(204);
  });

  app.get('/2016-08-19/account-settings', {
    config: { operation: 'GetAccountSettings' },
    schema: {
      operationId: 'GetAccountSettings', tags: ['account'],
      response: {
        200: open({
          AccountLimit: open({
            TotalCodeSize: Type.Integer(), CodeSizeUnzipped: Type.Integer(), CodeSizeZipped: Type.Integer(),
            ConcurrentExecutions: Type.Integer(), UnreservedConcurrentExecutions: Type.Integer(),
          }),
          AccountUsage: open({ TotalCodeSize: Type.Integer(), FunctionCount: Type.Integer() }),
        }),
      },
    },
  }, async () => concurrency.accountSettings());
}
