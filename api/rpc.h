// How handlers are served: gRPC's async completion-queue API, with each request handled start to
// finish on the thread that took it from the queue (the host runs several such threads). A
// handler is a plain function from request to absl::Status and response; this file adds the
// request id, exception safety, deadline check, status conversion (with details) and the per-RPC
// JSON log line. Later: authentication and the policy check.
//
// Why not the callback API with a worker pool: every call then crosses from a gRPC thread to a
// worker and back, and on 2 cores those hand-offs cost more than the call (see the benchmark).
#ifndef ALLIES_API_RPC_H_
#define ALLIES_API_RPC_H_

#include <google/protobuf/descriptor.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/async_unary_call.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "api/errors.h"
#include "api/policy.h"

namespace allies::api {

// A method as the host serves it: its descriptor (which carries its permission) and its path.
struct MethodInfo {
  const google::protobuf::MethodDescriptor* descriptor;
  std::string path;  // "allies.v1.LibraryService/GetLibrary"
};

// The method whose request and response are these messages: of `service`, or (nullptr) of any
// service in the request's file (every rpc of a service has a request message of its own;
// services sharing a core, like the governance bodies', share request messages). Aborts when
// there is none or more than one: a programming error.
MethodInfo FindMethod(const google::protobuf::Descriptor* request,
                      const google::protobuf::Descriptor* response,
                      const google::protobuf::ServiceDescriptor* service = nullptr);

// What a handler knows about the call it serves.
class Call {
 public:
  Call(grpc::ServerContext* context, const MethodInfo& method, std::string request_id,
       Principal principal)
      : context_(context),
        method_(&method),
        request_id_(std::move(request_id)),
        principal_(std::move(principal)) {}
  grpc::ServerContext* context() const { return context_; }
  // The method being called: "allies.v1.LibraryService/GetLibrary" (what request ids are
  // remembered under).
  const std::string& method() const { return method_->path; }
  // When the client stops waiting (InfiniteFuture when it set no deadline): storage waits for a
  // connection, and retries a conflict, only until then.
  absl::Time deadline() const {
    const auto d = context_->deadline();
    if (d == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
    return absl::FromChrono(d);
  }
  // From the client's x-request-id metadata, else generated; echoed back in initial metadata.
  const std::string& request_id() const { return request_id_; }
  // Who is calling (authenticated by the API key); its name is the activity log's actor.
  const Principal& principal() const { return principal_; }

 private:
  grpc::ServerContext* context_;
  const MethodInfo* method_;
  std::string request_id_;
  Principal principal_;
};

// A completion-queue event: the host's threads call Proceed on every tag they take.
//
// Several threads serve one queue, so a tag handed to gRPC by one thread may come back to
// another. gRPC orders that hand-off internally; the counter makes the order explicit in our
// own code too (release before handing the tag over, acquire when it comes back), which is
// what lets ThreadSanitizer check the rest of the code behind uninstrumented gRPC.
class CompletionTag {
 public:
  virtual ~CompletionTag() = default;
  virtual void Proceed(bool ok) = 0;
  // The serving loop calls this on every tag it takes, before Proceed.
  void Acquire() { (void)handoffs_.load(std::memory_order_acquire); }

 protected:
  // Call right before giving this tag to gRPC.
  void Release() { handoffs_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<uint32_t> handoffs_{0};
};

// Turns a bearer token into the principal behind it: UNAUTHENTICATED when the key is unknown,
// expired or revoked, UNAVAILABLE when that cannot be told (database down).
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::StatusOr<Principal> Authenticate(absl::string_view token) = 0;
};

// The principal of a call from its "authorization: Bearer <key>" metadata.
absl::StatusOr<Principal> AuthenticateCall(grpc::ServerContext* context,
                                           Authenticator& authenticator);

// Runs body with the common policy (deadline, exceptions) and returns its status; logs nothing.
absl::Status RunHandler(const Call& call, const std::function<absl::Status()>& body);

// One call served the common way, whatever its kind (unary, or the change stream's server
// streaming): its request id accepted, the caller authenticated and its permission checked,
// `body` run under RunHandler's policy, the log line written and the observer told. Returns
// the call's status.
absl::Status ServeCall(grpc::ServerContext* context, const MethodInfo& method,
                       Authenticator& authenticator,
                       const std::function<absl::Status(const Call&)>& body);

// Writes the per-RPC log line (method, code, latency, peer, request id, the caller's key, the
// trace id of a W3C `traceparent` header): info, warn for UNAVAILABLE and DEADLINE_EXCEEDED
// (the database or the client's patience), error for INTERNAL.
void LogRpc(const Call& call, absl::Time start, const absl::Status& status);

// What watches every RPC besides the log (the server's metrics). Set once at start-up, unset
// before it is destroyed; called on serving threads.
class RpcObserver {
 public:
  virtual ~RpcObserver() = default;
  virtual void OnRpc(const Call& call, absl::StatusCode code, absl::Duration latency) = 0;
};
void SetRpcObserver(RpcObserver* observer);
void ObserveRpc(const Call& call, absl::StatusCode code, absl::Duration latency);

// Starts a call's common part: its request id (echoed in initial metadata).
std::string AcceptCall(grpc::ServerContext* context);

// A service as the host sees it: the gRPC service object to register, and a way to ask the
// completion queue for its next calls.
class HostedService {
 public:
  virtual ~HostedService() = default;
  virtual grpc::Service* service() = 0;
  // Requests one call of every method on cq (called once per serving thread at start-up).
  virtual void Arm(grpc::ServerCompletionQueue* cq) = 0;
  // The methods it serves ("allies.v1.LibraryService/GetLibrary"). An asynchronous service
  // answers no call of a method it declares but does not serve (the call waits for its
  // deadline), so the host refuses to start with one.
  virtual std::vector<std::string> Served() const = 0;
  // The host is shutting down (called before it stops accepting calls, while the database pool
  // is still open): end long-lived work such as streams and background threads.
  virtual void Stop() {}
};

// Base for a service implemented over a generated AsyncService: derived classes declare their
// methods once with Unary(...), and the rest is shared.
template <typename T>
struct NonDeduced {
  using type = T;
};

template <typename AsyncService>
class AsyncServiceHost : public HostedService {
 public:
  // `service`: the service's descriptor, needed when its request messages are shared with
  // another service (FindMethod).
  explicit AsyncServiceHost(Authenticator& authenticator,
                            const google::protobuf::ServiceDescriptor* service = nullptr)
      : authenticator_(authenticator), service_descriptor_(service) {}
  grpc::Service* service() override { return &async_; }
  void Arm(grpc::ServerCompletionQueue* cq) override {
    for (const auto& method : methods_) method(cq);
  }
  std::vector<std::string> Served() const override { return served_; }

