// Invoke: POST /2015-03-31/functions/{FunctionName}/invocations. The payload is passed on as bytes.
// InvokeAsync (deprecated, still in the model): POST /2014-11-13/functions/{FunctionName}/invoke-async/,
// an Event invocation by another name.
import { Type } from '@sinclair/typebox';
import { MAX_ASYNC_PAYLOAD_BYTES } from '../../events/event-queue.js';
import type { Services } from '../../services.js';
import type { App } from '../app.js';
import { functionRef } from '../refs.js';
import { FunctionNameParams, QualifierQuery } from '../schemas.js';

// "Invoke" in the API reference: 6 MB request payload for synchronous invocations.
const INVOKE_BODY_LIMIT = 6291456;

export async function invokeRoutes(app: App, { services }: { services: Services }) {
  app.post('/2015-03-31/functions/:FunctionName/invocations', {
    bodyLimit: INVOKE_BODY_LIMIT,
    config: { operation: 'InvokeFunction', rawBody: true },
    schema: {
      operationId: 'Invoke', tags: ['invoke'],
      description: 'Runs the function. The request body is the event (JSON); the response body is the function result.',
      params: FunctionNameParams,
      querystring: QualifierQuery,
      headers: Type.Object({
        'x-amz-invocation-type': Type.Optional(Type.String()),
        'x-amz-log-type': Type.Optional(Type.String()),
        'x-amz-client-context': Type.Optional(Type.String()),
      }),
    },
  }, async (req, reply) => {
    const out = await services.invoker.invoke({
      ref: functionRef(services, req.params.FunctionName, req.query.Qualifier),
      invocationType: req.headers['x-amz-invocation-type'],
      logType: req.headers['x-amz-log-type'],
      clientContext: req.headers['x-amz-client-context'],
      payload: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      requestId: req.id,
    });
    reply.code(out.statusCode);
    if (out.executedVersion !== undefined) reply.header('x-amz-executed-version', out.executedVersion);
    if (out.functionError) reply.header('x-amz-function-error', out.functionError);
    if (out.logResult !== undefined) reply.header('x-amz-log-result', out.logResult);
    if (out.payload === undefined) return reply.send();
    return reply.type('application/json').send(out.payload);
  });

  app.post('/2014-11-13/functions/:FunctionName/invoke-async', {
    bodyLimit: MAX_ASYNC_PAYLOAD_BYTES,
    config: { operation: 'InvokeAsync', rawBody: true },
    schema: {
      operationId: 'InvokeAsync', tags: ['invoke'],
      description: 'Deprecated: queues the event for an asynchronous run, as Invoke with X-Amz-Invocation-Type: Event does.',
      params: FunctionNameParams,
      response: { 202: Type.Object({ Status: Type.Integer() }) },
    },
  }, async (req, reply) => {
    await services.invoker.invoke({
      ref: functionRef(services, req.params.FunctionName),
      invocationType: 'Event',
      logType: undefined,
      clientContext: undefined,
      payload: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      requestId: req.id,
    });
    reply.code(202);
    return { Status: 202 };
  });
}
