#!/bin/sh
# The entrypoint of lambdalite's runtime images, with the contract of the AWS base images: the
# handler is the one argument (the image's CMD, or ImageConfig.Command), exported as _HANDLER;
# then the runtime's bootstrap replaces this shell. AWS's images start the Runtime Interface
# Emulator when AWS_LAMBDA_RUNTIME_API is unset; these have none and say so.
if [ $# -ne 1 ]; then
  echo "lambda-entrypoint.sh: expected the handler as the only argument, got $# arguments" >&2
  exit 142
fi
export _HANDLER="$1"
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  echo "lambda-entrypoint.sh: AWS_LAMBDA_RUNTIME_API is not set (this image has no runtime interface emulator; run it through lambdalite)" >&2
  exit 1
fi
exec /var/runtime/bootstrap
