// CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions, UpdateFunctionCode,
// UpdateFunctionConfiguration, DeleteFunction — paths and status codes from the service model.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { CODE_BODY_LIMIT, type App } from '../app.js';
import { functionName, functionRef } from '../refs.js';
import {
  CodeMembers, ConfigMembers, Empty, FunctionCodeLocation, FunctionConfiguration, FunctionNameParams, open, PagingQuery,
  QualifierQuery, Tags,
} from '../schemas.js';

const tags = ['functions'];

export async function functionRoutes(app: App, { services }: { services: Services }) {
  const { functions } = services;

  app.post('/2015-03-31/functions', {
    bodyLimit: CODE_BODY_LIMIT,
    config: { operation: 'CreateFunction' },
    schema: {
      operationId: 'CreateFunction', tags,
      body: Type.Object({
        FunctionName: Type.String(),
        ...ConfigMembers,
        Code: Type.Object(CodeMembers),
        PackageType: Type.Optional(Type.String()),
        Publish: Type.Optional(Type.Boolean()),
        Architectures: Type.Optional(Type.Array(Type.String())),
        Tags: Type.Optional(Tags),
      }),
      response: { 201: FunctionConfiguration },
    },
  }, async (req, reply) => {
    const body = { ...req.body, FunctionName: functionName(services, req.body.FunctionName) };
    reply.code(201);
    return functions.create(body);
  });

  app.get('/2015-03-31/functions', {
    config: { operation: 'ListFunctions' },
    schema: {
      operationId: 'ListFunctions', tags,
      querystring: Type.Intersect([PagingQuery, Type.Object({
        FunctionVersion: Type.Optional(Type.String()),
        MasterRegion: Type.Optional(Type.String()),
      })]),
      response: { 200: open({ Functions: Type.Array(FunctionConfiguration), NextMarker: Type.Optional(Type.String()) }) },
    },
  }, async (req) => functions.list(req.query));

  app.get('/2015-03-31/functions/:FunctionName', {
    config: { operation: 'GetFunction' },
    schema: {
      operationId: 'GetFunction', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: {
        200: open({
          Configuration: FunctionConfiguration,
          Code: FunctionCodeLocation,
          Tags: Type.Optional(Tags),
          Concurrency: Type.Optional(open({ ReservedConcurrentExecutions: Type.Integer() })),
        }),
      },
    },
  }, async (req) => functions.get(functionRef(services, req.params.FunctionName, req.query.Qualifier)));

  app.get('/2015-03-31/functions/:FunctionName/configuration', {
    config: { operation: 'GetFunctionConfiguration' },
    schema: {
      operationId: 'GetFunctionConfiguration', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 200: FunctionConfiguration },
    },
  }, async (req) => functions.getConfiguration(functionRef(services, req.params.FunctionName, req.query.Qualifier)));

  app.put('/2015-03-31/functions/:FunctionName/code', {
    bodyLimit: CODE_BODY_LIMIT,
    config: { operation: 'UpdateFunctionCode' },
    schema: {
      operationId: 'UpdateFunctionCode', tags, params: FunctionNameParams,
      body: Type.Object({
        ...CodeMembers,
        Publish: Type.Optional(Type.Boolean()),
        DryRun: Type.Optional(Type.Boolean()),
        RevisionId: Type.Optional(Type.String()),
        Architectures: Type.Optional(Type.Array(Type.String())),
      }),
      response: { 200: FunctionConfiguration },
    },
  }, async (req) => functions.updateCode(functionName(services, req.params.FunctionName), req.body));

  app.put('/2015-03-31/functions/:FunctionName/configuration', {
    config: { operation: 'UpdateFunctionConfiguration' },
    schema: {
      operationId: 'UpdateFunctionConfiguration', tags, params: FunctionNameParams,
      body: Type.Object({ ...ConfigMembers, RevisionId: Type.Optional(Type.String()) }),
      response: { 200: FunctionConfiguration },
    },
  }, async (req) => functions.updateConfiguration(functionName(services, req.params.FunctionName), req.body));

  app.delete('/2015-03-31/functions/:FunctionName', {
    config: { operation: 'DeleteFunction' },
    schema: {
      operationId: 'DeleteFunction', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    functions.delete(functionRef(services, req.params.FunctionName, req.query.Qualifier));
    reply.code(204);
  });
}
