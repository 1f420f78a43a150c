// The claims pass of Store::Check() (storage/check.h): in a store that keeps
// claims, recomputes every claim from the statements, pair by pair, and
// compares it with the claims family.
#ifndef ENTENTE_STORAGE_CHECK_CLAIMS_H_
#define ENTENTE_STORAGE_CHECK_CLAIMS_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "storage/check.h"
#include "storage/store.h"

namespace entente::storage {

// Adds to `report` the claims read (checked.claims) and every missing,
// differing or orphan claim and member count, listing up to `max_problems`
// problems in all. Fails only on a read error.
absl::Status CheckClaims(const ReadView& view, int32_t window_days, size_t max_problems,
                         CheckReport* report);

}  // namespace entente::storage

#endif  // ENTENTE_STORAGE_CHECK_CLAIMS_H_
