# Compiles the API protos and the google.rpc error-detail protos into one library, allies_proto.
set(ALLIES_GOOGLEAPIS_DIR /usr/share/gocode/src/github.com/gogo/googleapis
    CACHE PATH "Root of the google/rpc and google/type .proto files")
set(ALLIES_PROTO_OUT ${CMAKE_BINARY_DIR}/proto)
file(MAKE_DIRECTORY ${ALLIES_PROTO_OUT})

# (import root, relative path, has services)
set(_allies_protos
  "${ALLIES_GOOGLEAPIS_DIR}|google/rpc/status.proto|0"
  "${ALLIES_GOOGLEAPIS_DIR}|google/rpc/error_details.proto|0"
  "${ALLIES_GOOGLEAPIS_DIR}|google/rpc/code.proto|0"
  "${ALLIES_GOOGLEAPIS_DIR}|google/type/date.proto|0"
  "${ALLIES_GOOGLEAPIS_DIR}|google/type/money.proto|0"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/options.proto|0"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/library.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/activity.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/change_stream.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/api_key.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/partner.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/contact.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/agreement.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/consent.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/volunteer.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/project.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/governance.proto|0"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/reader_council.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/supervisory_board.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/reminder.proto|1"
  "${CMAKE_SOURCE_DIR}/proto|allies/v1/report.proto|1"
)

set(ALLIES_PROTO_SRCS)
foreach(entry IN LISTS _allies_protos)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 root)
  list(GET parts 1 rel)
  list(GET parts 2 has_services)
  string(REGEX REPLACE "\\.proto$" "" base "${rel}")
  set(outs ${ALLIES_PROTO_OUT}/${base}.pb.cc ${ALLIES_PROTO_OUT}/${base}.pb.h)
  set(args --cpp_out=${ALLIES_PROTO_OUT})
  if(has_services)
    list(APPEND outs ${ALLIES_PROTO_OUT}/${base}.grpc.pb.cc ${ALLIES_PROTO_OUT}/${base}.grpc.pb.h)
    list(APPEND args --grpc_out=${ALLIES_PROTO_OUT} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN})
  endif()
  add_custom_command(
    OUTPUT ${outs}
    COMMAND ${PROTOC} -I${CMAKE_SOURCE_DIR}/proto -I${ALLIES_GOOGLEAPIS_DIR} -I/usr/include ${args}
            ${root}/${rel}
    DEPENDS ${root}/${rel}
    COMMENT "protoc ${rel}"
    VERBATIM)
  foreach(o IN LISTS outs)
    if(o MATCHES "\\.cc$")
      list(APPEND ALLIES_PROTO_SRCS ${o})
    endif()
  endforeach()
endforeach()

add_library(allies_proto STATIC ${ALLIES_PROTO_SRCS})
target_include_directories(allies_proto SYSTEM PUBLIC ${ALLIES_PROTO_OUT})
target_link_libraries(allies_proto PUBLIC PkgConfig::GRPCPP PkgConfig::PROTOBUF)
# Generated code is not ours to warn about.
target_compile_options(allies_proto PRIVATE -w)

# grpc.health.v1 client stubs (the server side comes with gRPC), for tests and the benchmark.
set(ALLIES_HEALTH_PROTO /usr/share/grpc-proto/grpc/health/v1/health.proto)
add_custom_command(
  OUTPUT ${ALLIES_PROTO_OUT}/grpc/health/v1/health.pb.cc
         ${ALLIES_PROTO_OUT}/grpc/health/v1/health.grpc.pb.cc
  COMMAND ${PROTOC} -I/usr/share/grpc-proto --cpp_out=${ALLIES_PROTO_OUT}
          --grpc_out=${ALLIES_PROTO_OUT} --plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}
          ${ALLIES_HEALTH_PROTO}
  DEPENDS ${ALLIES_HEALTH_PROTO}
  COMMENT "protoc grpc/health/v1/health.proto"
  VERBATIM)
add_library(allies_health_proto STATIC ${ALLIES_PROTO_OUT}/grpc/health/v1/health.pb.cc
  ${ALLIES_PROTO_OUT}/grpc/health/v1/health.grpc.pb.cc)
target_include_directories(allies_health_proto SYSTEM PUBLIC ${ALLIES_PROTO_OUT})
target_link_libraries(allies_health_proto PUBLIC PkgConfig::GRPCPP PkgConfig::PROTOBUF)
target_compile_options(allies_health_proto PRIVATE -w)