 protected:
  template <typename Request, typename Response>
  using RequestFn = void (AsyncService::*)(grpc::ServerContext*, Request*,
                                           grpc::ServerAsyncResponseWriter<Response>*,
                                           grpc::CompletionQueue*, grpc::ServerCompletionQueue*,
                                           void*);
  template <typename Request, typename Response>
  using Handler = std::function<absl::Status(const Call&, const Request&, Response*)>;

  // Declares a unary method; its name and permission come from its descriptor. (The handler's
  // types follow from `request`: it may be a generic lambda.)
  template <typename Base, typename Request, typename Response>
  void Unary(void (Base::*request_method)(grpc::ServerContext*, Request*,
                                          grpc::ServerAsyncResponseWriter<Response>*,
                                          grpc::CompletionQueue*, grpc::ServerCompletionQueue*,
                                          void*),
             typename NonDeduced<Handler<Request, Response>>::type handler) {
    // (The generated method is declared on a base of AsyncService.)
    RequestFn<Request, Response> request = request_method;
    auto method = std::make_shared<const Method<Request, Response>>(Method<Request, Response>{
        FindMethod(Request::descriptor(), Response::descriptor(), service_descriptor_),
        std::move(handler)});
    served_.push_back(method->info.path);
    methods_.push_back([this, request, method](grpc::ServerCompletionQueue* cq) {
      new UnaryCall<Request, Response>(&async_, &authenticator_, request, method, cq);
    });
  }

 private:
  template <typename Request, typename Response>
  struct Method {
    MethodInfo info;
    Handler<Request, Response> handler;
  };

  // One call's life: requested -> running (inline on this thread) -> finishing -> deleted.
  template <typename Request, typename Response>
  class UnaryCall final : public CompletionTag {
   public:
    UnaryCall(AsyncService* service, Authenticator* authenticator,
              RequestFn<Request, Response> request,
              std::shared_ptr<const Method<Request, Response>> method,
              grpc::ServerCompletionQueue* cq)
        : service_(service),
          authenticator_(authenticator),
          request_fn_(request),
          method_(std::move(method)),
          cq_(cq),
          responder_(&context_) {
      Release();
      (service_->*request_fn_)(&context_, &request_, &responder_, cq_, cq_, this);
    }

    void Proceed(bool ok) override {
      if (finishing_ || !ok) {  // finished, or the server is shutting down
        delete this;
        return;
      }
      // Let the next call of this method in before this one runs.
      new UnaryCall(service_, authenticator_, request_fn_, method_, cq_);
      Response response;
      const absl::Status status =
          ServeCall(&context_, method_->info, *authenticator_,
                    [&](const Call& call) { return method_->handler(call, request_, &response); });
      finishing_ = true;
      Release();
      if (status.ok()) {
        responder_.Finish(response, grpc::Status::OK, this);
      } else {
        responder_.FinishWithError(ToGrpcStatus(status), this);
      }
    }

   private:
    AsyncService* service_;
    Authenticator* authenticator_;
    RequestFn<Request, Response> request_fn_;
    std::shared_ptr<const Method<Request, Response>> method_;
    grpc::ServerCompletionQueue* cq_;
    grpc::ServerContext context_;
    Request request_;
    grpc::ServerAsyncResponseWriter<Response> responder_;
    bool finishing_ = false;
  };

  Authenticator& authenticator_;
  const google::protobuf::ServiceDescriptor* service_descriptor_;
  AsyncService async_;
  std::vector<std::function<void(grpc::ServerCompletionQueue*)>> methods_;
  std::vector<std::string> served_;
};

}  // namespace allies::api

#endif  // ALLIES_API_RPC_H_
