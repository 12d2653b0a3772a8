// openapi/openapi.json is generated from the route schemas (`npm run openapi`); this fails when it
// is stale, and checks the served copy at GET /openapi.json is the same document.
import { readFileSync } from 'node:fs';
import t from 'tap';
import { startTestServer } from './helpers/server.js';

t.test('the committed OpenAPI document matches the routes', async (t) => {
  const { server } = await startTestServer(t);
  const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8'));
  const generated = JSON.parse(JSON.stringify(server.app.swagger()));
  t.same(committed, generated, 'openapi/openapi.json is stale: run `npm run openapi` and commit it');
  const served = await (await fetch(`${server.url}/openapi.json`)).json();
  t.same(served, generated);
  const operations = Object.values(generated.paths as Record<string, Record<string, { operationId: string }>>)
    .flatMap((methods) => Object.values(methods).map((m) => m.operationId));
  for (const op of ['CreateFunction', 'GetFunction', 'ListFunctions', 'PublishVersion', 'CreateAlias', 'PutFunctionConcurrency', 'AddPermission', 'TagResource']) {
    t.ok(operations.includes(op), `${op} is documented`);
  }
});
