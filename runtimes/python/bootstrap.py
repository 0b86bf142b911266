"""The Python runtime of lambda-tasks' local cloud: one function process speaking the Lambda
Runtime API (AWS_LAMBDA_RUNTIME_API) like AWS's own runtime (awslambdaric): same handler
resolution, context object, log format and error payloads.

Standard library only. HTTP is spoken over a plain socket (the Runtime API is a loopback
HTTP/1.1 server that always sends Content-Length), which keeps http.client, email and ssl out of
every cold start.

Started with LAMBDA_TASKS_POOLED=1, the process is one of the local cloud's pre-started runtimes
(src/cloud/lambda/pool.ts): it imports everything but the function, then waits for its assignment
(the function's variables and working directory) before it imports the handler.
"""

import importlib
import json
import logging
import os
import socket
import sys
import time
import traceback

BASE = "/2018-06-01/runtime"
ASSIGNMENT = "/lambda-tasks/runtime-pool/assignment"
ERROR_LOG_LINE_TERMINATE = "\r"
ERROR_LOG_IDENT = "\u00a0"  # NO-BREAK SPACE, as awslambdaric indents tracebacks in text logs


class FaultException(Exception):
    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        super().__init__(msg)
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


class RuntimeApi:
    """A keep-alive HTTP/1.1 client for the loopback Runtime API."""

    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.host = host
        self.address = (host, int(port))
        self.sock = None
        self.reader = None

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
        self.sock = None
        self.reader = None

    def exchange(self, requests):
        """Sends the requests in one write (pipelined) and reads their answers in order."""
        for attempt in (0, 1):
            if self.sock is None:
                self.sock = socket.create_connection(self.address)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.reader = self.sock.makefile("rb")
            try:
                self.sock.sendall(b"".join(self._encode(*request) for request in requests))
                return [self._read() for _ in requests]
            except (ConnectionError, OSError):
                self.close()
                if attempt:
                    raise
        raise ConnectionError("unreachable")

    def _encode(self, method, path, body=b"", headers=None):
        head = "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n" % (method, path, self.host, len(body))
        for name, value in (headers or {}).items():
            head += "%s: %s\r\n" % (name, value)
        return head.encode("latin-1", "replace") + b"\r\n" + body

    def _read(self):
        status_line = self.reader.readline()
        if not status_line:
            raise ConnectionError("the Runtime API closed the connection")
        status = int(status_line.split()[1])
        response_headers = {}
        while True:
            line = self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        length = int(response_headers.get("content-length", "0"))
        data = self.reader.read(length) if length else b""
        if response_headers.get("connection", "").lower() == "close":
            self.close()
        return status, response_headers, data

    def next(self, answer=None):
        """The next invocation; the previous one's answer, if given, goes in the same write."""
        requests = ([answer] if answer else []) + [("GET", BASE + "/invocation/next")]
        status, headers, body = self.exchange(requests)[-1]
        if status != 200:
            raise ConnectionError("GET /next answered %d: %r" % (status, body))
        return headers, body

    def post_error(self, path, error_result):
        self.exchange([error_request(path, error_result)])


def result_request(invoke_id, body, content_type):
    return ("POST", "%s/invocation/%s/response" % (BASE, invoke_id), body, {"Content-Type": content_type})


def error_request(path, error_result):
    return (
        "POST",
        path,
        to_json(error_result).encode("utf-8"),
        {"Content-Type": "application/json", "Lambda-Runtime-Function-Error-Type": error_result["errorType"]},
    )


def lost(error):
    """The Runtime API is our lifeline: without it the server is gone, so the process ends."""
    sys.__stderr__.write("lambda-tasks runtime: the Runtime API failed: %s\n" % error)
    os._exit(1)


# ---- JSON as awslambdaric writes it ----------------------------------------------------------


class Encoder(json.JSONEncoder):
    def default(self, obj):
        import decimal  # only when something is not plain JSON: keeps it out of the cold start

        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj == obj.to_integral_value() else float(obj)
        return super().default(obj)


def _runtime_version():
    try:
        return tuple(int(p) for p in os.environ.get("AWS_EXECUTION_ENV", "").split("python")[1].split("."))
    except (IndexError, ValueError):
        return sys.version_info[:2]


# As awslambdaric: python3.12 and later answer with UTF-8, earlier runtimes with \uXXXX escapes.
_encoder = Encoder(ensure_ascii=_runtime_version() < (3, 12))


def to_json(obj):
    return _encoder.encode(obj)


# ---- Logging ---------------------------------------------------------------------------------


class Unbuffered:
    """stdout/stderr flushed on every write, so output reaches the log as it happens."""

    def __init__(self, stream):
        self.stream = stream

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


_request_id = None


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        msg = self.format(record)
        if msg.endswith("\n"):
            msg = msg[:-1]
        # One log event per record: inner newlines become \r, turned back into newlines by the
        # local cloud (AWS frames each record instead).
        sys.stdout.write(msg.replace("\n", "\r") + "\n")


def setup_logging():
    logging.Formatter.converter = time.gmtime
    handler = LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        )
    )
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging._nameToLevel:
        root.setLevel(level)


def replace_line_indentation(line, indent_char, new_indent_char):
    count = len(line) - len(line.lstrip(indent_char))
    return new_indent_char * count + line[count:]


