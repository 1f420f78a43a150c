// StopCheck: how a query polls its StopFn (graph/filter.h) without paying
// for a call per index entry.
#ifndef ENTENTE_GRAPH_STOP_CHECK_H_
#define ENTENTE_GRAPH_STOP_CHECK_H_

#include "absl/status/status.h"
#include "graph/filter.h"

namespace entente::graph {

// What a query returns once its StopFn has fired.
inline absl::Status Stopped() {
  return absl::DeadlineExceededError("deadline exceeded or call cancelled");
}

// Asks the StopFn at a query's first step and then every kEvery steps,
// counted over the whole query. (A count restarted per scan never reached
// the next check on a traversal of many nodes with few statements each, and
// a stop that had already fired went unseen on small queries.)
//
// Thread-safety: none; one query, one thread. `stop` must outlive it.
class StopCheck {
 public:
  // How often (in index entries and expanded nodes) it asks.
  static constexpr int kEvery = 1024;

  explicit StopCheck(const StopFn& stop) : stop_(stop) {}
  // True once the StopFn has fired.
  bool Step() {
    if (!stop_ || --until_check_ > 0) return false;
    until_check_ = kEvery;
    return stop_();
  }

 private:
  const StopFn& stop_;
  int until_check_ = 1;
};

}  // namespace entente::graph

#endif  // ENTENTE_GRAPH_STOP_CHECK_H_
