"""lambdalite's Python runtime client (standard library only, Python 3.9+).

Loads ``_HANDLER`` from ``LAMBDA_TASK_ROOT`` and serves the Lambda Runtime API 2018-06-01 loop:
GET /invocation/next -> POST /invocation/{id}/response | /invocation/{id}/error, and
POST /init/error (then exit 1) when the handler can't be loaded. What a user can observe follows
AWS's Python runtime interface client (awslambdaric): error types and messages, the error body
``{errorMessage, errorType, requestId, stackTrace}``, the context object, the ``[ERROR]`` record
for failures and the ``[LEVEL]\\t<time>\\t<request id>\\t<message>`` logging format.

Started as ``python3 <lambdalite>/src/runtimes/python/bootstrap.py`` with the standard Lambda
environment (``AWS_LAMBDA_RUNTIME_API``, ``_HANDLER``, ``LAMBDA_TASK_ROOT``, ...), or as a zygote
(``LAMBDALITE_ZYGOTE=1``, src/execution/zygote-pool.ts): booted and its modules imported ahead of
time, it reads its function's environment and working directory from file descriptor 3, then runs
exactly as if started with them.
"""
import importlib
import io
import json
import logging
import os
import socket
import sys
import time
import traceback
from urllib.parse import quote

BASE = "/2018-06-01/runtime"
NBSP = "\u00a0"  # AWS indents traceback lines in the [ERROR] record with no-break spaces

_request_id = None  # the invocation being served, for log records


class Fault(Exception):
    """A failure the runtime names itself (Runtime.*), as opposed to one raised by user code."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


class Headers(dict):
    """Response headers by lower-case name; get() takes any case, as http.client's do."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)


class RuntimeApi:
    """One keep-alive HTTP/1.1 connection to the Runtime API, spoken directly on a socket:
    http.client parses every response's headers with the email package, which cost more per warm
    invoke than the handler and the server together. Bodies come with a Content-Length (as
    lambdalite's Runtime API sends them) or chunked."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host, self.port = host.strip("[]"), int(port)
        self.sock = None
        self.buffer = b""

    def _request(self, method, path, body=None, headers=None):
        head = "%s %s%s HTTP/1.1\r\nHost: %s:%d\r\n" % (method, BASE, path, self.host, self.port)
        for name, value in (headers or {}).items():
            head += "%s: %s\r\n" % (name, value)
        if body is not None:
            head += "Content-Length: %d\r\n" % len(body)
        return head.encode("latin-1") + b"\r\n" + (body or b"")

    def _call(self, *requests):
        """Sends the requests in one write (pipelined) and returns the last one's reply."""
        data = b"".join(requests)
        for attempt in (1, 2):
            reused = self.sock is not None
            try:
                if self.sock is None:
                    self.sock = socket.create_connection((self.host, self.port))
                    # Small request, small answer, every invoke: Nagle's wait is pure latency.
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self.buffer = b""
                self.sock.sendall(data)
                for _ in requests:
                    reply = self._receive()
                return reply
            except (ConnectionError, EOFError):
                # The server closed the idle keep-alive connection: retry once on a new one.
                self.sock.close()
                self.sock = None
                if attempt == 2 or not reused:
                    raise

    def _read_until(self, marker, start=0):
        while True:
            at = self.buffer.find(marker, start)
            if at >= 0:
                return at
            self._fill()

    def _read_bytes(self, count):
        while len(self.buffer) < count:
            self._fill()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the Runtime API closed the connection")
        self.buffer += chunk

    def _take(self, end):
        data, self.buffer = self.buffer[:end], self.buffer[end:]
        return data

    def _receive(self):
        head_end = self._read_until(b"\r\n\r\n")
        lines = self._take(head_end + 4)[:-4].decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = Headers()
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                line_end = self._read_until(b"\r\n")
                size = int(self._take(line_end + 2)[:-2].split(b";")[0], 16)
                self._read_bytes(size + 2)
                parts.append(self._take(size + 2)[:-2])
                if size == 0:
                    return status, headers, b"".join(parts)
        length = int(headers.get("Content-Length", "0"))
        self._read_bytes(length)
        return status, headers, self._take(length)

    def next(self, *answer):
        """GET /next, right behind `answer` (a response or error request) when there is one: the
        runtime then waits one round trip per invoke, not two."""
        status, headers, body = self._call(*answer, self._request("GET", "/invocation/next"))
        if status != 200:
            raise RuntimeError("GET /invocation/next answered %s: %r" % (status, body))
        return headers, body

    def result_request(self, request_id, payload, content_type):
        path = "/invocation/%s/response" % quote(request_id, safe="")
        return self._request("POST", path, payload, {"Content-Type": content_type})

    def error_request(self, request_id, error):
        return self._error_request("/invocation/%s/error" % quote(request_id, safe=""), error)

    def post_init_error(self, error):
        self._call(self._error_request("/init/error", error))

    def _error_request(self, path, error):
        headers = {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error["errorType"]}
        return self._request("POST", path, json.dumps(error).encode("utf-8"), headers)