def log_error(error_result):
    description = "[ERROR]"
    if error_result.get("errorType"):
        description += " " + error_result["errorType"]
    if error_result.get("errorMessage"):
        if error_result.get("errorType"):
            description += ":"
        description += " " + error_result["errorMessage"]
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                for trace_line in element.splitlines():
                    lines.append(replace_line_indentation(trace_line, " ", ERROR_LOG_IDENT))
    sys.stdout.write(ERROR_LOG_LINE_TERMINATE.join(lines) + "\n")


# ---- Errors ----------------------------------------------------------------------------------


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def user_frames(tb):
    """The traceback without this bootstrap's own frames."""
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i, frame in enumerate(frames):
        if not frame[0].endswith("/bootstrap.py"):
            return frames[i:]
    return frames


def fault_result(exc_info, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(str(value), etype.__name__, traceback.format_list(user_frames(tb)), invoke_id)


# ---- Handler ---------------------------------------------------------------------------------


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                FaultException.BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e))
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace
        )
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname)
        )


# ---- Context ---------------------------------------------------------------------------------


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]


class ClientContext:
    __slots__ = ["custom", "env", "client"]


def make_obj_from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field, None))
    return obj


class LambdaContext:
    def __init__(self, invoke_id, client_context, cognito_identity, deadline_ms, invoked_function_arn):
        self.aws_request_id = invoke_id
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = invoked_function_arn
        self.client_context = make_obj_from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = make_obj_from_dict(Client, self.client_context.client)
        self.identity = make_obj_from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self):
        remaining = self._deadline_ms - int(time.time() * 1000)
        return remaining if remaining > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))


def parse_json_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value.encode("latin-1").decode("utf-8"))
    except Exception as e:
        raise FaultException(
            FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e))
        )


# ---- The invoke loop -------------------------------------------------------------------------


def handle(request_handler, headers, body):
    """Runs one invocation; returns the request that posts its answer (sent with the next GET /next)."""
    global _request_id
    invoke_id = headers.get("lambda-runtime-aws-request-id", "")
    _request_id = invoke_id
    trace_id = headers.get("lambda-runtime-trace-id")
    if trace_id is not None:
        os.environ["_X_AMZN_TRACE_ID"] = trace_id
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)

    error_result = None
    try:
        context = LambdaContext(
            invoke_id,
            parse_json_header(headers.get("lambda-runtime-client-context"), "Client Context"),
            parse_json_header(headers.get("lambda-runtime-cognito-identity"), "Cognito Identity"),
            int(headers.get("lambda-runtime-deadline-ms", "0")),
            headers.get("lambda-runtime-invoked-function-arn"),
        )
        try:
            event = json.loads(body)
        except Exception as e:
            raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))
        response = request_handler(event, context)
        if isinstance(response, bytes):
            result, content_type = response, "application/unknown"
        else:
            try:
                result, content_type = to_json(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        error_result = fault_result(sys.exc_info(), invoke_id)

    if error_result is not None:
        log_error(error_result)
        return error_request("%s/invocation/%s/error" % (BASE, invoke_id), error_result)
    return result_request(invoke_id, result, content_type)


def become_assigned(api):
    """A pre-started process (the local cloud's pool) gets its function's environment variables and
    working directory only now, and puts them in place as a fresh interpreter would have them:
    nothing of the waiting process's own environment stays, and PYTHONPATH's entries go where the
    interpreter's start puts them (after the script's directory, made absolute)."""
    try:
        status, _, body = api.exchange([("GET", ASSIGNMENT)])[0]
    except Exception as e:
        lost(e)
    if status != 200:
        lost(ConnectionError("the assignment answered %d: %r" % (status, body)))
    assignment = json.loads(body)
    # PEP 538: in the C locale the interpreter's start sets LC_CTYPE in its own environment. The
    # locale variables are the function's too (the pool checks), so a fresh start would set it alike.
    coerced_locale = os.environ.get("LC_CTYPE")
    os.environ.clear()
    os.environ.update(assignment["env"])
    if coerced_locale is not None and "LC_CTYPE" not in os.environ:
        os.environ["LC_CTYPE"] = coerced_locale
    os.chdir(assignment["cwd"])
    python_path = os.environ.get("PYTHONPATH", "")
    if python_path:
        sys.path[1:1] = [os.path.abspath(entry) for entry in python_path.split(os.pathsep)]
    global _encoder
    _encoder = Encoder(ensure_ascii=_runtime_version() < (3, 12))


def main():
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    if os.environ.get("LAMBDA_TASKS_POOLED") == "1":
        become_assigned(api)
    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    setup_logging()

    try:
        request_handler = get_handler(os.environ.get("_HANDLER", ""))
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace)
        log_error(error_result)
        post_init_error(api, error_result)
    except Exception:
        error_result = fault_result(sys.exc_info())
        log_error(error_result)
        post_init_error(api, error_result)

    # Each invocation's answer is posted together with the next GET /next, in one write.
    answer = None
    while True:
        try:
            headers, body = api.next(answer)
        except Exception as e:
            lost(e)
        answer = handle(request_handler, headers, body)


def post_init_error(api, error_result):
    try:
        api.post_error(BASE + "/init/error", error_result)
    except Exception as e:
        lost(e)
    sys.exit(1)


if __name__ == "__main__":
    main()
