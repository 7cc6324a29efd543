#include "storage/observer.h"

#include <atomic>

namespace allies::storage {
namespace {

std::atomic<StorageObserver*> observer{nullptr};

}  // namespace

void SetStorageObserver(StorageObserver* o) { observer.store(o, std::memory_order_release); }

StorageObserver* GetStorageObserver() { return observer.load(std::memory_order_acquire); }

}  // namespace allies::storage
