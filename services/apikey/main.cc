// allies-api-key-service: the ApiKeyService as its own microservice.
#include "server/host.h"
#include "services/apikey/api_key_service.h"

int main(int argc, char** argv) {
  return allies::server::RunServerMain(argc, argv, "allies-api-key-service",
                                       "Serves allies.v1.ApiKeyService (API keys).",
                                       {allies::services::ApiKeyServiceRegistration()});
}
