// GET /health: answers 200 once the server listens (the database is open and migrated by then), so
// a container health check or a compose `depends_on: service_healthy` can wait for it. Not an AWS
// operation; while the server closes, Fastify answers 503 here as everywhere.
import { Type } from '@sinclair/typebox';
import type { App } from '../app.js';

const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

export async function healthRoutes(app: App) {
  app.get('/health', {
    config: { operation: 'Health' },
    schema: {
      operationId: 'Health', tags: ['lambdalite'],
      description: 'Liveness of the lambdalite server (for container health checks); not an AWS Lambda operation.',
      response: { 200: Health },
    },
  }, async () => ({ status: 'ok' as const }));
}
