// Parts of Store shared by its implementation files; not for other code.
#ifndef ENTENTE_STORAGE_STORE_INTERNAL_H_
#define ENTENTE_STORAGE_STORE_INTERNAL_H_

#include <memory>

#include "storage/bulk_writer.h"
#include "storage/store.h"

namespace entente::storage {

// A bulk load through Stage()/IngestStaged(): one BulkWriter with one sink,
// started by the first Stage().
struct Store::Staged {
  std::unique_ptr<BulkWriter> writer;
};

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_STORE_INTERNAL_H_
