// Lets the server's and admin's long flags be spelled with dashes as well as
// the underscores that absl flags define: --metrics-listen=X is
// --metrics_listen=X. Operators type both; absl alone rejects the dashed one.
#ifndef ENTENTE_SERVER_FLAG_SPELLING_H_
#define ENTENTE_SERVER_FLAG_SPELLING_H_

#include <string>
#include <string_view>

namespace entente::server {

// One argument with the dashes of its flag name (the part between the
// leading "--" and any '=') turned into underscores. Arguments that do not
// start with "--", and the bare "--", come back unchanged.
std::string UnderscoreFlagName(std::string_view arg);

// Rewrites argv[1..argc) in place with UnderscoreFlagName, up to (not past)
// a bare "--": what follows it are positional arguments. The rewrite keeps
// every argument's length, so argv's own storage is reused.
void UnderscoreFlagNames(int argc, char** argv);

}  // namespace entente::server

#endif  // ENTENTE_SERVER_FLAG_SPELLING_H_
