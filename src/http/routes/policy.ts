// AddPermission, GetPolicy, RemovePermission.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionRef } from '../refs.js';
import { Empty, FunctionNameParams, open, QualifierQuery } from '../schemas.js';

const tags = ['policy'];

export async function policyRoutes(app: App, { services }: { services: Services }) {
  const { policies } = services;

  app.post('/2015-03-31/functions/:FunctionName/policy', {
    config: { operation: 'AddPermission' },
    schema: {
      operationId: 'AddPermission', tags, params: FunctionNameParams, querystring: QualifierQuery,
      body: Type.Object({
        StatementId: Type.String(),
        Action: Type.String(),
        Principal: Type.String(),
        SourceArn: Type.Optional(Type.String()),
        SourceAccount: Type.Optional(Type.String()),
        EventSourceToken: Type.Optional(Type.String()),
        RevisionId: Type.Optional(Type.String()),
        PrincipalOrgID: Type.Optional(Type.String()),
        FunctionUrlAuthType: Type.Optional(Type.String()),
      }),
      response: { 201: open({ Statement: Type.String() }) },
    },
  }, async (req, reply) => {
    reply.code(201);
    return policies.add(functionRef(services, req.params.FunctionName, req.query.Qualifier), req.body);
  });

  app.get('/2015-03-31/functions/:FunctionName/policy', {
    config: { operation: 'GetPolicy' },
    schema: {
      operationId: 'GetPolicy', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 200: open({ Policy: Type.String(), RevisionId: Type.String() }) },
    },
  }, async (req) => policies.get(functionRef(services, req.params.FunctionName, req.query.Qualifier)));

  app.delete('/2015-03-31/functions/:FunctionName/policy/:StatementId', {
    config: { operation: 'RemovePermission' },
    schema: {
      operationId: 'RemovePermission', tags,
      params: Type.Object({ FunctionName: Type.String(), StatementId: Type.String() }),
      querystring: Type.Object({ Qualifier: Type.Optional(Type.String()), RevisionId: Type.Optional(Type.String()) }),
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    const ref = functionRef(services, req.params.FunctionName, req.query.Qualifier);
    policies.remove(ref, req.params.StatementId, req.query.RevisionId);
    reply.code(204);
  });
}