# --- the context object, field for field as awslambdaric builds it


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")


class Client:
    __slots__ = ("installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name")


class ClientContext:
    __slots__ = ("custom", "env", "client")


def _from_dict(cls, data):
    if data is None:
        return None
    obj = cls()
    for name in cls.__slots__:
        setattr(obj, name, data.get(name))
    return obj


def _parse_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault("Runtime.LambdaContextUnmarshalError", "Unable to parse {} JSON: {}".format(name, e))


class LambdaContext:
    def __init__(self, request_id, headers):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        # A string, exactly as on AWS (awslambdaric reads it from the environment unconverted).
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.client_context = _from_dict(ClientContext, _parse_header(
            headers.get("Lambda-Runtime-Client-Context"), "Client Context"))
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        identity = _parse_header(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity")
        self.identity = _from_dict(CognitoIdentity, {})
        if identity is not None:
            self.identity.cognito_identity_id = identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = identity.get("cognitoIdentityPoolId")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return "LambdaContext([aws_request_id={},function_name={},function_version={}])".format(
            self.aws_request_id, self.function_name, self.function_version)


# --- loading the handler: `module.fn`, `pkg.module.fn` or `pkg/module.fn` (last dot splits)


def load_handler(spec):
    try:
        module_name, function_name = spec.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(spec, e))
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict",
                    "Cannot use built-in module {} as a handler module".format(module_name))
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(module_name, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(module_name, e), trace)
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(function_name, module_name))


# --- errors: the body the Runtime API receives, and the [ERROR] record in the log


def make_error(message, error_type, stack_trace, request_id=None):
    return {"errorMessage": message or "", "errorType": error_type or "",
            "requestId": request_id or "", "stackTrace": stack_trace or []}


