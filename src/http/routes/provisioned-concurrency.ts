// PutProvisionedConcurrencyConfig, GetProvisionedConcurrencyConfig,
// DeleteProvisionedConcurrencyConfig and ListProvisionedConcurrencyConfigs, under the service
// model's 2019-09-30 path.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionName, functionRef } from '../refs.js';
import { Empty, FunctionNameParams, open, QualifierQuery } from '../schemas.js';

const tags = ['provisioned-concurrency'];
const PATH = '/2019-09-30/functions/:FunctionName/provisioned-concurrency';

const Members = {
  RequestedProvisionedConcurrentExecutions: Type.Integer(),
  AvailableProvisionedConcurrentExecutions: Type.Integer(),
  AllocatedProvisionedConcurrentExecutions: Type.Integer(),
  Status: Type.Union([Type.Literal('IN_PROGRESS'), Type.Literal('READY'), Type.Literal('FAILED')]),
  StatusReason: Type.Optional(Type.String()),
  LastModified: Type.String(),
};
const ProvisionedConcurrencyConfig = open(Members, 'ProvisionedConcurrencyConfig');
const ProvisionedConcurrencyConfigListItem = open({ FunctionArn: Type.String(), ...Members }, 'ProvisionedConcurrencyConfigListItem');

export async function provisionedConcurrencyRoutes(app: App, { services }: { services: Services }) {
  const provisioned = services.provisionedConcurrency;
  const ref = (raw: string, qualifier?: string) => functionRef(services, raw, qualifier);

  app.put(PATH, {
    config: { operation: 'PutProvisionedConcurrencyConfig' },
    schema: {
      operationId: 'PutProvisionedConcurrencyConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      // The range is checked by the service, so a bad value gets AWS's own message.
      body: Type.Object({ ProvisionedConcurrentExecutions: Type.Optional(Type.Unknown()) }),
      response: { 202: ProvisionedConcurrencyConfig },
    },
  }, async (req, reply) => {
    const config = provisioned.put(ref(req.params.FunctionName, req.query.Qualifier), req.body?.ProvisionedConcurrentExecutions);
    reply.code(202);
    return config;
  });

  // GetProvisionedConcurrencyConfig and ListProvisionedConcurrencyConfigs share the path: the
  // model's request URI of the latter is `...provisioned-concurrency?List=ALL`, so `List` decides.
  app.get(PATH, {
    config: { operation: 'GetProvisionedConcurrencyConfig' },
    schema: {
      operationId: 'GetProvisionedConcurrencyConfig', tags, params: FunctionNameParams,
      description: 'GetProvisionedConcurrencyConfig; with `List=ALL` it is ListProvisionedConcurrencyConfigs.',
      querystring: Type.Object({
        Qualifier: Type.Optional(Type.String()),
        List: Type.Optional(Type.String()),
        Marker: Type.Optional(Type.String()),
        MaxItems: Type.Optional(Type.String()),
      }),
      response: {
        200: Type.Union([
          ProvisionedConcurrencyConfig,
          open({ ProvisionedConcurrencyConfigs: Type.Array(ProvisionedConcurrencyConfigListItem), NextMarker: Type.Optional(Type.String()) }),
        ]),
      },
    },
  }, async (req) => {
    if (req.query.List === 'ALL') return provisioned.list(functionName(services, req.params.FunctionName), req.query);
    return provisioned.get(ref(req.params.FunctionName, req.query.Qualifier));
  });

  app.delete(PATH, {
    config: { operation: 'DeleteProvisionedConcurrencyConfig' },
    schema: {
      operationId: 'DeleteProvisionedConcurrencyConfig', tags, params: FunctionNameParams, querystring: QualifierQuery,
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    provisioned.delete(ref(req.params.FunctionName, req.query.Qualifier));
    reply.code(204);
  });
}
