// entente-admin check and restore: offline consistency check and restore of
// a backup (docs/durability.md).
#ifndef ENTENTE_SERVER_ADMIN_DURABILITY_H_
#define ENTENTE_SERVER_ADMIN_DURABILITY_H_

#include <cstdint>
#include <string>

#include "model/claim.h"

namespace entente::server {

// The usage lines of both commands, for entente-admin's help.
extern const char kCheckRestoreUsage[];

// The options of each command, read by entente-admin's parser
// (server/flags.h): `data` is required, numbers are in range.
struct CheckOptions {
  std::string data;
  int max_problems = 100;  // 1..1000000
};
struct ClaimsOptions {
  std::string data;
  int claim_window_days = model::kDefaultClaimWindowDays;  // 0..kMaxClaimWindowDays
};
struct ClaimsReportOptions {
  std::string data;
  int top = 10;  // 0..1000
};
struct RestoreOptions {
  std::string backup_dir;
  int64_t backup_id = 0;  // 0: the latest; at most 2^32 - 1
  std::string data;
};

// entente-admin check --data DIR [--max_problems N]: 0 consistent, 1 a
// report of the problems (or the database could not be read).
int AdminCheck(const CheckOptions& options);

// entente-admin claims --data DIR [--claim_window_days N]: 0 the database
// keeps claims now, 1 failed (or it kept them already).
int AdminClaims(const ClaimsOptions& options);

// entente-admin claims-report --data DIR [--top N]: 0 reported, 1 failed
// (no database, or it keeps no claims).
int AdminClaimsReport(const ClaimsReportOptions& options);

// entente-admin restore --backup_dir DIR [--backup_id N] --data NEWDIR:
// 0 restored, 1 failed (NEWDIR not empty, no such backup...).
int AdminRestore(const RestoreOptions& options);

}  // namespace entente::server

#endif  // ENTENTE_SERVER_ADMIN_DURABILITY_H_
