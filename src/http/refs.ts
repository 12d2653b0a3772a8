// Turns the FunctionName path parameter (name, partial ARN or ARN) and an optional Qualifier into
// a function reference, the same way for every route.
import { invalidParameter } from '../errors.js';
import { parseFunctionRef, withQualifier, type FunctionRef } from '../functions/arn.js';
import type { Services } from '../services.js';

export function functionRef(services: Services, raw: string, qualifier?: string): FunctionRef {
  return withQualifier(parseFunctionRef(raw, services.config), qualifier);
}

/** For operations on the function itself, which take no qualifier. */
export function functionName(services: Services, raw: string): string {
  const ref = parseFunctionRef(raw, services.config);
  if (ref.qualifier !== undefined) {
    throw invalidParameter(`This operation does not accept a qualified function name: ${raw}`);
  }
  return ref.name;
}
