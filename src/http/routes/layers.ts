// PublishLayerVersion, GetLayerVersion, GetLayerVersionByArn, ListLayers, ListLayerVersions,
// DeleteLayerVersion, AddLayerVersionPermission, GetLayerVersionPolicy, RemoveLayerVersionPermission
// — the /2018-10-31/layers paths of the service model.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import { CODE_BODY_LIMIT, type App } from '../app.js';
import { Empty, open } from '../schemas.js';

const tags = ['layers'];

const LayerParams = Type.Object({ LayerName: Type.String() });
const LayerVersionParams = Type.Object({ LayerName: Type.String(), VersionNumber: Type.String() });
const RevisionQuery = Type.Object({ RevisionId: Type.Optional(Type.String()) });
const ListQuery = {
  CompatibleRuntime: Type.Optional(Type.String()),
  CompatibleArchitecture: Type.Optional(Type.String()),
  Marker: Type.Optional(Type.String()),
  MaxItems: Type.Optional(Type.String()),
};

const Compatibility = {
  CompatibleRuntimes: Type.Optional(Type.Array(Type.String())),
  LicenseInfo: Type.Optional(Type.String()),
  CompatibleArchitectures: Type.Optional(Type.Array(Type.String())),
};
const LayerVersionsListItem = open(
  { LayerVersionArn: Type.String(), Version: Type.Integer(), Description: Type.String(), CreatedDate: Type.String(), ...Compatibility },
  'LayerVersionsListItem',
);
const LayerVersion = open(
  {
    Content: open({ Location: Type.String(), CodeSha256: Type.String(), CodeSize: Type.Integer() }),
    LayerArn: Type.String(),
    LayerVersionArn: Type.String(),
    Description: Type.String(),
    CreatedDate: Type.String(),
    Version: Type.Integer(),
    ...Compatibility,
  },
  'LayerVersion',
);
const Policy = open({ Policy: Type.String(), RevisionId: Type.String() });

export async function layerRoutes(app: App, { services }: { services: Services }) {
  const { layers, layerPolicies } = services;

  app.post('/2018-10-31/layers/:LayerName/versions', {
    bodyLimit: CODE_BODY_LIMIT,
    config: { operation: 'PublishLayerVersion' },
    schema: {
      operationId: 'PublishLayerVersion', tags, params: LayerParams,
      body: Type.Object({
        Content: Type.Optional(Type.Object({
          ZipFile: Type.Optional(Type.String({ description: 'base64 of the .zip layer archive' })),
          S3Bucket: Type.Optional(Type.String()),
          S3Key: Type.Optional(Type.String()),
          S3ObjectVersion: Type.Optional(Type.String()),
        })),
        Description: Type.Optional(Type.String()),
        CompatibleRuntimes: Type.Optional(Type.Array(Type.String())),
        LicenseInfo: Type.Optional(Type.String()),
        CompatibleArchitectures: Type.Optional(Type.Array(Type.String())),
      }),
      response: { 201: LayerVersion },
    },
  }, async (req, reply) => {
    const published = await layers.publish(req.params.LayerName, req.body);
    reply.code(201);
    return published;
  });

  app.get('/2018-10-31/layers/:LayerName/versions', {
    config: { operation: 'ListLayerVersions' },
    schema: {
      operationId: 'ListLayerVersions', tags, params: LayerParams, querystring: Type.Object(ListQuery),
      response: { 200: open({ LayerVersions: Type.Array(LayerVersionsListItem), NextMarker: Type.Optional(Type.String()) }) },
    },
  }, async (req) => layers.listVersions(req.params.LayerName, req.query));

  app.get('/2018-10-31/layers/:LayerName/versions/:VersionNumber', {
    config: { operation: 'GetLayerVersion' },
    schema: { operationId: 'GetLayerVersion', tags, params: LayerVersionParams, response: { 200: LayerVersion } },
  }, async (req) => layers.get(req.params.LayerName, req.params.VersionNumber));

  app.delete('/2018-10-31/layers/:LayerName/versions/:VersionNumber', {
    config: { operation: 'DeleteLayerVersion' },
    schema: { operationId: 'DeleteLayerVersion', tags, params: LayerVersionParams, response: { 204: Empty } },
  }, async (req, reply) => {
    layers.delete(req.params.LayerName, req.params.VersionNumber);
    reply.code(204);
  });

  // ListLayers and GetLayerVersionByArn share the path: the model's request URI of the latter is
  // `/2018-10-31/layers?find=LayerVersion`, so the `find` query decides.
  app.get('/2018-10-31/layers', {
    config: { operation: 'ListLayers' },
    schema: {
      operationId: 'ListLayers', tags,
      description: 'ListLayers; with `find=LayerVersion&Arn=<layer version ARN>` it is GetLayerVersionByArn.',
      querystring: Type.Object({ ...ListQuery, find: Type.Optional(Type.String()), Arn: Type.Optional(Type.String()) }),
      response: {
        200: Type.Union([
          open({
            Layers: Type.Array(open({ LayerName: Type.String(), LayerArn: Type.String(), LatestMatchingVersion: LayerVersionsListItem })),
            NextMarker: Type.Optional(Type.String()),
          }),
          LayerVersion,
        ]),
      },
    },
  }, async (req) => {
    if (req.query.find === 'LayerVersion') return layers.getByArn(req.query.Arn);
    return layers.list(req.query);
  });

  app.post('/2018-10-31/layers/:LayerName/versions/:VersionNumber/policy', {
    config: { operation: 'AddLayerVersionPermission' },
    schema: {
      operationId: 'AddLayerVersionPermission', tags, params: LayerVersionParams, querystring: RevisionQuery,
      body: Type.Object({
        StatementId: Type.String(),
        Action: Type.String(),
        Principal: Type.String(),
        OrganizationId: Type.Optional(Type.String()),
      }),
      response: { 201: open({ Statement: Type.String(), RevisionId: Type.String() }) },
    },
  }, async (req, reply) => {
    const added = layerPolicies.add(req.params.LayerName, req.params.VersionNumber, req.body, req.query.RevisionId);
    reply.code(201);
    return added;
  });

  app.get('/2018-10-31/layers/:LayerName/versions/:VersionNumber/policy', {
    config: { operation: 'GetLayerVersionPolicy' },
    schema: { operationId: 'GetLayerVersionPolicy', tags, params: LayerVersionParams, response: { 200: Policy } },
  }, async (req) => layerPolicies.get(req.params.LayerName, req.params.VersionNumber));

  app.delete('/2018-10-31/layers/:LayerName/versions/:VersionNumber/policy/:StatementId', {
    config: { operation: 'RemoveLayerVersionPermission' },
    schema: {
      operationId: 'RemoveLayerVersionPermission', tags,
      params: Type.Object({ LayerName: Type.String(), VersionNumber: Type.String(), StatementId: Type.String() }),
      querystring: RevisionQuery,
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    layerPolicies.remove(req.params.LayerName, req.params.VersionNumber, req.params.StatementId, req.query.RevisionId);
    reply.code(204);
  });
}
