// The one place where errors become HTTP responses, in AWS's restJson1 error shape: the
// `x-amzn-ErrorType` header names the error and the JSON body carries `Type` and the message.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AwsError, type ErrorName } from '../errors.js';

/** Fastify's own error codes, mapped to the AWS errors a Lambda client understands. */
const FASTIFY_ERRORS: Record<string, (err: FastifyError, req: FastifyRequest) => AwsError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_err, req) =>
    new AwsError(
      'RequestTooLargeException',
      `Request must be smaller than ${req.routeOptions.bodyLimit} bytes for the ${req.routeOptions.config.operation ?? 'this'} operation`,
    ),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (err) => new AwsError('UnsupportedMediaTypeException', err.message),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new AwsError('InvalidRequestContentException', 'Could not parse request body into json: empty body'),
};

export function toAwsError(err: FastifyError | Error, req: FastifyRequest): AwsError {
  if (err instanceof AwsError) return err;
  const fe = err as FastifyError;
  if (fe.validation && fe.validation.length > 0) {
    const v = fe.validation[0]!;
    const field = `${fe.validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`;
    return new AwsError('ValidationException', `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member ${v.message ?? 'is invalid'}`);
  }
  const mapped = fe.code ? FASTIFY_ERRORS[fe.code] : undefined;
  if (mapped) return mapped(fe, req);
  return new AwsError('ServiceException', 'lambdalite hit an internal error; see the server log for details.');
}

export function sendAwsError(err: AwsError, reply: FastifyReply): FastifyReply {
  return reply
    .code(err.status)
    .headers({ 'x-amzn-errortype': err.type satisfies ErrorName, ...err.headers })
    .type('application/json')
    .send(JSON.stringify(err.body()));
}

export function errorHandler(this: unknown, err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const aws = toAwsError(err, req);
  if (aws.status >= 500 && !(err instanceof AwsError)) req.log.error({ err }, 'unhandled error');
  return sendAwsError(aws, reply);
}
