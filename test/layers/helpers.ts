// Shared by the layer tests.

/** A custom runtime as a layer: answers each event with where it runs and a file of the function's code. */
export const SHELL_RUNTIME = [
  '#!/bin/sh',
  'set -eu',
  'API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"',
  'while true; do',
  '  curl -sS -D "$TMPDIR/headers" -o /dev/null "$API/invocation/next"',
  "  ID=$(grep -i '^lambda-runtime-aws-request-id:' \"$TMPDIR/headers\" | cut -d: -f2 | tr -d ' \\r')",
  '  BODY="{\\"bootstrap\\":\\"$0\\",\\"task\\":\\"$(cat "$LAMBDA_TASK_ROOT/function.txt")\\"}"',
  '  curl -sS -o /dev/null -X POST --data-binary "$BODY" "$API/invocation/$ID/response"',
  'done',
  '',
].join('\n');
