// Serves deployment packages at the URL GetFunction returns as Code.Location (on AWS a presigned S3
// URL; here lambdalite's own address).
import { Type } from '@sinclair/typebox';
import { notFound } from '../../errors.js';
import type { Services } from '../../services.js';
import type { App } from '../app.js';

export async function codeRoutes(app: App, { services }: { services: Services }) {
  app.get('/lambdalite/code/:Sha256', {
    config: { operation: 'DownloadCode' },
    schema: {
      operationId: 'DownloadCode', tags: ['lambdalite'],
      description: 'The .zip deployment package named by GetFunction Code.Location.',
      params: Type.Object({ Sha256: Type.String({ pattern: '^[0-9a-f]{64}\\.zip$' }) }),
    },
  }, async (req, reply) => {
    const hex = req.params.Sha256.slice(0, 64);
    const zip = await services.code.read(hex).catch(() => {
      throw notFound('The specified code package does not exist.');
    });
    return reply.type('application/zip').send(zip);
  });
}
