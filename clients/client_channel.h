// The C++ client library's channel: every call carries "authorization: Bearer <key>".
#ifndef ALLIES_CLIENTS_CLIENT_CHANNEL_H_
#define ALLIES_CLIENTS_CLIENT_CHANNEL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace allies::client {

// A channel to `target` sending `key` with every call (no credential when `key` is empty).
// Extra channel arguments may be given (e.g. to keep channels apart).
std::shared_ptr<grpc::Channel> CreateChannel(const std::string& target, const std::string& key,
                                             grpc::ChannelArguments args = {});

}  // namespace allies::client

#endif  // ALLIES_CLIENTS_CLIENT_CHANNEL_H_
