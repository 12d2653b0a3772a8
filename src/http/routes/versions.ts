// PublishVersion and ListVersionsByFunction.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionName } from '../refs.js';
import { FunctionConfiguration, FunctionNameParams, open, PagingQuery } from '../schemas.js';

const tags = ['versions'];

export async function versionRoutes(app: App, { services }: { services: Services }) {
  const { functions } = services;

  app.post('/2015-03-31/functions/:FunctionName/versions', {
    config: { operation: 'PublishVersion' },
    schema: {
      operationId: 'PublishVersion', tags, params: FunctionNameParams,
      body: Type.Object({
        CodeSha256: Type.Optional(Type.String()),
        Description: Type.Optional(Type.String({ maxLength: 256 })),
        RevisionId: Type.Optional(Type.String()),
      }),
      response: { 201: FunctionConfiguration },
    },
  }, async (req, reply) => {
    reply.code(201);
    return functions.render(functions.publish(functionName(services, req.params.FunctionName), req.body));
  });

  app.get('/2015-03-31/functions/:FunctionName/versions', {
    config: { operation: 'ListVersionsByFunction' },
    schema: {
      operationId: 'ListVersionsByFunction', tags, params: FunctionNameParams, querystring: PagingQuery,
      response: { 200: open({ Versions: Type.Array(FunctionConfiguration), NextMarker: Type.Optional(Type.String()) }) },
    },
  }, async (req) => functions.listVersions(functionName(services, req.params.FunctionName), req.query));
}
