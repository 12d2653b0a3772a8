// TagResource, UntagResource, ListTags on /2017-03-31/tags/{Resource}.
import { Type } from '@sinclair/typebox';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { Empty, open, Tags } from '../schemas.js';

const tags = ['tags'];
const ResourceParams = Type.Object({ Resource: Type.String() });

export async function tagRoutes(app: App, { services }: { services: Services }) {
  app.get('/2017-03-31/tags/:Resource', {
    config: { operation: 'ListTags' },
    schema: { operationId: 'ListTags', tags, params: ResourceParams, response: { 200: open({ Tags: Tags }) } },
  }, async (req) => services.tags.list(req.params.Resource));

  app.post('/2017-03-31/tags/:Resource', {
    config: { operation: 'TagResource' },
    schema: {
      operationId: 'TagResource', tags, params: ResourceParams,
      body: Type.Object({ Tags: Tags }), response: { 204: Empty },
    },
  }, async (req, reply) => {
    services.tags.tag(req.params.Resource, req.body.Tags);
    reply.code(204);
  });

  app.delete('/2017-03-31/tags/:Resource', {
    config: { operation: 'UntagResource' },
    schema: {
      operationId: 'UntagResource', tags, params: ResourceParams,
      // The SDK sends repeated `tagKeys` query parameters.
      querystring: Type.Object({ tagKeys: Type.Union([Type.Array(Type.String()), Type.String()]) }),
      response: { 204: Empty },
    },
  }, async (req, reply) => {
    const keys = Array.isArray(req.query.tagKeys) ? req.query.tagKeys : [req.query.tagKeys];
    services.tags.untag(req.params.Resource, keys);
    reply.code(204);
  });
}
