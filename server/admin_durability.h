// entente-admin check and restore: offline consistency check and restore of
// a backup (docs/durability.md).
#ifndef ENTENTE_SERVER_ADMIN_DURABILITY_H_
#define ENTENTE_SERVER_ADMIN_DURABILITY_H_

#include <string>
#include <vector>

namespace entente::server {

// The usage lines of both commands, for entente-admin's help.
extern const char kCheckRestoreUsage[];

// entente-admin check --data DIR [--max_problems N]: 0 consistent, 1 a
// report of the problems (or the database could not be read), 2 usage.
int AdminCheck(const std::vector<std::string>& args);

// entente-admin claims --data DIR [--claim_window_days N]: 0 the database
// keeps claims now, 1 failed (or it kept them already), 2 usage.
int AdminClaims(const std::vector<std::string>& args);

// entente-admin claims-report --data DIR [--top N]: 0 reported, 1 failed
// (no database, or it keeps no claims), 2 usage.
int AdminClaimsReport(const std::vector<std::string>& args);

// entente-admin restore --backup_dir DIR [--backup_id N] --data NEWDIR:
// 0 restored, 1 failed (NEWDIR not empty, no such backup...), 2 usage.
int AdminRestore(const std::vector<std::string>& args);

}  // namespace entente::server

#endif  // ENTENTE_SERVER_ADMIN_DURABILITY_H_
