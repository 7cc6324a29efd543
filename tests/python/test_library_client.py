#!/usr/bin/python3
"""A third-party client test: Debian's Python grpcio against the Allies server.

Generates Python stubs from the .proto files into a temporary directory, starts
a private MariaDB (tools/dbctl) and the server, and runs unittest cases over a
real gRPC channel: health, reflection, LibraryService CRUD with Cyrillic data,
the google.rpc.Status error details, partners, contacts and agreements, and a
minor volunteer under the consent ledger with its volunteer agreements, volunteer
shifts and hours, a supervisory board meeting from notice to approved minutes and a
reader council.

Usage (as ctest runs it):
  /usr/bin/python3 tests/python/test_library_client.py --server-bin BUILD/bin/allies-server \
      --dbctl REPO/tools/dbctl --proto-dir REPO/proto \
      --googleapis-dir /usr/share/gocode/src/github.com/gogo/googleapis \
      --grpc-proto-dir /usr/share/grpc-proto [unittest arguments, e.g. -v or a test name]

The server, the database and the temporary directory are always cleaned up;
the exit code is non-zero when any test fails.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import unittest
import uuid

# Filled in by main() before the tests run.
ENV = None

HEALTH_TIMEOUT_S = 60
RPC_TIMEOUT_S = 10

PROTO_FILES_WITH_SERVICES = [
    "allies/v1/library.proto",
    "allies/v1/api_key.proto",
    "allies/v1/activity.proto",
    "allies/v1/change_stream.proto",
    "allies/v1/partner.proto",
    "allies/v1/contact.proto",
    "allies/v1/agreement.proto",
    "allies/v1/consent.proto",
    "allies/v1/volunteer.proto",
    "allies/v1/project.proto",
    "allies/v1/supervisory_board.proto",
    "allies/v1/reader_council.proto",
    "grpc/health/v1/health.proto",
    "grpc/reflection/v1alpha/reflection.proto",
]
PROTO_FILES = PROTO_FILES_WITH_SERVICES + [
    "allies/v1/options.proto",
    "allies/v1/governance.proto",
    "google/rpc/status.proto",
    "google/rpc/error_details.proto",
    "google/type/date.proto",
    "google/type/money.proto",
]


def log(message):
    print("[test_library_client] " + message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Stubs


def generate_stubs(out_dir, args):
    """Generates *_pb2.py and *_pb2_grpc.py for PROTO_FILES into out_dir.

    Debian's grpc_tools is old (1.14, bundling protoc 3.5): its --python_out
    does not produce code that protobuf 3.21 (python3-protobuf 4.21) accepts,
    so messages come from the system protoc (3.21) and only the service stubs
    (which are plain Python over grpcio's public API) from grpc_tools.
    """
    includes = [
        "-I" + args.proto_dir,
        "-I" + args.googleapis_dir,
        "-I" + args.grpc_proto_dir,
        "-I/usr/include",  # google/protobuf/*.proto (well-known types).
    ]
    commands = [
        [args.protoc] + includes + ["--python_out=" + out_dir] + PROTO_FILES,
        [sys.executable, "-m", "grpc_tools.protoc"] + includes +
        ["--grpc_python_out=" + out_dir] + PROTO_FILES_WITH_SERVICES,
    ]
    for command in commands:
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        if result.returncode != 0:
            raise RuntimeError("stub generation failed: %s\n%s" %
                               (" ".join(command), result.stdout))


def die_with_parent():
    """In the child: get SIGKILL when this test process dies, so no server outlives it."""
    import ctypes
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class Stubs:
    """The generated modules, imported from the stub directory."""

    def __init__(self, stub_dir):
        sys.path.insert(0, stub_dir)
        import grpc
        # The generated grpc/health/... and grpc/reflection/... modules live in
        # the "grpc" package, which is grpcio's (a regular package): extend its
        # search path so that "grpc.health.v1" resolves into stub_dir.
        grpc.__path__.append(os.path.join(stub_dir, "grpc"))
        from allies.v1 import activity_pb2, activity_pb2_grpc, library_pb2, library_pb2_grpc
        from allies.v1 import api_key_pb2, api_key_pb2_grpc
        from allies.v1 import change_stream_pb2, change_stream_pb2_grpc
        from allies.v1 import agreement_pb2, agreement_pb2_grpc, contact_pb2, contact_pb2_grpc
        from allies.v1 import partner_pb2, partner_pb2_grpc
        from allies.v1 import consent_pb2, consent_pb2_grpc, volunteer_pb2, volunteer_pb2_grpc
        from allies.v1 import project_pb2, project_pb2_grpc
        from allies.v1 import governance_pb2, reader_council_pb2, reader_council_pb2_grpc
        from allies.v1 import supervisory_board_pb2, supervisory_board_pb2_grpc
        from google.type import date_pb2, money_pb2
        from google.protobuf import descriptor_pb2, field_mask_pb2
        from google.rpc import error_details_pb2, status_pb2
        from grpc.health.v1 import health_pb2, health_pb2_grpc
        from grpc.reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
        self.grpc = grpc
        self.library_pb2 = library_pb2
        self.library_pb2_grpc = library_pb2_grpc
        self.activity_pb2 = activity_pb2
        self.activity_pb2_grpc = activity_pb2_grpc
        self.api_key_pb2 = api_key_pb2
        self.change_stream_pb2 = change_stream_pb2
        self.change_stream_pb2_grpc = change_stream_pb2_grpc
        self.api_key_pb2_grpc = api_key_pb2_grpc
        self.partner_pb2 = partner_pb2
        self.partner_pb2_grpc = partner_pb2_grpc
        self.contact_pb2 = contact_pb2
        self.contact_pb2_grpc = contact_pb2_grpc
        self.agreement_pb2 = agreement_pb2
        self.agreement_pb2_grpc = agreement_pb2_grpc
        self.consent_pb2 = consent_pb2
        self.consent_pb2_grpc = consent_pb2_grpc
        self.volunteer_pb2 = volunteer_pb2
        self.volunteer_pb2_grpc = volunteer_pb2_grpc
        self.project_pb2 = project_pb2
        self.project_pb2_grpc = project_pb2_grpc
        self.governance_pb2 = governance_pb2
        self.supervisory_board_pb2 = supervisory_board_pb2
        self.supervisory_board_pb2_grpc = supervisory_board_pb2_grpc
        self.reader_council_pb2 = reader_council_pb2
        self.reader_council_pb2_grpc = reader_council_pb2_grpc
        self.date_pb2 = date_pb2
        self.money_pb2 = money_pb2
        self.descriptor_pb2 = descriptor_pb2
        self.field_mask_pb2 = field_mask_pb2
        self.status_pb2 = status_pb2
        self.error_details_pb2 = error_details_pb2
        self.health_pb2 = health_pb2
        self.health_pb2_grpc = health_pb2_grpc
        self.reflection_pb2 = reflection_pb2
        self.reflection_pb2_grpc = reflection_pb2_grpc


# ---------------------------------------------------------------------------
# Database and server


def read_env_file(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                line = line[len("export "):]
            key, sep, value = line.partition("=")
            if not sep:
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            env[key.strip()] = value
    return env


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path, lines=60):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def bearer_interceptor(grpc, key):
    """An interceptor adding "authorization: Bearer <key>" to every call (unary and
    server-streaming), as a client library would."""
    import collections

    class CallDetails(collections.namedtuple(
            "CallDetails", ("method", "timeout", "metadata", "credentials", "wait_for_ready",
                            "compression")), grpc.ClientCallDetails):
        pass

    class BearerInterceptor(grpc.UnaryUnaryClientInterceptor,
                            grpc.UnaryStreamClientInterceptor):
        def intercept_unary_unary(self, continuation, details, request):
            metadata = list(details.metadata or []) + [("authorization", "Bearer " + key)]
            return continuation(CallDetails(details.method, details.timeout, metadata,
                                            details.credentials, details.wait_for_ready,
                                            details.compression), request)

        def intercept_unary_stream(self, continuation, details, request):
            return self.intercept_unary_unary(continuation, details, request)

    return BearerInterceptor()


class Environment:
    """Owns the temporary directory, the database and the server."""

    def __init__(self, args):
        self.args = args
        self.tmp_dir = tempfile.mkdtemp(prefix="allies-pyclient-")
        # The database's unix socket path must fit in sockaddr_un (107 bytes).
        if len(os.path.join(self.tmp_dir, "db", "mysqld.sock")) > 100:
            os.rmdir(self.tmp_dir)
            self.tmp_dir = tempfile.mkdtemp(prefix="allies-pyclient-", dir="/tmp")
        self.db_dir = os.path.join(self.tmp_dir, "db")
        self.server_log_path = os.path.join(self.tmp_dir, "server.log")
        self.db_started = False
        self.server = None
        self.server_log = None
        self.channel = None
        self.stubs = None
        self.address = None

    def start(self):
        stub_dir = os.path.join(self.tmp_dir, "stubs")
        os.mkdir(stub_dir)
        generate_stubs(stub_dir, self.args)
        self.stubs = Stubs(stub_dir)

        log("starting the database in " + self.db_dir)
        self.db_started = True  # Stop it even if start fails half-way.
        subprocess.run([self.args.dbctl, "start", self.db_dir, "--fast"], check=True,
                       timeout=300)
        db_env = read_env_file(os.path.join(self.db_dir, "env"))
        for key in ("ALLIES_DB_SOCKET", "ALLIES_DB_USER", "ALLIES_DB_NAME"):
            if key not in db_env:
                raise RuntimeError("%s missing from %s/env" % (key, self.db_dir))

        self.address = "127.0.0.1:%d" % free_port()
        env = dict(os.environ)
        env.update(db_env)
        # As on a first start: migrate, and get the administrator's key from the key file.
        key_file = os.path.join(self.tmp_dir, "admin.key")
        subprocess.run([self.args.migrate_bin, "--bootstrap-key-file=" + key_file], env=env,
                       check=True, timeout=120, stdout=subprocess.DEVNULL)
        with open(key_file, encoding="ascii") as f:
            self.api_key = f.read().strip()
        self.metrics_address = "127.0.0.1:%d" % free_port()
        log("starting %s on %s (metrics on %s)" % (self.args.server_bin, self.address,
                                                   self.metrics_address))
        self.server_log = open(self.server_log_path, "wb")
        self.server = subprocess.Popen(
            [self.args.server_bin, "--listen", self.address, "--migrate",
             "--metrics-listen", self.metrics_address], env=env,
            stdin=subprocess.DEVNULL, stdout=self.server_log, stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent)
        self.anonymous_channel = self.stubs.grpc.insecure_channel(self.address)
        self.channel = self.stubs.grpc.intercept_channel(
            self.anonymous_channel, bearer_interceptor(self.stubs.grpc, self.api_key))
        self.wait_until_serving()

    def wait_until_serving(self):
        s = self.stubs
        health = s.health_pb2_grpc.HealthStub(self.channel)
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        last_error = None
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError("server exited with %s before serving; log:\n%s" %
                                   (self.server.returncode, tail(self.server_log_path)))
            try:
                response = health.Check(s.health_pb2.HealthCheckRequest(service=""), timeout=2)
                if response.status == s.health_pb2.HealthCheckResponse.SERVING:
                    log("server is serving")
                    return
                last_error = "status %s" % response.status
            except s.grpc.RpcError as e:
                last_error = "%s: %s" % (e.code(), e.details())
            time.sleep(0.2)
        raise RuntimeError("server not SERVING within %d s (%s); log:\n%s" %
                           (HEALTH_TIMEOUT_S, last_error, tail(self.server_log_path)))

    def stop(self):
        if self.channel is not None:
            self.channel.close()
        if self.server is not None and self.server.poll() is None:
            log("stopping the server")
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                log("server ignored SIGTERM for 30 s; killing it")
                self.server.kill()
                self.server.wait()
        if self.server is not None and self.server.returncode not in (0, -signal.SIGTERM):
            log("server exited with %s; log tail:\n%s" %
                (self.server.returncode, tail(self.server_log_path)))
        if self.server_log is not None:
            self.server_log.close()
        if self.db_started:
            log("stopping the database")
            try:
                subprocess.run([self.args.dbctl, "stop", self.db_dir], timeout=120)
            except (OSError, subprocess.SubprocessError) as e:
                log("dbctl stop failed: %s" % e)
        shutil.rmtree(self.tmp_dir, ignore_errors=True)


# ---------------------------------------------------------------------------
# Tests


def unique_id(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:10])


class ServerTestCase(unittest.TestCase):

    def setUp(self):
        self.s = ENV.stubs
        self.grpc = self.s.grpc
        self.pb = self.s.library_pb2
        self.libraries = self.s.library_pb2_grpc.LibraryServiceStub(ENV.channel)

    def assertRpcError(self, code, fn, *args, **kwargs):
        kwargs.setdefault("timeout", RPC_TIMEOUT_S)
        with self.assertRaises(self.grpc.RpcError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.code(), code,
                         "want %s, got %s: %s" % (code, cm.exception.code(),
                                                  cm.exception.details()))
        return cm.exception

    def status_details(self, error):
        """The google.rpc.Status from the error's grpc-status-details-bin."""
        values = [value for key, value in (error.trailing_metadata() or ())
                  if key == "grpc-status-details-bin"]
        self.assertEqual(len(values), 1, "no grpc-status-details-bin in trailing metadata")
        status = self.s.status_pb2.Status()
        status.ParseFromString(values[0])
        self.assertEqual(status.code, error.code().value[0])
        return status

    def unpack_details(self, status, message_type):
        found = []
        for any_detail in status.details:
            if any_detail.Is(message_type.DESCRIPTOR):
                message = message_type()
                any_detail.Unpack(message)
                found.append(message)
        return found


class HealthTest(ServerTestCase):

    def check(self, service):
        health = self.s.health_pb2_grpc.HealthStub(ENV.channel)
        return health.Check(self.s.health_pb2.HealthCheckRequest(service=service),
                            timeout=RPC_TIMEOUT_S)

    def test_overall_health_is_serving(self):
        self.assertEqual(self.check("").status, self.s.health_pb2.HealthCheckResponse.SERVING)

    def test_library_service_is_serving(self):
        self.assertEqual(
            self.check("allies.v1.LibraryService").status,
            self.s.health_pb2.HealthCheckResponse.SERVING)


class ReflectionTest(ServerTestCase):

    def reflect(self, **request_fields):
        stub = self.s.reflection_pb2_grpc.ServerReflectionStub(ENV.channel)
        request = self.s.reflection_pb2.ServerReflectionRequest(**request_fields)
        responses = list(stub.ServerReflectionInfo(iter([request]), timeout=RPC_TIMEOUT_S))
        self.assertEqual(len(responses), 1)
        self.assertFalse(responses[0].HasField("error_response"),
                         responses[0].error_response.error_message)
        return responses[0]

    def test_list_services(self):
        response = self.reflect(list_services="")
        names = {service.name for service in response.list_services_response.service}
        self.assertIn("allies.v1.LibraryService", names)
        self.assertIn("grpc.health.v1.Health", names)

    def test_health_is_described(self):
        response = self.reflect(file_containing_symbol="grpc.health.v1.Health")
        files = []
        for blob in response.file_descriptor_response.file_descriptor_proto:
            file_proto = self.s.descriptor_pb2.FileDescriptorProto()
            file_proto.ParseFromString(blob)
            files.append(file_proto)
        health = [f for f in files if f.package == "grpc.health.v1"]
        self.assertEqual(len(health), 1, [f.name for f in files])
        self.assertEqual({m.name for m in health[0].service[0].method}, {"Check", "Watch"})

    def test_file_containing_symbol(self):
        response = self.reflect(file_containing_symbol="allies.v1.LibraryService")
        blobs = response.file_descriptor_response.file_descriptor_proto
        self.assertTrue(blobs, "no file descriptor returned")
        files = []
        for blob in blobs:
            file_proto = self.s.descriptor_pb2.FileDescriptorProto()
            file_proto.ParseFromString(blob)
            files.append(file_proto)
        library_files = [f for f in files if f.package == "allies.v1" and
                         any(service.name == "LibraryService" for service in f.service)]
        self.assertEqual(len(library_files), 1, [f.name for f in files])
        methods = {m.name for m in library_files[0].service[0].method}
        self.assertTrue({"GetLibrary", "ListLibraries", "CreateLibrary", "UpdateLibrary",
                         "DeleteLibrary"} <= methods, methods)


class LibraryCrudTest(ServerTestCase):

    ROOT_DISPLAY_NAME = "Областная библиотека им. Ё. Ёлкина"

    def create(self, library_id, **fields):
        library = self.libraries.CreateLibrary(
            self.pb.CreateLibraryRequest(library_id=library_id, library=self.pb.Library(**fields)),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(library.name, "libraries/" + library_id)
        for key, value in fields.items():
            self.assertEqual(getattr(library, key), value, key)
        self.assertTrue(library.etag)
        self.assertTrue(library.HasField("create_time"))
        self.assertFalse(library.HasField("delete_time"))
        return library

    def get(self, name):
        return self.libraries.GetLibrary(self.pb.GetLibraryRequest(name=name),
                                         timeout=RPC_TIMEOUT_S)

    def test_crud_flow(self):
        Library = self.pb.Library
        StatusCode = self.grpc.StatusCode

        # Create a regional root and two branches under it.
        root_id = unique_id("obl")
        root = self.create(root_id, display_name=self.ROOT_DISPLAY_NAME, kind=Library.REGIONAL,
                           region="Тверская область",
                           address="г. Тверь, ул. Советская, д. 1",
                           website="https://obl-library.example.ru/")
        self.assertEqual(root.parent, "")
        branch1 = self.create(root_id + "-b1", display_name="Филиал № 1 «Берёзка»",
                              kind=Library.BRANCH, parent=root.name,
                              region="Тверская область")
        branch2 = self.create(root_id + "-b2", display_name="Детская библиотека-филиал № 2",
                              kind=Library.BRANCH, parent=root.name)

        # Get returns what was created, Cyrillic intact.
        got = self.get(branch1.name)
        self.assertEqual(got, branch1)
        self.assertEqual(self.get(root.name).display_name, self.ROOT_DISPLAY_NAME)

        # List the children one per page, following next_page_token.
        names, pages, token = [], 0, ""
        while True:
            page = self.libraries.ListLibraries(
                self.pb.ListLibrariesRequest(parent=root.name, page_size=1, page_token=token),
                timeout=RPC_TIMEOUT_S)
            pages += 1
            self.assertLessEqual(len(page.libraries), 1)
            for library in page.libraries:
                self.assertEqual(library.parent, root.name)
            names.extend(library.name for library in page.libraries)
            token = page.next_page_token
            if not token:
                break
            self.assertLess(pages, 10, "pagination does not end")
        self.assertEqual(names, sorted([branch1.name, branch2.name]))
        self.assertGreaterEqual(pages, 2)

        # Update display_name with update_mask and the current etag.
        new_name = "Филиал № 1 им. А. С. Пушкина"
        updated = self.libraries.UpdateLibrary(
            self.pb.UpdateLibraryRequest(
                library=Library(name=branch1.name, display_name=new_name, etag=branch1.etag,
                                # Not in the mask: must be ignored.
                                region="не менять"),
                update_mask=self.s.field_mask_pb2.FieldMask(paths=["display_name"])),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(updated.display_name, new_name)
        self.assertEqual(updated.region, branch1.region)
        self.assertEqual(updated.parent, root.name)
        self.assertEqual(updated.kind, Library.BRANCH)
        self.assertNotEqual(updated.etag, branch1.etag)
        self.assertEqual(self.get(branch1.name).display_name, new_name)

        # The old etag is stale now.
        self.assertRpcError(
            StatusCode.ABORTED, self.libraries.UpdateLibrary,
            self.pb.UpdateLibraryRequest(
                library=Library(name=branch1.name, display_name="устаревшее",
                                etag=branch1.etag),
                update_mask=self.s.field_mask_pb2.FieldMask(paths=["display_name"])))
        self.assertEqual(self.get(branch1.name).display_name, new_name)

        # A library with live children cannot be deleted without force.
        self.assertRpcError(StatusCode.FAILED_PRECONDITION, self.libraries.DeleteLibrary,
                            self.pb.DeleteLibraryRequest(name=root.name))
        self.assertFalse(self.get(root.name).HasField("delete_time"))

        # Delete the children (one with its etag), then the parent.
        deleted = self.libraries.DeleteLibrary(
            self.pb.DeleteLibraryRequest(name=branch1.name, etag=updated.etag),
            timeout=RPC_TIMEOUT_S)
        self.assertTrue(deleted.HasField("delete_time"))
        self.libraries.DeleteLibrary(self.pb.DeleteLibraryRequest(name=branch2.name),
                                     timeout=RPC_TIMEOUT_S)
        self.libraries.DeleteLibrary(self.pb.DeleteLibraryRequest(name=root.name),
                                     timeout=RPC_TIMEOUT_S)
        got_root = self.get(root.name)
        self.assertTrue(got_root.HasField("delete_time"))
        self.assertEqual(got_root.display_name, self.ROOT_DISPLAY_NAME)
        self.assertTrue(self.get(branch1.name).HasField("delete_time"))

        # Deleted libraries are not listed by default.
        listed = self.libraries.ListLibraries(self.pb.ListLibrariesRequest(page_size=1000),
                                              timeout=RPC_TIMEOUT_S)
        self.assertNotIn(root.name, [library.name for library in listed.libraries])


class LibraryErrorTest(ServerTestCase):

    def test_empty_display_name_is_invalid_argument_with_details(self):
        error = self.assertRpcError(
            self.grpc.StatusCode.INVALID_ARGUMENT, self.libraries.CreateLibrary,
            self.pb.CreateLibraryRequest(
                library_id=unique_id("bad"),
                library=self.pb.Library(display_name="", kind=self.pb.Library.REGIONAL)))
        status = self.status_details(error)
        bad_requests = self.unpack_details(status, self.s.error_details_pb2.BadRequest)
        self.assertEqual(len(bad_requests), 1, status)
        fields = [v.field for v in bad_requests[0].field_violations]
        self.assertIn("library.display_name", fields)
        for violation in bad_requests[0].field_violations:
            self.assertTrue(violation.description, violation)
        infos = self.unpack_details(status, self.s.error_details_pb2.ErrorInfo)
        self.assertEqual(len(infos), 1, status)
        self.assertEqual(infos[0].domain, "allies.v1")
        self.assertRegex(infos[0].reason, r"^[A-Z][A-Z0-9_]*$")

    def test_missing_library_is_not_found(self):
        error = self.assertRpcError(self.grpc.StatusCode.NOT_FOUND, self.libraries.GetLibrary,
                                    self.pb.GetLibraryRequest(name="libraries/" +
                                                              unique_id("missing")))
        self.assertTrue(error.details())


# ---------------------------------------------------------------------------


class ContractTest(ServerTestCase):
    """Filters, ordering, idempotent retries, undelete and the activity log, as a third party
    sees them."""

    def setUp(self):
        super().setUp()
        self.pb = self.s.library_pb2
        self.apb = self.s.activity_pb2
        self.libraries = self.s.library_pb2_grpc.LibraryServiceStub(ENV.channel)
        self.activities = self.s.activity_pb2_grpc.ActivityLogServiceStub(ENV.channel)

    def names(self, **request):
        out, token = [], ""
        while True:
            page = self.libraries.ListLibraries(
                self.pb.ListLibrariesRequest(page_size=2, page_token=token, **request),
                timeout=RPC_TIMEOUT_S)
            out.extend(library.name for library in page.libraries)
            token = page.next_page_token
            if not token:
                return out

    def test_filter_order_retry_undelete_and_log(self):
        prefix = unique_id("c")
        request = self.pb.CreateLibraryRequest(
            library_id=prefix + "-root", request_id=prefix + "-once",
            library=self.pb.Library(display_name="Детская библиотека им. Ёлкина",
                                    kind=self.pb.Library.CENTRAL_LIBRARY))
        first = self.libraries.CreateLibrary(request, timeout=RPC_TIMEOUT_S)
        again = self.libraries.CreateLibrary(request, timeout=RPC_TIMEOUT_S)
        self.assertEqual(first, again, "a retry with the same request_id gets the first answer")
        for i, kind in enumerate(["BRANCH", "BRANCH", "SCHOOL"]):
            self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
                library_id="%s-%d" % (prefix, i),
                library=self.pb.Library(display_name="Филиал %d" % i, parent=first.name,
                                        kind=self.pb.Library.Kind.Value(kind))),
                timeout=RPC_TIMEOUT_S)
        parent_filter = 'parent = "%s"' % first.name
        self.assertEqual(self.names(filter=parent_filter + " AND kind = BRANCH",
                                    order_by="display_name desc"),
                         ["libraries/%s-1" % prefix, "libraries/%s-0" % prefix])
        self.assertEqual(self.names(filter='display_name: "елкина" AND name = "%s"' % first.name),
                         [first.name], "':' folds case and ё")
        error = self.assertRpcError(self.s.grpc.StatusCode.INVALID_ARGUMENT,
                                    self.libraries.ListLibraries,
                                    self.pb.ListLibrariesRequest(filter="kind = PURPLE"),
                                    timeout=RPC_TIMEOUT_S)
        violations = self.unpack_details(self.status_details(error),
                                         self.s.error_details_pb2.BadRequest)
        self.assertEqual(violations[0].field_violations[0].field, "filter")

        self.libraries.DeleteLibrary(self.pb.DeleteLibraryRequest(name=first.name, force=True),
                                     timeout=RPC_TIMEOUT_S)
        back = self.libraries.UndeleteLibrary(self.pb.UndeleteLibraryRequest(name=first.name),
                                              timeout=RPC_TIMEOUT_S)
        self.assertFalse(back.HasField("delete_time"))
        self.assertRpcError(self.s.grpc.StatusCode.ALREADY_EXISTS,
                            self.libraries.UndeleteLibrary,
                            self.pb.UndeleteLibraryRequest(name=first.name),
                            timeout=RPC_TIMEOUT_S)

        log = self.activities.ListActivities(self.apb.ListActivitiesRequest(
            parent=first.name, filter='resource = "%s"' % first.name, order_by="create_time"),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual([a.verb for a in log.activities], ["CREATE", "DELETE", "UNDELETE"])
        self.assertEqual(log.activities[0].request_id, prefix + "-once")
        meeting = self.activities.CreateActivity(self.apb.CreateActivityRequest(
            parent=first.name, activity=self.apb.Activity(
                kind=self.apb.Activity.MEETING, subject="Встреча с попечительским советом",
                related=[first.name + "/partners/bank"])), timeout=RPC_TIMEOUT_S)
        found = self.activities.ListActivities(self.apb.ListActivitiesRequest(
            parent="libraries/-", filter='related: "%s/partners/bank"' % first.name),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual([a.name for a in found.activities], [meeting.name])


class KeysTest(ServerTestCase):
    """API keys as a third party uses them: a scoped key reaches its subtree and no further."""

    def test_scoped_key_revocation_and_missing_key(self):
        pb, kpb = self.s.library_pb2, self.s.api_key_pb2
        admin_keys = self.s.api_key_pb2_grpc.ApiKeyServiceStub(ENV.channel)
        prefix = unique_id("k")
        for library_id, parent in ((prefix + "-home", ""), (prefix + "-away", "")):
            self.libraries.CreateLibrary(pb.CreateLibraryRequest(
                library_id=library_id, library=pb.Library(
                    display_name="Библиотека", kind=pb.Library.CENTRAL_SYSTEM, parent=parent)),
                timeout=RPC_TIMEOUT_S)
        created = admin_keys.CreateApiKey(kpb.CreateApiKeyRequest(api_key=kpb.ApiKey(
            display_name="Библиотекарь", role=kpb.ApiKey.LIBRARIAN,
            library="libraries/%s-home" % prefix)), timeout=RPC_TIMEOUT_S)
        self.assertTrue(created.key.startswith("allies_"))
        scoped = self.s.grpc.intercept_channel(
            ENV.anonymous_channel, bearer_interceptor(self.s.grpc, created.key))
        libraries = self.s.library_pb2_grpc.LibraryServiceStub(scoped)
        home = libraries.GetLibrary(pb.GetLibraryRequest(name="libraries/%s-home" % prefix),
                                    timeout=RPC_TIMEOUT_S)
        self.assertEqual(home.name, "libraries/%s-home" % prefix)
        self.assertRpcError(self.s.grpc.StatusCode.PERMISSION_DENIED, libraries.GetLibrary,
                            pb.GetLibraryRequest(name="libraries/%s-away" % prefix))
        self.assertRpcError(self.s.grpc.StatusCode.PERMISSION_DENIED, libraries.CreateLibrary,
                            pb.CreateLibraryRequest(library=pb.Library(
                                display_name="x", kind=pb.Library.BRANCH,
                                parent="libraries/%s-home" % prefix)))
        anonymous = self.s.library_pb2_grpc.LibraryServiceStub(ENV.anonymous_channel)
        self.assertRpcError(self.s.grpc.StatusCode.UNAUTHENTICATED, anonymous.ListLibraries,
                            pb.ListLibrariesRequest())
        # A key revoked before its first use is refused at once.
        fresh = admin_keys.CreateApiKey(kpb.CreateApiKeyRequest(api_key=kpb.ApiKey(
            display_name="Временный", role=kpb.ApiKey.METHODIST,
            library="libraries/%s-home" % prefix)), timeout=RPC_TIMEOUT_S)
        admin_keys.RevokeApiKey(kpb.RevokeApiKeyRequest(name=fresh.api_key.name),
                                timeout=RPC_TIMEOUT_S)
        revoked = self.s.library_pb2_grpc.LibraryServiceStub(self.s.grpc.intercept_channel(
            ENV.anonymous_channel, bearer_interceptor(self.s.grpc, fresh.key)))
        self.assertRpcError(self.s.grpc.StatusCode.UNAUTHENTICATED, revoked.ListLibraries,
                            pb.ListLibrariesRequest())


class PartnershipTest(ServerTestCase):
    """A partner, a contact and an agreement, through the whole lifecycle, as a third party."""

    def test_partner_contact_agreement_lifecycle(self):
        s = self.s
        ppb, cpb, apb = s.partner_pb2, s.contact_pb2, s.agreement_pb2
        partners = s.partner_pb2_grpc.PartnerServiceStub(ENV.channel)
        contacts = s.contact_pb2_grpc.ContactServiceStub(ENV.channel)
        agreements = s.agreement_pb2_grpc.AgreementServiceStub(ENV.channel)
        activities = s.activity_pb2_grpc.ActivityLogServiceStub(ENV.channel)
        library = self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("partnership"),
            library=self.pb.Library(display_name="ЦБС «Ёлочка»", kind=self.pb.Library.BRANCH)),
            timeout=RPC_TIMEOUT_S)

        partner = partners.CreatePartner(ppb.CreatePartnerRequest(
            parent=library.name, request_id=str(uuid.uuid4()), partner=ppb.Partner(
                display_name="Книжный дом «Читай-город»", inn="7707083893",
                kind=ppb.Partner.BUSINESS, support_forms=[ppb.Partner.MATERIAL],
                tags=["книги"], phone="8 (817) 272-00-00")), timeout=RPC_TIMEOUT_S)
        self.assertEqual(partner.state, ppb.Partner.PROSPECT)
        self.assertEqual(partner.phone, "+78172720000")
        # A bad INN is refused with a field violation naming it.
        try:
            partners.CreatePartner(ppb.CreatePartnerRequest(parent=library.name, partner=ppb.Partner(
                display_name="Ошибка", inn="7707083894", kind=ppb.Partner.BUSINESS)),
                timeout=RPC_TIMEOUT_S)
            self.fail("a bad INN was accepted")
        except s.grpc.RpcError as error:
            self.assertEqual(error.code(), s.grpc.StatusCode.INVALID_ARGUMENT)
            bad = self.unpack_details(self.status_details(error), s.error_details_pb2.BadRequest)[0]
            self.assertEqual([v.field for v in bad.field_violations], ["partner.inn"])
        found = partners.ListPartners(ppb.ListPartnersRequest(
            parent="libraries/-", filter='inn = "7707083893" AND support_forms: MATERIAL'),
            timeout=RPC_TIMEOUT_S)
        self.assertIn(partner.name, [p.name for p in found.partners])

        contact = contacts.CreateContact(cpb.CreateContactRequest(
            parent=library.name, contact=cpb.Contact(
                family_name="Петрова", given_name="Алёна", partner=partner.name,
                emails=["Alena@Example.RU"])), timeout=RPC_TIMEOUT_S)
        self.assertEqual(list(contact.emails), ["alena@example.ru"])

        today = time.gmtime()
        agreement = agreements.CreateAgreement(apb.CreateAgreementRequest(
            parent=library.name, agreement=apb.Agreement(
                partner=partner.name, number="12/2026-С", title="О поддержке летнего чтения",
                kind=apb.Agreement.SPONSORSHIP, signatories=[contact.name],
                end_date=s.date_pb2.Date(year=today.tm_year + 1, month=today.tm_mon, day=1),
                value=s.money_pb2.Money(currency_code="RUB", units=50000))),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(agreement.state, apb.Agreement.DRAFT)
        # The lifecycle: activate, suspend, resume, renew, terminate; a wrong move is refused.
        name = agreement.name
        self.assertEqual(agreements.ActivateAgreement(apb.ActivateAgreementRequest(name=name),
                                                      timeout=RPC_TIMEOUT_S).state,
                         apb.Agreement.ACTIVE)
        self.assertRpcError(s.grpc.StatusCode.FAILED_PRECONDITION, agreements.ResumeAgreement,
                            apb.ResumeAgreementRequest(name=name))
        self.assertEqual(agreements.SuspendAgreement(apb.SuspendAgreementRequest(name=name),
                                                     timeout=RPC_TIMEOUT_S).state,
                         apb.Agreement.SUSPENDED)
        self.assertRpcError(s.grpc.StatusCode.FAILED_PRECONDITION, partners.DeletePartner,
                            ppb.DeletePartnerRequest(name=partner.name))
        self.assertEqual(agreements.ResumeAgreement(apb.ResumeAgreementRequest(name=name),
                                                    timeout=RPC_TIMEOUT_S).state,
                         apb.Agreement.ACTIVE)
        renewed = agreements.RenewAgreement(apb.RenewAgreementRequest(
            name=name, new_end_date=s.date_pb2.Date(year=today.tm_year + 2, month=1, day=31)),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(renewed.end_date.year, today.tm_year + 2)
        expiring = agreements.ListExpiringAgreements(apb.ListExpiringAgreementsRequest(
            parent="libraries/-", within_days=1000), timeout=RPC_TIMEOUT_S)
        self.assertIn(name, [a.name for a in expiring.agreements])
        terminated = agreements.TerminateAgreement(apb.TerminateAgreementRequest(
            name=name, reason="Партнёр закрыл магазин"), timeout=RPC_TIMEOUT_S)
        self.assertEqual(terminated.state, apb.Agreement.TERMINATED)

        log = activities.ListActivities(s.activity_pb2.ListActivitiesRequest(
            parent=library.name, filter='resource = "%s"' % name, order_by="create_time"),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual([a.verb for a in log.activities],
                         ["CREATE", "ACTIVATE", "SUSPEND", "RESUME", "RENEW", "TERMINATE"])
        exported = contacts.ExportContactData(cpb.ExportContactDataRequest(name=contact.name),
                                              timeout=RPC_TIMEOUT_S)
        self.assertEqual(list(exported.agreements), [name])


def years_before(day, years):
    """The same day `years` earlier (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class VolunteerConsentTest(ServerTestCase):
    """A minor volunteer under the consent ledger, as a third party: the consent is given by a
    parent, the volunteer agreement is signed by the volunteer at 15 and by the parent at 12,
    withdrawal stops the work and the contact, and the destruction falls due."""

    def test_minor_consent_by_representative_withdrawal_and_due_destruction(self):
        s = self.s
        cpb, vpb, kpb = s.contact_pb2, s.volunteer_pb2, s.consent_pb2
        contacts = s.contact_pb2_grpc.ContactServiceStub(ENV.channel)
        volunteers = s.volunteer_pb2_grpc.VolunteerServiceStub(ENV.channel)
        consents = s.consent_pb2_grpc.ConsentServiceStub(ENV.channel)
        library = self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("volunteers"),
            library=self.pb.Library(display_name="Детская библиотека «Алые паруса»",
                                    kind=self.pb.Library.BRANCH)),
            timeout=RPC_TIMEOUT_S)

        parent = contacts.CreateContact(cpb.CreateContactRequest(
            parent=library.name, contact=cpb.Contact(
                family_name="Смирнова", given_name="Ольга", patronymic="Викторовна",
                phones=["+7 921 000-11-22"])), timeout=RPC_TIMEOUT_S)

        # Born 15 years ago today (UTC, as the server counts the age).
        birth = years_before(datetime.datetime.now(datetime.timezone.utc).date(), 15)
        volunteer = vpb.Volunteer(
            family_name="Смирнов", given_name="Илья", patronymic="Андреевич",
            birth_date=s.date_pb2.Date(year=birth.year, month=birth.month, day=birth.day),
            skills=["настольные игры"], guardian=parent.name)
        consent = kpb.Consent(
            subject_name="Смирнов Илья Андреевич",
            purposes=[kpb.Consent.VOLUNTEER_WORK, kpb.Consent.COMMUNICATION],
            data_categories=["ФИО", "дата рождения", "контактные данные"],
            method=kpb.Consent.PAPER, document_number="21/2026")

        # Under 18, a consent without a representative is refused.
        error = self.assertRpcError(
            s.grpc.StatusCode.FAILED_PRECONDITION, volunteers.CreateVolunteer,
            vpb.CreateVolunteerRequest(parent=library.name, volunteer=volunteer, consent=consent))
        infos = self.unpack_details(self.status_details(error), s.error_details_pb2.ErrorInfo)
        self.assertEqual([info.reason for info in infos], ["CONSENT_NEEDS_REPRESENTATIVE"])
        self.assertEqual(infos[0].domain, "allies.v1")
        listed = volunteers.ListVolunteers(vpb.ListVolunteersRequest(parent=library.name),
                                           timeout=RPC_TIMEOUT_S)
        self.assertEqual(list(listed.volunteers), [], "a refused create leaves nothing behind")

        # Given by the parent, it is accepted.
        consent.representative_name = "Смирнова Ольга Викторовна"
        consent.representative_relation = kpb.Consent.PARENT
        consent.representative_document = "свидетельство о рождении I-ОД № 654321"
        consent.representative_contact = parent.name
        created = volunteers.CreateVolunteer(vpb.CreateVolunteerRequest(
            parent=library.name, volunteer=volunteer, consent=consent,
            request_id=str(uuid.uuid4())), timeout=RPC_TIMEOUT_S)
        self.assertEqual(created.state, vpb.Volunteer.APPLICANT)
        self.assertEqual(created.age, 15)
        self.assertEqual(created.guardian, parent.name)
        self.assertEqual(created.family_name, "Смирнов")
        self.assertFalse(created.personal_data_withheld)
        held = consents.ListConsents(kpb.ListConsentsRequest(
            parent=library.name, filter='subject = "%s"' % created.name), timeout=RPC_TIMEOUT_S)
        self.assertEqual(len(held.consents), 1, held)
        given = held.consents[0]
        self.assertEqual(given.state, kpb.Consent.ACTIVE)
        self.assertEqual(given.representative_relation, kpb.Consent.PARENT)
        self.assertEqual(given.representative_contact, parent.name)
        self.assertTrue(given.HasField("given_time"))

        activated = volunteers.ActivateVolunteer(vpb.ActivateVolunteerRequest(
            name=created.name, reason="Собеседование пройдено"), timeout=RPC_TIMEOUT_S)
        self.assertEqual(activated.state, vpb.Volunteer.ACTIVE)
        self.assertEqual(activated.state_reason, "Собеседование пройдено")

        # A volunteer agreement (135-FZ art. 17.1): at 15 the volunteer signs it himself (14-17,
        # with the representative's consent, ГК ст. 26).
        today = datetime.datetime.now(datetime.timezone.utc).date()
        next_year = today + datetime.timedelta(days=365)
        end_date = s.date_pb2.Date(year=next_year.year, month=next_year.month, day=next_year.day)
        agreement = volunteers.CreateVolunteerAgreement(vpb.CreateVolunteerAgreementRequest(
            parent=created.name, agreement=vpb.VolunteerAgreement(
                tasks="Настольные игры с младшими читателями по субботам",
                place="Детский абонемент", end_date=end_date,
                support=[vpb.VolunteerAgreement.MEALS, vpb.VolunteerAgreement.INSURANCE],
                signer=vpb.VolunteerAgreement.VOLUNTEER),
            request_id=str(uuid.uuid4())), timeout=RPC_TIMEOUT_S)
        self.assertEqual(agreement.state, vpb.VolunteerAgreement.DRAFT)
        self.assertEqual(agreement.volunteer, created.name)
        self.assertTrue(agreement.name.startswith(created.name + "/agreements/"), agreement.name)
        signed = volunteers.ActivateVolunteerAgreement(vpb.ActivateVolunteerAgreementRequest(
            name=agreement.name, etag=agreement.etag), timeout=RPC_TIMEOUT_S)
        self.assertEqual(signed.state, vpb.VolunteerAgreement.ACTIVE)
        self.assertEqual(signed.signer, vpb.VolunteerAgreement.VOLUNTEER)

        # At 12 the parent signs (ГК ст. 28): the child's own signature is refused.
        child_birth = years_before(today, 12)
        child = volunteers.CreateVolunteer(vpb.CreateVolunteerRequest(
            parent=library.name, volunteer=vpb.Volunteer(
                family_name="Смирнова", given_name="Дарья", patronymic="Андреевна",
                birth_date=s.date_pb2.Date(year=child_birth.year, month=child_birth.month,
                                           day=child_birth.day),
                guardian=parent.name),
            consent=kpb.Consent(
                subject_name="Смирнова Дарья Андреевна",
                purposes=[kpb.Consent.VOLUNTEER_WORK],
                data_categories=["ФИО", "дата рождения"],
                method=kpb.Consent.PAPER, document_number="22/2026",
                representative_name="Смирнова Ольга Викторовна",
                representative_relation=kpb.Consent.PARENT,
                representative_document="свидетельство о рождении II-ОД № 112233",
                representative_contact=parent.name)), timeout=RPC_TIMEOUT_S)
        self.assertEqual(child.age, 12)
        child_agreement = volunteers.CreateVolunteerAgreement(vpb.CreateVolunteerAgreementRequest(
            parent=child.name, agreement=vpb.VolunteerAgreement(
                tasks="Помощь на Неделе детской книги", end_date=end_date,
                signer=vpb.VolunteerAgreement.VOLUNTEER)), timeout=RPC_TIMEOUT_S)
        error = self.assertRpcError(
            s.grpc.StatusCode.FAILED_PRECONDITION, volunteers.ActivateVolunteerAgreement,
            vpb.ActivateVolunteerAgreementRequest(name=child_agreement.name))
        infos = self.unpack_details(self.status_details(error), s.error_details_pb2.ErrorInfo)
        self.assertEqual([info.reason for info in infos], ["AGREEMENT_SIGNER"])
        self.assertEqual(infos[0].domain, "allies.v1")
        self.assertEqual(infos[0].metadata["age"], "12")
        unsigned = volunteers.GetVolunteerAgreement(
            vpb.GetVolunteerAgreementRequest(name=child_agreement.name), timeout=RPC_TIMEOUT_S)
        self.assertEqual(unsigned.state, vpb.VolunteerAgreement.DRAFT, "a refusal changes nothing")
        resigned = volunteers.UpdateVolunteerAgreement(vpb.UpdateVolunteerAgreementRequest(
            agreement=vpb.VolunteerAgreement(
                name=child_agreement.name, etag=unsigned.etag,
                signer=vpb.VolunteerAgreement.REPRESENTATIVE, representative_contact=parent.name),
            update_mask=s.field_mask_pb2.FieldMask(paths=["signer", "representative_contact"])),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(resigned.signer, vpb.VolunteerAgreement.REPRESENTATIVE)
        self.assertEqual(resigned.representative_contact, parent.name)
        child_signed = volunteers.ActivateVolunteerAgreement(vpb.ActivateVolunteerAgreementRequest(
            name=child_agreement.name), timeout=RPC_TIMEOUT_S)
        self.assertEqual(child_signed.state, vpb.VolunteerAgreement.ACTIVE)

        # The parent withdraws the consent in writing: the data is due for destruction in 30
        # days, and the volunteer stops working and is no longer contacted.
        withdrawn = consents.WithdrawConsent(kpb.WithdrawConsentRequest(
            name=given.name, channel=kpb.Consent.IN_WRITING), timeout=RPC_TIMEOUT_S)
        self.assertEqual(withdrawn.state, kpb.Consent.WITHDRAWN)
        self.assertEqual(withdrawn.withdrawal_channel, kpb.Consent.IN_WRITING)
        self.assertTrue(withdrawn.HasField("withdraw_time"))
        self.assertEqual(withdrawn.destroy_due.ToDatetime() - withdrawn.withdraw_time.ToDatetime(),
                         datetime.timedelta(days=30))
        self.assertRpcError(s.grpc.StatusCode.FAILED_PRECONDITION, consents.WithdrawConsent,
                            kpb.WithdrawConsentRequest(name=given.name,
                                                       channel=kpb.Consent.IN_WRITING))
        after = volunteers.GetVolunteer(vpb.GetVolunteerRequest(name=created.name),
                                        timeout=RPC_TIMEOUT_S)
        self.assertEqual(after.state, vpb.Volunteer.INACTIVE)
        self.assertTrue(after.do_not_contact)
        # Without a consent in force it cannot be activated again.
        self.assertRpcError(s.grpc.StatusCode.FAILED_PRECONDITION, volunteers.ActivateVolunteer,
                            vpb.ActivateVolunteerRequest(name=created.name))

        due = consents.ListDueDestructions(kpb.ListDueDestructionsRequest(
            parent=library.name, within_days=31), timeout=RPC_TIMEOUT_S)
        self.assertIn(given.name, [c.name for c in due.consents])
        due_now = consents.ListDueDestructions(kpb.ListDueDestructionsRequest(
            parent=library.name, within_days=0), timeout=RPC_TIMEOUT_S)
        self.assertNotIn(given.name, [c.name for c in due_now.consents],
                         "due in 30 days, not now")


class VolunteerWorkTest(ServerTestCase):
    """Volunteer work as a third party: a shift in the library's own time zone, a sign-up, the
    waitlist moving up when someone cancels, completion proposing the hours, their approval, and
    the record book."""

    def test_sign_up_complete_and_approve_hours(self):
        s = self.s
        vpb, kpb, ppb = s.volunteer_pb2, s.consent_pb2, s.project_pb2
        volunteers = s.volunteer_pb2_grpc.VolunteerServiceStub(ENV.channel)
        projects = s.project_pb2_grpc.ProjectServiceStub(ENV.channel)
        library = self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("work"),
            library=self.pb.Library(display_name="Библиотека им. А. П. Чехова",
                                    kind=self.pb.Library.BRANCH, time_zone="Asia/Vladivostok")),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(library.time_zone, "Asia/Vladivostok")

        def active_volunteer(given):
            birth = years_before(datetime.datetime.now(datetime.timezone.utc).date(), 30)
            created = volunteers.CreateVolunteer(vpb.CreateVolunteerRequest(
                parent=library.name,
                volunteer=vpb.Volunteer(
                    family_name="Ёлкина", given_name=given,
                    birth_date=s.date_pb2.Date(year=birth.year, month=birth.month,
                                               day=birth.day)),
                consent=kpb.Consent(subject_name="Ёлкина " + given,
                                    purposes=[kpb.Consent.VOLUNTEER_WORK],
                                    data_categories=["ФИО"], method=kpb.Consent.PAPER,
                                    document_number="7/2026")), timeout=RPC_TIMEOUT_S)
            return volunteers.ActivateVolunteer(vpb.ActivateVolunteerRequest(name=created.name),
                                                timeout=RPC_TIMEOUT_S).name

        first, second = active_volunteer("Анна"), active_volunteer("Вера")
        project = projects.CreateProject(ppb.CreateProjectRequest(
            parent=library.name, project=ppb.Project(title="Громкие чтения у моря")),
            timeout=RPC_TIMEOUT_S)
        projects.ActivateProject(ppb.ActivateProjectRequest(name=project.name),
                                 timeout=RPC_TIMEOUT_S)
        # A shift that began an hour ago, for two hours, given in Vladivostok's local time.
        vladivostok = datetime.timezone(datetime.timedelta(hours=10))
        start = (datetime.datetime.now(vladivostok) - datetime.timedelta(hours=1)).replace(
            second=0, microsecond=0)
        shift = projects.CreateShift(ppb.CreateShiftRequest(
            parent=project.name, shift=ppb.Shift(
                local_start_time=start.strftime("%Y-%m-%dT%H:%M"),
                local_end_time=(start + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                capacity=1, place="Читальный зал")), timeout=RPC_TIMEOUT_S)
        self.assertEqual(shift.time_zone, "Asia/Vladivostok")
        self.assertEqual(shift.local_start_time, start.strftime("%Y-%m-%dT%H:%M"))
        self.assertEqual(shift.start_time.ToDatetime(),
                         start.astimezone(datetime.timezone.utc).replace(tzinfo=None))
        self.assertEqual(shift.waitlist_mode, ppb.AUTO)

        taken = projects.CreateSignup(ppb.CreateSignupRequest(
            parent=shift.name, signup=ppb.Signup(volunteer=first), request_id=unique_id("r")),
            timeout=RPC_TIMEOUT_S)
        waiting = projects.CreateSignup(ppb.CreateSignupRequest(
            parent=shift.name, signup=ppb.Signup(volunteer=second)), timeout=RPC_TIMEOUT_S)
        self.assertEqual(taken.state, ppb.Signup.CONFIRMED)
        self.assertEqual(waiting.state, ppb.Signup.WAITLISTED)
        error = self.assertRpcError(
            s.grpc.StatusCode.ALREADY_EXISTS, projects.CreateSignup,
            ppb.CreateSignupRequest(parent=shift.name, signup=ppb.Signup(volunteer=first)))
        infos = self.unpack_details(self.status_details(error), s.error_details_pb2.ErrorInfo)
        self.assertEqual([info.reason for info in infos], ["SIGNUP_EXISTS"])
        projects.CancelSignup(ppb.CancelSignupRequest(name=taken.name, reason="Заболела"),
                              timeout=RPC_TIMEOUT_S)
        promoted = projects.GetSignup(ppb.GetSignupRequest(name=waiting.name),
                                      timeout=RPC_TIMEOUT_S)
        self.assertEqual(promoted.state, ppb.Signup.CONFIRMED, "the waitlist moved up")

        completed = projects.CompleteSignup(ppb.CompleteSignupRequest(name=waiting.name),
                                            timeout=RPC_TIMEOUT_S)
        self.assertEqual(completed.state, ppb.Signup.COMPLETED)
        hours = projects.ListHours(ppb.ListHoursRequest(parent=second), timeout=RPC_TIMEOUT_S)
        self.assertEqual(len(hours.hours), 1)
        proposed = hours.hours[0]
        self.assertEqual(proposed.state, ppb.HoursEntry.SUBMITTED)
        self.assertEqual(proposed.minutes, 120)
        approved = projects.ApproveHours(ppb.ApproveHoursRequest(name=proposed.name),
                                         timeout=RPC_TIMEOUT_S)
        self.assertEqual(approved.state, ppb.HoursEntry.APPROVED)
        self.assertRpcError(s.grpc.StatusCode.FAILED_PRECONDITION, projects.DeleteHours,
                            ppb.DeleteHoursRequest(name=approved.name))
        book = projects.GetRecordBook(ppb.GetRecordBookRequest(volunteer=second),
                                      timeout=RPC_TIMEOUT_S)
        self.assertEqual(book.total_minutes, 120)
        self.assertEqual([t.project_title for t in book.totals], ["Громкие чтения у моря"])
        self.assertEqual(book.entries[0].confirmed_by, approved.reviewed_by)
        person = volunteers.GetVolunteer(vpb.GetVolunteerRequest(name=second),
                                         timeout=RPC_TIMEOUT_S)
        self.assertEqual(person.approved_minutes, 120)


class GovernanceTest(ServerTestCase):
    """A 174-FZ supervisory board meeting as a third party runs it: the board and its five
    members (contacts of the library), notices to all, the meeting held with four present and
    its quorum, a roll-call vote on an item about a partner, the decision and its follow-up, the
    minutes written and approved, and then locked; the partner's decisions found across the
    network. And a reader council under its own preset."""

    def setUp(self):
        super().setUp()
        s = self.s
        self.gpb, self.bpb = s.governance_pb2, s.supervisory_board_pb2
        self.boards = s.supervisory_board_pb2_grpc.SupervisoryBoardServiceStub(ENV.channel)
        self.councils = s.reader_council_pb2_grpc.ReaderCouncilServiceStub(ENV.channel)
        self.contacts = s.contact_pb2_grpc.ContactServiceStub(ENV.channel)
        self.partners = s.partner_pb2_grpc.PartnerServiceStub(ENV.channel)

    def date(self, day):
        return self.s.date_pb2.Date(year=day.year, month=day.month, day=day.day)

    def error_reasons(self, error):
        infos = self.unpack_details(self.status_details(error), self.s.error_details_pb2.ErrorInfo)
        for info in infos:
            self.assertEqual(info.domain, "allies.v1")
        return [info.reason for info in infos]

    def test_board_meeting_from_notice_to_approved_minutes(self):
        s, gpb, bpb, boards = self.s, self.gpb, self.bpb, self.boards
        ppb, cpb = s.partner_pb2, s.contact_pb2
        StatusCode = s.grpc.StatusCode
        library = self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("board"),
            library=self.pb.Library(display_name="Центральная библиотека «Ёлочка»",
                                    kind=self.pb.Library.CENTRAL_LIBRARY,
                                    time_zone="Europe/Moscow")),
            timeout=RPC_TIMEOUT_S)
        partner = self.partners.CreatePartner(ppb.CreatePartnerRequest(
            parent=library.name, partner=ppb.Partner(
                display_name="Книжный дом «Всё для чтения»", kind=ppb.Partner.BUSINESS)),
            timeout=RPC_TIMEOUT_S)
        other_partner = self.partners.CreatePartner(ppb.CreatePartnerRequest(
            parent=library.name, partner=ppb.Partner(
                display_name="Издательство «Берёста»", kind=ppb.Partner.BUSINESS)),
            timeout=RPC_TIMEOUT_S)

        # The board: a 174-FZ наблюдательный совет of five seats, rules from the preset.
        board = boards.CreateSupervisoryBoard(bpb.CreateSupervisoryBoardRequest(
            parent=library.name, supervisory_board_id="nabsovet",
            supervisory_board=bpb.SupervisoryBoard(
                display_name="Наблюдательный совет ЦБС «Ёлочка»",
                kind=bpb.SupervisoryBoard.SUPERVISORY, seat_count=5,
                regulation="Приказ учредителя № 12-ё")), timeout=RPC_TIMEOUT_S)
        self.assertEqual(board.name, library.name + "/supervisoryBoards/nabsovet")
        self.assertEqual(board.display_name, "Наблюдательный совет ЦБС «Ёлочка»")
        self.assertEqual(board.rules.preset, gpb.GovernanceRules.SUPERVISORY_174FZ)
        self.assertTrue(board.rules.quorum_requires_all_notified)
        self.assertEqual(board.vacancies, 5)

        # Five members, each a contact of the same library; the first chairs.
        today = datetime.datetime.now(datetime.timezone.utc).date()
        people = [("Ёлкина", "Алёна", "Петровна"), ("Соловьёв", "Пётр", "Ильич"),
                  ("Королёва", "Дарья", "Сергеевна"), ("Берёзкин", "Фёдор", "Ильич"),
                  ("Журавлёва", "Татьяна", "Юрьевна")]
        members = []
        for i, (family, given, patronymic) in enumerate(people):
            contact = self.contacts.CreateContact(cpb.CreateContactRequest(
                parent=library.name, contact=cpb.Contact(
                    family_name=family, given_name=given, patronymic=patronymic)),
                timeout=RPC_TIMEOUT_S)
            member = boards.CreateMember(gpb.CreateMemberRequest(
                parent=board.name, member=gpb.Member(
                    person=contact.name, seat_kind="PUBLIC",
                    role=gpb.Member.CHAIR if i == 0 else gpb.Member.MEMBER,
                    term_start_date=self.date(today - datetime.timedelta(days=100)),
                    term_end_date=self.date(today + datetime.timedelta(days=3 * 365)),
                    appointment_act="Приказ учредителя № 17-ё")), timeout=RPC_TIMEOUT_S)
            self.assertTrue(member.name.startswith(board.name + "/members/"), member.name)
            self.assertEqual(member.person, contact.name)
            self.assertEqual(member.display_name, " ".join((family, given, patronymic)))
            self.assertTrue(member.in_office)
            members.append(member.name)
        got_board = boards.GetSupervisoryBoard(bpb.GetSupervisoryBoardRequest(name=board.name),
                                               timeout=RPC_TIMEOUT_S)
        self.assertEqual(got_board.member_count, 5)
        self.assertEqual(got_board.vacancies, 0)

        # A meeting a week ago at 18:30 Moscow time (UTC+3), given in the library's local time.
        moscow = datetime.timezone(datetime.timedelta(hours=3))
        start = (datetime.datetime.now(moscow) - datetime.timedelta(days=7)).replace(
            hour=18, minute=30, second=0, microsecond=0)
        local_start = start.strftime("%Y-%m-%dT%H:%M")
        meeting = boards.CreateMeeting(gpb.CreateMeetingRequest(
            parent=board.name, meeting=gpb.Meeting(
                title="Заседание наблюдательного совета: отчёт за квартал",
                local_start_time=local_start, place="Читальный зал, ул. Лётчиков, 1")),
            timeout=RPC_TIMEOUT_S)
        self.assertTrue(meeting.name.startswith(board.name + "/meetings/"), meeting.name)
        self.assertEqual(meeting.state, gpb.Meeting.PLANNED)
        self.assertEqual(meeting.local_start_time, local_start)
        self.assertEqual(meeting.start_time.ToDatetime(),
                         start.astimezone(datetime.timezone.utc).replace(tzinfo=None))
        self.assertEqual(meeting.meeting_date, self.date(start.date()))
        self.assertEqual(meeting.members_in_office, 5)
        self.assertEqual(sorted(a.member for a in meeting.attendance), sorted(members))
        self.assertEqual(meeting.notified_count, 0)
        self.assertFalse(meeting.quorum)

        # Notices to all (an empty list: every member in office), then the meeting held with
        # four present: everyone notified and 4 > 5/2 is a quorum.
        notified = boards.RecordNotices(gpb.RecordNoticesRequest(
            name=meeting.name, etag=meeting.etag), timeout=RPC_TIMEOUT_S)
        self.assertEqual(notified.notified_count, 5)
        self.assertEqual([a.HasField("notice_time") for a in notified.attendance], [True] * 5)
        self.assertEqual(notified.state, gpb.Meeting.PLANNED)
        present = members[:4]
        held = boards.HoldMeeting(gpb.HoldMeetingRequest(
            name=meeting.name, etag=notified.etag, present=present), timeout=RPC_TIMEOUT_S)
        self.assertEqual(held.state, gpb.Meeting.HELD)
        self.assertTrue(held.quorum)
        self.assertEqual(held.members_in_office, 5)
        self.assertEqual(held.present_count, 4)
        self.assertEqual(held.notified_count, 5)
        presence = {a.member: a.presence for a in held.attendance}
        self.assertEqual(presence, dict([(m, gpb.Meeting.PRESENT) for m in present] +
                                        [(members[4], gpb.Meeting.ABSENT)]))

        # An agenda item about the partner, and the roll call: GENERAL questions need a
        # majority of all members in office (3 of 5); 3 YES and an abstention adopt it.
        item = boards.CreateAgendaItem(gpb.CreateAgendaItemRequest(
            parent=meeting.name, agenda_item=gpb.AgendaItem(
                title="О договоре с партнёром «Всё для чтения»", question_kind="GENERAL",
                description="Пожертвование книг для детского абонемента",
                partners=[partner.name])), timeout=RPC_TIMEOUT_S)
        self.assertTrue(item.name.startswith(meeting.name + "/agendaItems/"), item.name)
        self.assertEqual(item.position, 1)
        self.assertEqual(item.outcome, gpb.AgendaItem.PENDING)
        self.assertEqual(list(item.partners), [partner.name])
        motion = "Одобрить договор пожертвования с ООО «Всё для чтения» на 120 000 ₽"
        Vote = gpb.Vote
        choices = [Vote.YES, Vote.YES, Vote.YES, Vote.ABSTAIN]
        voted = boards.RecordVotes(gpb.RecordVotesRequest(
            name=item.name, etag=item.etag, motion=motion,
            votes=[Vote(member=m, choice=c) for m, c in zip(present, choices)]),
            timeout=RPC_TIMEOUT_S)
        self.assertEqual(voted.outcome, gpb.AgendaItem.ADOPTED)
        self.assertEqual(voted.motion, motion)
        self.assertEqual((voted.yes_count, voted.no_count, voted.abstain_count,
                          voted.recused_count), (3, 0, 1, 0))
        self.assertEqual(voted.base, 5)
        self.assertEqual(voted.required_yes, 3)
        self.assertEqual(voted.decision_rule, gpb.MAJORITY_OF_ALL_MEMBERS)
        self.assertFalse(voted.casting_vote)
        self.assertEqual(sorted((v.member, v.choice) for v in voted.votes),
                         sorted(zip(present, choices)))

        # The decision: its meeting, date and links come from the agenda item.
        decision = boards.CreateDecision(gpb.CreateDecisionRequest(
            parent=board.name, decision=gpb.Decision(
                agenda_item=item.name, title="Решение об одобрении договора пожертвования")),
            timeout=RPC_TIMEOUT_S)
        self.assertTrue(decision.name.startswith(board.name + "/decisions/"), decision.name)
        self.assertEqual(decision.agenda_item, item.name)
        self.assertEqual(decision.meeting, meeting.name)
        self.assertEqual(decision.decision_date, self.date(start.date()))
        self.assertEqual(list(decision.partners), [partner.name])
        self.assertEqual(decision.text, motion, "the text defaults to the motion")
        self.assertFalse(decision.minutes_approved)

        action = boards.CreateActionItem(gpb.CreateActionItemRequest(
            parent=decision.name, action_item=gpb.ActionItem(
                title="Подписать договор с «Всё для чтения»", owner_member=members[0],
                due_date=self.date(today + datetime.timedelta(days=30)))),
            timeout=RPC_TIMEOUT_S)
        self.assertTrue(action.name.startswith(decision.name + "/actionItems/"), action.name)
        self.assertEqual(action.state, gpb.ActionItem.OPEN)
        self.assertEqual(action.owner_member, members[0])
        self.assertFalse(action.overdue)
        decision = boards.GetDecision(gpb.GetDecisionRequest(name=decision.name),
                                      timeout=RPC_TIMEOUT_S)
        self.assertEqual(decision.open_action_items, 1)
        self.assertEqual(decision.overdue_action_items, 0)

        # The minutes, written while HELD, then approved: the meeting is locked.
        minutes = ("Протокол № 1. Присутствовали: 4 из 5 (Журавлёва Т. Ю. отсутствовала). "
                   "Решили: одобрить договор пожертвования.")
        current = boards.GetMeeting(gpb.GetMeetingRequest(name=meeting.name),
                                    timeout=RPC_TIMEOUT_S)
        written = boards.UpdateMeeting(gpb.UpdateMeetingRequest(
            meeting=gpb.Meeting(name=meeting.name, etag=current.etag, minutes=minutes),
            update_mask=s.field_mask_pb2.FieldMask(paths=["minutes"])), timeout=RPC_TIMEOUT_S)
        self.assertEqual(written.minutes, minutes)
        self.assertEqual(written.state, gpb.Meeting.HELD)
        approved = boards.ApproveMinutes(gpb.ApproveMinutesRequest(
            name=meeting.name, etag=written.etag), timeout=RPC_TIMEOUT_S)
        self.assertEqual(approved.state, gpb.Meeting.MINUTES_APPROVED)
        self.assertTrue(approved.HasField("minutes_approve_time"))
        self.assertEqual(approved.minutes, minutes)
        self.assertTrue(boards.GetDecision(gpb.GetDecisionRequest(name=decision.name),
                                           timeout=RPC_TIMEOUT_S).minutes_approved)

        # A later change is refused, with the reason a client can act on.
        error = self.assertRpcError(
            StatusCode.FAILED_PRECONDITION, boards.UpdateMeeting,
            gpb.UpdateMeetingRequest(
                meeting=gpb.Meeting(name=meeting.name, etag=approved.etag,
                                    title="Заседание перенесено задним числом"),
                update_mask=s.field_mask_pb2.FieldMask(paths=["title"])))
        self.assertEqual(self.error_reasons(error), ["MINUTES_APPROVED"])
        after = boards.GetMeeting(gpb.GetMeetingRequest(name=meeting.name), timeout=RPC_TIMEOUT_S)
        self.assertEqual(after.title, meeting.title, "a refusal changes nothing")
        self.assertEqual(after.etag, approved.etag)

        # The partner's decisions, from any board of the network; the other partner has none.
        def decisions_about(partner_name):
            found = boards.ListDecisions(gpb.ListDecisionsRequest(
                parent="libraries/-/supervisoryBoards/-",
                filter='partners:"%s"' % partner_name), timeout=RPC_TIMEOUT_S)
            return [d.name for d in found.decisions]
        self.assertEqual(decisions_about(partner.name), [decision.name])
        self.assertEqual(decisions_about(other_partner.name), [])

    def test_reader_council_starts_from_its_preset(self):
        rpb = self.s.reader_council_pb2
        library = self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("council"),
            library=self.pb.Library(display_name="Детская библиотека «Ёжик»",
                                    kind=self.pb.Library.BRANCH)),
            timeout=RPC_TIMEOUT_S)
        created = self.councils.CreateReaderCouncil(rpb.CreateReaderCouncilRequest(
            parent=library.name, reader_council_id="chitateli",
            reader_council=rpb.ReaderCouncil(display_name="Читательский совет «Ёжик»",
                                             seat_count=3)), timeout=RPC_TIMEOUT_S)
        self.assertEqual(created.name, library.name + "/readerCouncils/chitateli")
        got = self.councils.GetReaderCouncil(rpb.GetReaderCouncilRequest(name=created.name),
                                             timeout=RPC_TIMEOUT_S)
        self.assertEqual(got.display_name, "Читательский совет «Ёжик»")
        self.assertEqual(got.rules.preset, self.gpb.GovernanceRules.READER_COUNCIL)
        self.assertFalse(got.rules.quorum_requires_all_notified)
        self.assertEqual(got.seat_count, 3)
        self.assertEqual(got.vacancies, 3)


def scrape(address):
    """The metrics the server serves at http://address/metrics: {"name{labels}": value}."""
    import urllib.request
    with urllib.request.urlopen("http://%s/metrics" % address, timeout=10) as response:
        text = response.read().decode("utf-8")
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


class ChangeStreamTest(ServerTestCase):
    """An integration following every change of a library over the server-streaming call, and
    resuming from the position it kept."""

    def watch(self, stream, request, until):
        """Reads responses until `until(changes)` holds; returns the changes and the position."""
        changes, position = [], request.after_position
        call = stream.WatchChanges(request, timeout=60)
        try:
            for response in call:
                changes.extend(response.changes)
                position = response.position
                if until(changes):
                    return changes, position
        finally:
            call.cancel()
        self.fail("the stream ended before the awaited change")

    def test_changes_in_order_and_resume(self):
        s = self.s
        cpb = s.change_stream_pb2
        stream = s.change_stream_pb2_grpc.ChangeStreamServiceStub(ENV.channel)
        partners = s.partner_pb2_grpc.PartnerServiceStub(ENV.channel)
        library = self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("stream"),
            library=self.pb.Library(display_name="Библиотека «Поток»", kind=self.pb.Library.BRANCH)),
            timeout=RPC_TIMEOUT_S)
        made = []
        for title in ("Издательство «Ёж»", "Фонд «Ключ»"):
            made.append(partners.CreatePartner(s.partner_pb2.CreatePartnerRequest(
                parent=library.name, partner=s.partner_pb2.Partner(
                    display_name=title, kind=s.partner_pb2.Partner.BUSINESS)),
                timeout=RPC_TIMEOUT_S).name)
        changes, _ = self.watch(stream, cpb.WatchChangesRequest(parent=library.name),
                                lambda c: made[-1] in [x.resource for x in c])
        self.assertEqual([(c.verb, c.resource) for c in changes],
                         [("CREATE", library.name)] + [("CREATE", n) for n in made])
        positions = [c.position for c in changes]
        self.assertEqual(positions, sorted(set(positions)))
        self.assertIn("display_name", changes[1].changed_fields)
        self.assertNotIn("Ёж", str(changes))  # field paths, never values

        # Resumed after the first partner: the second, once.
        partners.DeletePartner(s.partner_pb2.DeletePartnerRequest(name=made[0]),
                               timeout=RPC_TIMEOUT_S)
        rest, _ = self.watch(
            stream, cpb.WatchChangesRequest(parent=library.name, after_position=positions[1],
                                            collections=["partners"]),
            lambda c: any(x.verb == "DELETE" for x in c))
        self.assertEqual([(c.verb, c.resource) for c in rest],
                         [("CREATE", made[1]), ("DELETE", made[0])])

        # A position not given yet: OUT_OF_RANGE with the bounds.
        try:
            for _ in stream.WatchChanges(cpb.WatchChangesRequest(
                    parent=library.name, after_position=10**15), timeout=RPC_TIMEOUT_S):
                self.fail("a response for a position in the future")
        except s.grpc.RpcError as error:
            self.assertEqual(error.code(), s.grpc.StatusCode.OUT_OF_RANGE)
            info = self.unpack_details(self.status_details(error), s.error_details_pb2.ErrorInfo)[0]
            self.assertEqual(info.reason, "POSITION_OUT_OF_RANGE")
            self.assertLess(int(info.metadata["newest_position"]), 10**15)


class MetricsTest(ServerTestCase):
    """Prometheus metrics as an operator's scraper sees them: counters that move with the calls
    made, latency histograms, the pool's gauges, and the log line naming the caller's key and
    the client's trace id."""

    def test_counters_move_and_the_log_names_key_and_trace(self):
        before = scrape(ENV.metrics_address)
        ok = ('allies_rpc_requests_total{code="OK",'
              'method="allies.v1.LibraryService/ListLibraries"}')
        missing = ('allies_rpc_requests_total{code="NOT_FOUND",'
                   'method="allies.v1.LibraryService/GetLibrary"}')
        trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        for _ in range(3):
            self.libraries.ListLibraries(self.pb.ListLibrariesRequest(), timeout=RPC_TIMEOUT_S)
        self.assertRpcError(self.s.grpc.StatusCode.NOT_FOUND, self.libraries.GetLibrary,
                            self.pb.GetLibraryRequest(name="libraries/" + unique_id("none")),
                            metadata=(("traceparent", "00-%s-00f067aa0ba902b7-01" % trace),))
        after = scrape(ENV.metrics_address)
        self.assertEqual(after[ok] - before.get(ok, 0), 3)
        self.assertEqual(after[missing] - before.get(missing, 0), 1)
        count = ('allies_rpc_latency_seconds_count'
                 '{method="allies.v1.LibraryService/ListLibraries"}')
        self.assertGreaterEqual(after[count] - before.get(count, 0), 3)
        self.assertGreater(after["allies_db_pool_size"], 0)
        self.assertGreater(after["allies_db_pool_open"], 0)
        self.assertGreater(after["allies_db_checkout_seconds_count"],
                           before.get("allies_db_checkout_seconds_count", 0))
        # The change stream's sequencer: a change made now is given its position (within the
        # sequencer's 100 ms poll), and the outbox lag is measured.
        sequenced = "allies_changes_sequenced_total"
        self.libraries.CreateLibrary(self.pb.CreateLibraryRequest(
            library_id=unique_id("metrics"),
            library=self.pb.Library(display_name="Библиотека метрик", kind=self.pb.Library.BRANCH)),
            timeout=RPC_TIMEOUT_S)
        deadline = time.time() + 10
        while scrape(ENV.metrics_address).get(sequenced, 0) <= after.get(sequenced, 0):
            self.assertLess(time.time(), deadline, "no change was sequenced")
            time.sleep(0.05)
        latest = scrape(ENV.metrics_address)
        self.assertGreater(latest["allies_change_stream_last_position"], 0)
        self.assertGreater(latest["allies_change_sequence_lag_seconds_count"], 0)
        # The log line of the failed call names the key and the trace.
        ENV.server_log.flush()
        with open(ENV.server_log_path, encoding="utf-8") as f:
            lines = [json.loads(line) for line in f if '"trace_id"' in line]
        self.assertTrue(lines, "no log line carries the trace id")
        self.assertEqual(lines[-1]["trace_id"], trace)
        self.assertEqual(lines[-1]["code"], "NOT_FOUND")
        self.assertTrue(lines[-1]["key"].startswith("apiKeys/"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server-bin", required=True)
    parser.add_argument("--migrate-bin", required=True)
    parser.add_argument("--dbctl", required=True)
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--googleapis-dir", required=True)
    parser.add_argument("--grpc-proto-dir", required=True)
    parser.add_argument("--protoc", default=shutil.which("protoc") or "/usr/bin/protoc",
                        help="protoc for --python_out (default: protoc on PATH)")
    args, unittest_args = parser.parse_known_args()

    # Turn SIGTERM (e.g. a test timeout) into an exception so cleanup runs.
    def on_sigterm(signum, frame):
        raise KeyboardInterrupt("SIGTERM")
    signal.signal(signal.SIGTERM, on_sigterm)

    global ENV
    ENV = Environment(args)
    try:
        try:
            ENV.start()
        except Exception as e:  # Report set-up failures like a failed test run.
            log("set-up failed: %s" % e)
            traceback.print_exc()
            return 1
        program = unittest.main(module=__name__, argv=[sys.argv[0]] + unittest_args,
                                exit=False, verbosity=2)
        return 0 if program.result.wasSuccessful() else 1
    finally:
        ENV.stop()


if __name__ == "__main__":
    sys.exit(main())