def error_from_exception(exc, request_id=None):
    frames = traceback.extract_tb(exc.__traceback__)
    # Drop this file's leading frames, as awslambdaric drops those of its bootstrap.py.
    first_user = next((i for i, f in enumerate(frames) if not f.filename.endswith("/bootstrap.py")), 0)
    frames = frames[first_user:]
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(error):
    line = "[ERROR]"
    if error["errorType"]:
        line += " " + error["errorType"] + (":" if error["errorMessage"] else "")
    if error["errorMessage"]:
        line += " " + error["errorMessage"]
    lines = [line, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for frame_line in element.splitlines() or [""]:
            stripped = frame_line.lstrip(" ")
            lines.append(NBSP * (len(frame_line) - len(stripped)) + stripped)
    # One record: lines joined with \r so the log keeps it together, as AWS's text sink does.
    sys.stdout.write("\r".join(lines) + "\n")


# --- marshalling


def _json_default(obj):
    decimal = sys.modules.get("decimal")  # only loaded if user code uses it
    if decimal is not None and isinstance(obj, decimal.Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


def unmarshal(body, content_type):
    if content_type and content_type.split(";")[0].strip() != "application/json":
        return body
    try:
        return json.loads(body)
    except Exception as e:
        raise Fault("Runtime.UnmarshalError", "Unable to unmarshal input: {}".format(e))


def marshal(result):
    if isinstance(result, bytes):
        return result, "application/unknown"
    try:
        return json.dumps(result, default=_json_default).encode("utf-8"), "application/json"
    except Exception as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: {}".format(e))


# --- logging and stdio


class _StdoutHandler(logging.Handler):
    def emit(self, record):
        try:
            record.aws_request_id = _request_id or ""
            sys.stdout.write(self.format(record))
        except Exception:
            self.handleError(record)


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = _StdoutHandler()
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
    root = logging.getLogger()
    root.addHandler(handler)
    # As on AWS the root level stays WARNING unless LoggingConfig sets AWS_LAMBDA_LOG_LEVEL.
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    level = {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}.get(level, level)
    if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        root.setLevel(level)


def _unbuffered(stream):
    # What `python -u` does: unbuffered bytes, write-through text, so output is seen at once.
    try:
        stream.flush()
        raw = io.FileIO(stream.fileno(), "w", closefd=False)
    except (AttributeError, OSError, ValueError):
        return stream
    return io.TextIOWrapper(raw, encoding="utf-8", errors="backslashreplace", write_through=True)


# --- the loop


_output_mark = None  # LAMBDALITE_OUTPUT_MARK, given in containers


def mark_output(request_id):
    # In a container, output travels apart from the Runtime API: before each answer, a mark on
    # stdout (where the container's stderr goes too) tells the server that the invocation's output
    # is all in (src/execution/output-marks.ts).
    if _output_mark is None:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        os.write(1, "\0{} {}\0".format(_output_mark, request_id).encode())
    except Exception:
        pass


def handle(api, handler, headers, body):
    """Runs one invocation; returns the request that answers it."""
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id") or ""
    try:
        context = LambdaContext(request_id, headers)
        result = handler(unmarshal(body, headers.get("Content-Type")), context)
        payload, content_type = marshal(result)
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, request_id)
    except Exception as exc:
        error = error_from_exception(exc, request_id)
    else:
        return api.result_request(request_id, payload, content_type)
    log_error(error)
    return api.error_request(request_id, error)


def become_assigned():
    """A zygote's assignment: the whole environment (nothing of the boot one stays) and the cwd.
    The pipe closing without one means the server is gone: exit quietly."""
    with os.fdopen(3, "rb") as pipe:
        data = pipe.read()
    try:
        assignment = json.loads(data)
    except ValueError:
        sys.exit(0)
    os.environ.clear()
    os.environ.update(assignment["env"])
    time.tzset()
    os.chdir(assignment["cwd"])


def main():
    global _request_id, _output_mark
    if os.environ.get("LAMBDALITE_ZYGOTE") == "1":
        become_assigned()
    _output_mark = os.environ.pop("LAMBDALITE_OUTPUT_MARK", None)
    sys.stdout, sys.stderr = _unbuffered(sys.stdout), _unbuffered(sys.stderr)
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    # The task root comes first on sys.path; this script's own folder is not user code.
    here = os.path.dirname(os.path.realpath(__file__))
    if sys.path and os.path.realpath(sys.path[0] or os.getcwd()) == here:
        del sys.path[0]
    sys.path.insert(0, task_root)
    setup_logging()
    api = RuntimeApi(os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"))
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace)
    except Exception as exc:  # raised by the module body while importing
        error = error_from_exception(exc)
    else:
        error = None
    if error is not None:
        log_error(error)
        try:
            api.post_init_error(error)
        finally:
            sys.exit(1)
    answer = ()
    while True:
        headers, body = api.next(*answer)
        _request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        trace_id = headers.get("Lambda-Runtime-Trace-Id")
        if trace_id:
            os.environ["_X_AMZN_TRACE_ID"] = trace_id
        else:
            os.environ.pop("_X_AMZN_TRACE_ID", None)
        answer = (handle(api, handler, headers, body),)
        mark_output(_request_id or "")


if __name__ == "__main__":
    main()
