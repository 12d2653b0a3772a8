// CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionName } from '../refs.js';
import { AliasConfiguration, AliasParams, Empty, FunctionNameParams, open, PagingQuery } from '../schemas.js';

const tags = ['aliases'];
const AliasBody = {
  FunctionVersion: Type.Optional(Type.String()),
  Description: Type.Optional(Type.String()),
  RoutingConfig: Type.Optional(
    Type.Object({ AdditionalVersionWeights: Type.Optional(Type.Record(Type.String(), Type.Number())) }),
  ),
};

export async function aliasRoutes(app: App, { services }: { services: Services }) {
  const { aliases } = services;
  const fn = (raw: string) => functionName(services, raw);

  app.post('/2015-03-31/functions/:FunctionName/aliases', {
    config: { operation: 'CreateAlias' },
    schema: {
      operationId: 'CreateAlias', tags, params: FunctionNameParams,
      body: Type.Object({ Name: Type.String(), ...AliasBody }),
      response: { 201: AliasConfiguration },
    },
  }, async (req, reply) => {
    reply.code(201);
    return aliases.create(fn(req.params.FunctionName), req.body);
  });

  app.get('/2015-03-31/functions/:FunctionName/aliases', {
    config: { operation: 'ListAliases' },
    schema: {
      operationId: 'ListAliases', tags, params: FunctionNameParams,
      querystring: Type.Intersect([PagingQuery, Type.Object({ FunctionVersion: Type.Optional(Type.String()) })]),
      response: { 200: open({ Aliases: Type.Array(AliasConfiguration), NextMarker: Type.Optional(Type.String()) }) },
    },
  }, async (req) => aliases.list(fn(req.params.FunctionName), req.query));

  app.get('/2015-03-31/functions/:FunctionName/aliases/:Name', {
    config: { operation: 'GetAlias' },
    schema: { operationId: 'GetAlias', tags, params: AliasParams, response: { 200: AliasConfiguration } },
  }, async (req) => aliases.get(fn(req.params.FunctionName), req.params.Name));

  app.put('/2015-03-31/functions/:FunctionName/aliases/:Name', {
    config: { operation: 'UpdateAlias' },
    schema: {
      operationId: 'UpdateAlias', tags, params: AliasParams,
      body: Type.Object({ ...AliasBody, RevisionId: Type.Optional(Type.String()) }),
      response: { 200: AliasConfiguration },
    },
  }, async (req) => aliases.update(fn(req.params.FunctionName), req.params.Name, req.body));

  app.delete('/2015-03-31/functions/:FunctionName/aliases/:Name', {
    config: { operation: 'DeleteAlias' },
    schema: { operationId: 'DeleteAlias', tags, params: AliasParams, response: { 204: Empty } },
  }, async (req, reply) => {
    aliases.delete(fn(req.params.FunctionName), req.params.Name);
    reply.code(204);
  });
}
