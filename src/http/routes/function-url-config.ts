// CreateFunctionUrlConfig (POST, 201), GetFunctionUrlConfig, UpdateFunctionUrlConfig (PUT),
// DeleteFunctionUrlConfig (204) and ListFunctionUrlConfigs, under the service model's 2021-10-31 paths.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { Empty, FunctionNameParams, open, PagingQuery, QualifierQuery } from '../schemas.js';

const tags = ['function-url'];
const PATH = '/2021-10-31/functions/:FunctionName/url';

const Cors = Type.Object({
  AllowCredentials: Type.Optional(Type.Boolean()),
  AllowHeaders: Type.Optional(Type.Array(Type.String())),
  AllowMethods: Type.Optional(Type.Array(Type.String())),
  AllowOrigins: Type.Optional(Type.Array(Type.String())),
  ExposeHeaders: Type.Optional(Type.Array(Type.String())),
  MaxAge: Type.Optional(Type.Integer()),
});

// AuthType and InvokeMode are checked by the service, so bad values get AWS's own messages.
const ConfigBody = Type.Object({
  AuthType: Type.Optional(Type.String({ description: 'NONE or AWS_IAM (required by CreateFunctionUrlConfig)' })),
  Cors: Type.Optional(Cors),
  InvokeMode: Type.Optional(Type.String({ description: 'BUFFERED (RESPONSE_STREAM is not supported yet)' })),
});

const FunctionUrlConfig = open(
  {
    FunctionUrl: Type.String(),
    FunctionArn: Type.String(),
    AuthType: Type.String(),
    Cors: Type.Optional(Cors),
    CreationTime: Type.String(),
    LastModifiedTime: Type.Optional(Type.String()),
    InvokeMode: Type.Optional(Type.String()),
  },
  'FunctionUrlConfig',
);

export async function functionUrlConfigRoutes(app: App, { services }: { services: Services }) {
  const urls = services.functionUrls;

  app.post(PATH, {
    config: { operation: 'CreateFunctionUrlConfig' },
    schema: {
      operationId: 'CreateFunctionUrlConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      body: ConfigBody, response: { 201: FunctionUrlConfig },
    },
  }, async (req, reply) => {
    const created = urls.create(req.params.FunctionName, req.query.Qualifier, req.body ?? {});
    reply.code(201);
    return created;
  });

  app.get(PATH, {
    config: { operation: 'GetFunctionUrlConfig' },
    schema: {
      operationId: 'GetFunctionUrlConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 200: FunctionUrlConfig },
    },
  }, async (req) => urls.get(req.params.FunctionName, req.query.Qualifier));

  app.put(PATH, {
    config: { operation: 'UpdateFunctionUrlConfig' },
    schema: {
      operationId: 'UpdateFunctionUrlConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      body: ConfigBody, response: { 200: FunctionUrlConfig },
    },
  }, async (req) => urls.update(req.params.FunctionName, req.query.Qualifier, req.body ?? {}));

  app.delete(PATH, {
    config: { operation: 'DeleteFunctionUrlConfig' },
    schema: {
      operationId: 'DeleteFunctionUrlConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    urls.delete(req.params.FunctionName, req.query.Qualifier);
    reply.code(204);
  });

  app.get('/2021-10-31/functions/:FunctionName/urls', {
    config: { operation: 'ListFunctionUrlConfigs' },
    schema: {
      operationId: 'ListFunctionUrlConfigs', tags, params: FunctionNameParams, querystring: PagingQuery,
      response: {
        200: open({ FunctionUrlConfigs: Type.Array(FunctionUrlConfig), NextMarker: Type.Optional(Type.String()) }),
      },
    },
  }, async (req) => urls.list(req.params.FunctionName, req.query));
}
