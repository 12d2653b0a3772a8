// PutFunctionEventInvokeConfig (PUT), UpdateFunctionEventInvokeConfig (POST),
// GetFunctionEventInvokeConfig, DeleteFunctionEventInvokeConfig and ListFunctionEventInvokeConfigs,
// under the service model's 2019-09-25 paths.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionName, functionRef } from '../refs.js';
import { Empty, FunctionNameParams, open, PagingQuery, QualifierQuery } from '../schemas.js';

const tags = ['event-invoke-config'];
const PATH = '/2019-09-25/functions/:FunctionName/event-invoke-config';

const Destination = Type.Object({ Destination: Type.Optional(Type.String()) });
const DestinationConfig = Type.Object({ OnSuccess: Type.Optional(Destination), OnFailure: Type.Optional(Destination) });

// The ranges are checked by the service, so out-of-range values get AWS's own messages.
const ConfigBody = Type.Object({
  MaximumRetryAttempts: Type.Optional(Type.Unknown()),
  MaximumEventAgeInSeconds: Type.Optional(Type.Unknown()),
  DestinationConfig: Type.Optional(DestinationConfig),
});

const FunctionEventInvokeConfig = open(
  {
    LastModified: Type.Number({ description: 'epoch seconds' }),
    FunctionArn: Type.String(),
    MaximumRetryAttempts: Type.Optional(Type.Integer()),
    MaximumEventAgeInSeconds: Type.Optional(Type.Integer()),
    DestinationConfig: DestinationConfig,
  },
  'FunctionEventInvokeConfig',
);

export async function eventInvokeConfigRoutes(app: App, { services }: { services: Services }) {
  const configs = services.eventInvokeConfigs;
  const ref = (raw: string, qualifier?: string) => functionRef(services, raw, qualifier);

  app.put(PATH, {
    config: { operation: 'PutFunctionEventInvokeConfig' },
    schema: {
      operationId: 'PutFunctionEventInvokeConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      body: ConfigBody, response: { 200: FunctionEventInvokeConfig },
    },
  }, async (req) => configs.put(ref(req.params.FunctionName, req.query.Qualifier), req.body ?? {}));

  app.post(PATH, {
    config: { operation: 'UpdateFunctionEventInvokeConfig' },
    schema: {
      operationId: 'UpdateFunctionEventInvokeConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      body: ConfigBody, response: { 200: FunctionEventInvokeConfig },
    },
  }, async (req) => configs.update(ref(req.params.FunctionName, req.query.Qualifier), req.body ?? {}));

  app.get(PATH, {
    config: { operation: 'GetFunctionEventInvokeConfig' },
    schema: {
      operationId: 'GetFunctionEventInvokeConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 200: FunctionEventInvokeConfig },
    },
  }, async (req) => configs.get(ref(req.params.FunctionName, req.query.Qualifier)));

  app.delete(PATH, {
    config: { operation: 'DeleteFunctionEventInvokeConfig' },
    schema: {
      operationId: 'DeleteFunctionEventInvokeConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    configs.delete(ref(req.params.FunctionName, req.query.Qualifier));
    reply.code(204);
  });

  app.get(`${PATH}/list`, {
    config: { operation: 'ListFunctionEventInvokeConfigs' },
    schema: {
      operationId: 'ListFunctionEventInvokeConfigs', tags, params: FunctionNameParams, querystring: PagingQuery,
      response: {
        200: open({ FunctionEventInvokeConfigs: Type.Array(FunctionEventInvokeConfig), NextMarker: Type.Optional(Type.String()) }),
      },
    },
  }, async (req) => configs.list(functionName(services, req.params.FunctionName), req.query));
}
