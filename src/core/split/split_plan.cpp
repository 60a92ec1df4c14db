#include "dqprep/split/split_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>

#include "dqprep/util/hash.hpp"
#include "dqprep/util/number_text.hpp"
#include "dqprep/util/random.hpp"

namespace dqprep::split_plan {

namespace {

using u128 = __uint128_t;
using i128 = __int128_t;

constexpr double kRatioQuantum = 1e12;

std::string number(double v) { return util::number_text(v, 12); }

Status check_record_count(size_t n) {
  if (n > std::numeric_limits<uint32_t>::max())
    return Status::usage("more than 2^32 - 1 records in one split plan; use --hash-mode");
  return {};
}

Status check_class_ids(std::span<const uint32_t> class_ids, uint32_t num_classes) {
  for (uint32_t c : class_ids)
    if (c >= num_classes)
      return Status::usage("class id " + std::to_string(c) + " is not below the number of classes (" +
                           std::to_string(num_classes) + ")");
  return {};
}

// Max-flow by Dinic's algorithm, with an iterative search so that long residual paths cannot
// exhaust the stack.
class FlowGraph {
 public:
  explicit FlowGraph(size_t nodes) : adj_(nodes), level_(nodes), next_(nodes) {}

  struct EdgeRef {
    uint32_t from, index;
  };
  EdgeRef add_edge(uint32_t from, uint32_t to, uint64_t cap) {
    EdgeRef ref{from, static_cast<uint32_t>(adj_[from].size())};
    adj_[from].push_back({to, static_cast<uint32_t>(adj_[to].size()), cap});
    adj_[to].push_back({from, ref.index, 0});
    return ref;
  }
  void add_capacity(EdgeRef e, uint64_t more) { adj_[e.from][e.index].cap += more; }
  uint64_t residual(EdgeRef e) const { return adj_[e.from][e.index].cap; }

  // Pushes as much more flow as the residual graph allows; returns the amount added.
  uint64_t augment(uint32_t source, uint32_t sink) {
    uint64_t total = 0;
    while (levels(source, sink)) {
      std::fill(next_.begin(), next_.end(), 0);
      std::vector<EdgeRef> path;
      uint32_t u = source;
      while (true) {
        if (u == sink) {
          uint64_t push = UINT64_MAX;
          for (EdgeRef e : path) push = std::min(push, adj_[e.from][e.index].cap);
          for (EdgeRef e : path) {
            Edge& fwd = adj_[e.from][e.index];
            fwd.cap -= push;
            adj_[fwd.to][fwd.rev].cap += push;
          }
          total += push;
          path.clear();
          u = source;
          continue;
        }
        bool advanced = false;
        for (uint32_t& i = next_[u]; i < adj_[u].size(); ++i) {
          const Edge& e = adj_[u][i];
          if (e.cap > 0 && level_[e.to] == level_[u] + 1) {
            path.push_back({u, i});
            u = e.to;
            advanced = true;
            break;
          }
        }
        if (advanced) continue;
        level_[u] = -1;  // a dead end for the rest of this phase
        if (path.empty()) break;
        u = path.back().from;
        path.pop_back();
        ++next_[u];
      }
    }
    return total;
  }

 private:
  struct Edge {
    uint32_t to, rev;
    uint64_t cap;
  };
  bool levels(uint32_t source, uint32_t sink) {
    std::fill(level_.begin(), level_.end(), -1);
    std::vector<uint32_t> queue{source};
    level_[source] = 0;
    for (size_t head = 0; head < queue.size(); ++head) {
      uint32_t u = queue[head];
      for (const Edge& e : adj_[u])
        if (e.cap > 0 && level_[e.to] < 0) {
          level_[e.to] = level_[u] + 1;
          queue.push_back(e.to);
        }
    }
    return level_[sink] >= 0;
  }

  std::vector<std::vector<Edge>> adj_;
  std::vector<int> level_;
  std::vector<uint32_t> next_;
};

// The (class, part) cells left without a record of a class that has records.
std::vector<Unreached> unreached_cells(const std::vector<uint64_t>& cells,
                                       const std::vector<uint64_t>& class_sizes, size_t parts) {
  std::vector<Unreached> out;
  for (size_t c = 0; c < class_sizes.size(); ++c) {
    if (class_sizes[c] == 0) continue;
    for (size_t s = 0; s < parts; ++s)
      if (cells[c * parts + s] == 0) out.push_back({static_cast<uint32_t>(c), static_cast<PartId>(s)});
  }
  return out;
}

// Groups numbered densely in order of first appearance: one pass over the records through an
// open-addressing table of the distinct ids, instead of sorting the records by id.
struct Groups {
  std::vector<uint32_t> of_record;  // dense group of each record
  std::vector<uint64_t> id;         // by dense group
  std::vector<uint64_t> size;       // records, by dense group
};

inline uint64_t mix64(uint64_t z) {  // SplitMix64's finalizer: ids may be small consecutive integers
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Groups number_groups(std::span<const uint64_t> group_ids) {
  Groups g;
  g.of_record.resize(group_ids.size());
  std::vector<uint32_t> table(1024, UINT32_MAX);  // a dense number, or UINT32_MAX when empty
  size_t mask = table.size() - 1;
  auto slot_of = [&](uint64_t id) {
    size_t slot = mix64(id) & mask;
    while (table[slot] != UINT32_MAX && g.id[table[slot]] != id) slot = (slot + 1) & mask;
    return slot;
  };
  for (size_t i = 0; i < group_ids.size(); ++i) {
    const uint64_t id = group_ids[i];
    size_t slot = slot_of(id);
    if (table[slot] == UINT32_MAX) {
      table[slot] = static_cast<uint32_t>(g.id.size());
      g.id.push_back(id);
      g.size.push_back(0);
      if (g.id.size() * 2 > table.size()) {  // at most half full
        table.assign(table.size() * 2, UINT32_MAX);
        mask = table.size() - 1;
        for (uint32_t k = 0; k < g.id.size(); ++k) table[slot_of(g.id[k])] = k;
        slot = slot_of(id);
      }
    }
    g.of_record[i] = table[slot];
    ++g.size[table[slot]];
  }
  return g;
}

// Dense group numbers by descending `primary` (size, spread), then ascending tie key: a hash of
// the id seeded by `shuffle_seed`, or the id itself without one. The keys are sorted as contiguous
// records rather than through indexes, which would miss the cache on every comparison.
std::vector<uint32_t> group_order(const Groups& g, std::optional<uint64_t> shuffle_seed,
                                  const std::vector<u128>& primary) {
  struct Key {
    u128 primary;
    uint64_t tie;
    uint32_t group;
  };
  std::vector<Key> keys(g.id.size());
  for (uint32_t k = 0; k < keys.size(); ++k)
    keys[k] = {primary[k], shuffle_seed ? Rng(*shuffle_seed, g.id[k]).next_u64() : g.id[k], k};
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.primary != b.primary) return a.primary > b.primary;
    if (a.tie != b.tie) return a.tie < b.tie;
    return g.id[a.group] < g.id[b.group];  // equal seeded hashes of different ids: 2^-64
  });
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].group;
  return order;
}

Plan plan_from_groups(const Groups& g, const std::vector<PartId>& group_part, size_t parts) {
  Plan plan;
  plan.part.resize(g.of_record.size());
  plan.totals.assign(parts, 0);
  for (size_t i = 0; i < g.of_record.size(); ++i) plan.part[i] = group_part[g.of_record[i]];
  for (size_t k = 0; k < g.id.size(); ++k) plan.totals[group_part[k]] += g.size[k];
  return plan;
}

}  // namespace

// ---- Parts ------------------------------------------------------------------------------------

Status validate_ratios(std::span<const double> ratios) {
  if (ratios.empty()) return Status::usage("--ratios needs at least one ratio");
  if (ratios.size() > kMaxParts)
    return Status::usage("--ratios: at most " + std::to_string(kMaxParts) + " parts");
  double sum = 0;
  for (size_t i = 0; i < ratios.size(); ++i) {
    double r = ratios[i];
    if (!std::isfinite(r) || r <= 0)
      return Status::usage("--ratios: ratio " + std::to_string(i + 1) + " is " + number(r) +
                           "; every ratio must be a number above 0");
    sum += r;
  }
  if (std::fabs(sum - 1.0) > 1e-9)
    return Status::usage("--ratios must sum to 1 (within 1e-9); they sum to " + number(sum));
  return {};
}

Result<Parts> Parts::from_ratios(std::span<const double> ratios) {
  DQPREP_RETURN_IF_ERROR(validate_ratios(ratios));
  Parts p;
  for (double r : ratios) {
    // A ratio below half a quantum still names a part: it keeps the smallest weight.
    p.weights_.push_back(std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(r * kRatioQuantum))));
  }
  for (uint64_t w : p.weights_) p.cumulative_.push_back(p.total_ += w);
  return p;
}

Result<Parts> Parts::folds(size_t k) {
  if (k < 2 || k > kMaxParts)
    return Status::usage("--kfold must be between 2 and " + std::to_string(kMaxParts) + "; got " +
                         std::to_string(k));
  Parts p;
  p.weights_.assign(k, 1);
  for (uint64_t w : p.weights_) p.cumulative_.push_back(p.total_ += w);
  return p;
}

double Parts::ratio(size_t part) const {
  return static_cast<double>(weights_[part]) / static_cast<double>(total_);
}

std::vector<uint64_t> Parts::counts(uint64_t n) const {
  const size_t parts = weights_.size();
  std::vector<uint64_t> counts(parts);
  std::vector<uint64_t> remainder(parts);
  uint64_t assigned = 0;
  for (size_t s = 0; s < parts; ++s) {
    u128 prod = static_cast<u128>(n) * weights_[s];
    counts[s] = static_cast<uint64_t>(prod / total_);
    remainder[s] = static_cast<uint64_t>(prod % total_);
    assigned += counts[s];
  }
  std::vector<size_t> by_remainder(parts);
  std::iota(by_remainder.begin(), by_remainder.end(), size_t{0});
  std::sort(by_remainder.begin(), by_remainder.end(), [&](size_t a, size_t b) {
    return remainder[a] != remainder[b] ? remainder[a] > remainder[b] : a < b;
  });
  for (uint64_t k = 0; k < n - assigned; ++k) ++counts[by_remainder[k]];
  return counts;
}

PartId Parts::part_of_hash(uint64_t h) const {
  uint64_t v = static_cast<uint64_t>((static_cast<u128>(h) * total_) >> 64);  // uniform in [0, total)
  return static_cast<PartId>(std::upper_bound(cumulative_.begin(), cumulative_.end(), v) - cumulative_.begin());
}

Result<std::vector<uint64_t>> split_counts(uint64_t n, std::span<const double> ratios) {
  DQPREP_ASSIGN_OR_RETURN(Parts parts, Parts::from_ratios(ratios));
  return parts.counts(n);
}

// ---- random -----------------------------------------------------------------------------------

Plan random_split(uint64_t n, const Parts& parts, uint64_t seed) {
  Plan plan;
  plan.totals = parts.counts(n);
  plan.part.reserve(n);
  for (size_t s = 0; s < plan.totals.size(); ++s) plan.part.insert(plan.part.end(), plan.totals[s], static_cast<PartId>(s));
  Rng rng(seed);
  for (uint64_t i = n; i > 1; --i) std::swap(plan.part[i - 1], plan.part[rng.uniform(i)]);
  return plan;
}

// ---- stratified -------------------------------------------------------------------------------

Result<Plan> stratified_split(std::span<const uint32_t> class_ids, uint32_t num_classes,
                              const Parts& parts, uint64_t seed) {
  DQPREP_RETURN_IF_ERROR(check_class_ids(class_ids, num_classes));
  const size_t S = parts.size(), C = num_classes;
  const uint64_t W = parts.total_weight();
  const auto& w = parts.weights();

  std::vector<uint64_t> size(C, 0);
  for (uint32_t c : class_ids) ++size[c];

  // Floors of every cell; the remainders say which cells may take one more.
  std::vector<uint64_t> cells(C * S, 0);
  std::vector<uint64_t> extra(C, 0);     // records of a class left after its floors
  std::vector<u128> column_rem(S, 0);    // sum over classes of the cell remainders, in units of 1/W
  auto remainder = [&](size_t c, size_t s) { return static_cast<u128>(size[c]) * w[s] % W; };
  for (size_t c = 0; c < C; ++c) {
    if (!size[c]) continue;
    uint64_t floors = 0;
    for (size_t s = 0; s < S; ++s) {
      u128 prod = static_cast<u128>(size[c]) * w[s];
      cells[c * S + s] = static_cast<uint64_t>(prod / W);
      floors += cells[c * S + s];
      column_rem[s] += prod % W;
    }
    extra[c] = size[c] - floors;
  }

  // The extras as a flow: source -> class (its extra) -> part (1 per cell with a remainder) -> sink
  // (the part's share of the extras). The fractional ideal is a feasible flow and the constraint
  // matrix is a network matrix, so an integral flow exists with every part total the floor or the
  // ceiling of its ideal; first try the ceilings that largest remainder over all records picks.
  const std::vector<uint64_t> target = parts.counts(class_ids.size());
  std::vector<uint32_t> class_node(C, 0);
  uint32_t nodes = 2;
  for (size_t c = 0; c < C; ++c)
    if (extra[c]) class_node[c] = nodes++;
  const uint32_t source = 0, sink = 1, first_part = nodes;
  FlowGraph graph(nodes + S);
  std::vector<FlowGraph::EdgeRef> to_sink(S);
  std::vector<uint64_t> floor_total(S, 0);
  for (size_t c = 0; c < C; ++c)
    for (size_t s = 0; s < S; ++s) floor_total[s] += cells[c * S + s];
  uint64_t needed = 0;
  for (size_t c = 0; c < C; ++c) needed += extra[c];
  for (size_t s = 0; s < S; ++s)
    to_sink[s] = graph.add_edge(first_part + static_cast<uint32_t>(s), sink, static_cast<uint64_t>(column_rem[s] / W));
  struct CellEdge {
    uint32_t c;
    uint32_t s;
    FlowGraph::EdgeRef edge;
  };
  std::vector<CellEdge> cell_edges;
  for (size_t c = 0; c < C; ++c) {
    if (!extra[c]) continue;
    graph.add_edge(source, class_node[c], extra[c]);
    for (size_t s = 0; s < S; ++s)
      if (remainder(c, s) != 0)
        cell_edges.push_back({static_cast<uint32_t>(c), static_cast<uint32_t>(s),
                              graph.add_edge(class_node[c], first_part + static_cast<uint32_t>(s), 1)});
  }
  // Flow into the sink never decreases as augmenting goes on, so the floors met in the first round
  // stay met when the ceilings open.
  uint64_t flow = graph.augment(source, sink);
  for (size_t s = 0; s < S; ++s) {
    uint64_t floor_here = floor_total[s] + static_cast<uint64_t>(column_rem[s] / W);
    if (target[s] > floor_here) graph.add_capacity(to_sink[s], target[s] - floor_here);
  }
  flow += graph.augment(source, sink);
  if (flow < needed) {
    for (size_t s = 0; s < S; ++s) {
      uint64_t floor_here = floor_total[s] + static_cast<uint64_t>(column_rem[s] / W);
      if (column_rem[s] % W != 0 && target[s] == floor_here) graph.add_capacity(to_sink[s], 1);
    }
    flow += graph.augment(source, sink);
  }
  if (flow != needed) return Status::usage("stratified split: no rounding found (this is a bug)");
  for (const CellEdge& e : cell_edges)
    if (graph.residual(e.edge) == 0) ++cells[e.c * S + e.s];

  Plan plan;
  plan.totals.assign(S, 0);
  for (size_t c = 0; c < C; ++c)
    for (size_t s = 0; s < S; ++s) plan.totals[s] += cells[c * S + s];
  plan.unreached = unreached_cells(cells, size, S);

  // Deal each class's records to its cells: a uniform draw among the records still to place gives
  // the same law as shuffling the class, without a buffer of its records.
  std::vector<Rng> rngs;
  rngs.reserve(C);
  for (size_t c = 0; c < C; ++c) rngs.emplace_back(seed, c);
  std::vector<uint64_t>& left = cells;
  plan.part.resize(class_ids.size());
  for (size_t i = 0; i < class_ids.size(); ++i) {
    const uint32_t c = class_ids[i];
    uint64_t r = rngs[c].uniform(size[c]--);
    uint64_t* row = &left[static_cast<size_t>(c) * S];
    size_t s = 0;
    while (r >= row[s]) r -= row[s++];
    --row[s];
    plan.part[i] = static_cast<PartId>(s);
  }
  return plan;
}

// ---- group ------------------------------------------------------------------------------------

Result<Plan> group_split(std::span<const uint64_t> group_ids, const Parts& parts,
                         std::optional<uint64_t> shuffle_seed) {
  DQPREP_RETURN_IF_ERROR(check_record_count(group_ids.size()));
  const size_t S = parts.size();
  const uint64_t n = group_ids.size(), W = parts.total_weight();
  const auto& w = parts.weights();

  const Groups g = number_groups(group_ids);
  const std::vector<uint32_t> by_size =
      group_order(g, shuffle_seed, std::vector<u128>(g.size.begin(), g.size.end()));

  // Deficits in units of 1/W, so that comparisons are exact: target_s - assigned_s = (n w_s - assigned_s W) / W.
  std::vector<uint64_t> assigned(S, 0);
  std::vector<PartId> group_part(g.id.size());
  for (uint32_t k : by_size) {
    size_t best = 0;
    i128 best_deficit = 0;
    for (size_t s = 0; s < S; ++s) {
      i128 deficit = static_cast<i128>(static_cast<u128>(n) * w[s]) - static_cast<i128>(static_cast<u128>(assigned[s]) * W);
      if (s == 0 || deficit > best_deficit) {
        best = s;
        best_deficit = deficit;
      }
    }
    assigned[best] += g.size[k];
    group_part[k] = static_cast<PartId>(best);
  }
  return plan_from_groups(g, group_part, S);
}

Result<Plan> stratified_group_split(std::span<const uint64_t> group_ids,
                                    std::span<const uint32_t> class_ids, uint32_t num_classes,
                                    const Parts& parts, std::optional<uint64_t> shuffle_seed) {
  if (group_ids.size() != class_ids.size())
    return Status::usage("stratified group split: " + std::to_string(group_ids.size()) + " group ids but " +
                         std::to_string(class_ids.size()) + " class ids");
  DQPREP_RETURN_IF_ERROR(check_record_count(group_ids.size()));
  DQPREP_RETURN_IF_ERROR(check_class_ids(class_ids, num_classes));
  const size_t S = parts.size(), C = num_classes;
  const uint64_t W = parts.total_weight();
  const auto& w = parts.weights();

  const Groups g = number_groups(group_ids);
  const size_t G = g.id.size();

  // Each group's class counts, sparse (classes ascending within a group): the records bucketed by
  // group (a counting sort), then each group's few class ids sorted and counted.
  std::vector<uint32_t> entry_begin(G + 1, 0), entry_class;
  std::vector<uint64_t> entry_count;
  {
    std::vector<uint64_t> start(G + 1, 0);
    for (size_t k = 0; k < G; ++k) start[k + 1] = start[k] + g.size[k];
    std::vector<uint32_t> members(group_ids.size());
    std::vector<uint64_t> next(start.begin(), start.end() - 1);
    for (size_t i = 0; i < group_ids.size(); ++i) members[next[g.of_record[i]]++] = class_ids[i];
    for (size_t k = 0; k < G; ++k) {
      entry_begin[k] = static_cast<uint32_t>(entry_class.size());
      auto first = members.begin() + static_cast<ptrdiff_t>(start[k]);
      auto last = members.begin() + static_cast<ptrdiff_t>(start[k + 1]);
      std::sort(first, last);
      for (auto it = first; it != last; ++it) {
        if (it == first || entry_class.back() != *it) {
          entry_class.push_back(*it);
          entry_count.push_back(0);
        }
        ++entry_count.back();
      }
    }
    entry_begin[G] = static_cast<uint32_t>(entry_class.size());
  }
  std::vector<uint64_t> class_size(C, 0);
  for (uint32_t c : class_ids) ++class_size[c];
  size_t present = 0;
  for (uint64_t s : class_size) present += s > 0;

  // Groups by descending standard deviation of their counts over the classes present (numpy's
  // np.std(y_counts_per_group, axis=1)), compared exactly as C sum(x^2) - (sum x)^2 = C^2 var.
  std::vector<u128> spread(G);
  for (size_t k = 0; k < G; ++k) {
    u128 squares = 0;
    for (uint32_t e = entry_begin[k]; e < entry_begin[k + 1]; ++e) squares += static_cast<u128>(entry_count[e]) * entry_count[e];
    spread[k] = static_cast<u128>(present) * squares - static_cast<u128>(g.size[k]) * g.size[k];
  }
  const std::vector<uint32_t> by_spread = group_order(g, shuffle_seed, spread);

  // x_{s,c} = (share of class c in part s) / (ratio_s S): scikit-learn's per-fold class fraction
  // when the parts are equal (the scale is then exactly 1), and 1/S everywhere for a perfect split.
  std::vector<double> scale(S);
  for (size_t s = 0; s < S; ++s) scale[s] = static_cast<double>(W) / (static_cast<double>(S) * static_cast<double>(w[s]));
  std::vector<uint64_t> cells(S * C, 0);  // part-major: cells[s * C + c]
  std::vector<uint64_t> fill(S, 0);
  std::vector<double> class_std(C, 0.0), x(S);
  double std_sum = 0;
  auto std_of = [&](uint32_t c, size_t add_part, uint64_t add) {
    double sum = 0;
    for (size_t s = 0; s < S; ++s) {
      uint64_t k = cells[s * C + c] + (s == add_part ? add : 0);
      x[s] = static_cast<double>(k) / static_cast<double>(class_size[c]) * scale[s];
      sum += x[s];
    }
    double mean = sum / static_cast<double>(S), var = 0;
    for (size_t s = 0; s < S; ++s) var += (x[s] - mean) * (x[s] - mean);
    return std::sqrt(var / static_cast<double>(S));
  };

  // The entries again, in the order the groups are placed: the loop below then reads memory in
  // sequence instead of missing the cache on every group.
  std::vector<uint32_t> step_begin(G + 1, 0), step_class(entry_class.size());
  std::vector<uint64_t> step_count(entry_count.size()), step_size(G);
  for (size_t j = 0, e_out = 0; j < G; ++j) {
    const uint32_t k = by_spread[j];
    step_begin[j] = static_cast<uint32_t>(e_out);
    step_size[j] = g.size[k];
    for (uint32_t e = entry_begin[k]; e < entry_begin[k + 1]; ++e, ++e_out) {
      step_class[e_out] = entry_class[e];
      step_count[e_out] = entry_count[e];
    }
    step_begin[G] = static_cast<uint32_t>(e_out);
  }

  std::vector<PartId> group_part(G);
  for (size_t j = 0; j < G; ++j) {
    const uint32_t first = step_begin[j], last = step_begin[j + 1];
    size_t best = 0;
    double min_eval = HUGE_VAL;
    for (size_t s = 0; s < S; ++s) {
      double sum = std_sum;
      for (uint32_t e = first; e < last; ++e)
        sum += std_of(step_class[e], s, step_count[e]) - class_std[step_class[e]];
      double eval = sum / static_cast<double>(present);
      bool close = std::fabs(eval - min_eval) <= 1e-8 + 1e-5 * std::fabs(min_eval);  // np.isclose
      bool emptier = static_cast<u128>(fill[s]) * w[best] < static_cast<u128>(fill[best]) * w[s];
      if (s == 0 || eval < min_eval || (close && emptier)) {
        best = s;
        min_eval = eval;
      }
    }
    group_part[by_spread[j]] = static_cast<PartId>(best);
    fill[best] += step_size[j];
    for (uint32_t e = first; e < last; ++e) cells[best * C + step_class[e]] += step_count[e];
    for (uint32_t e = first; e < last; ++e) {
      double updated = std_of(step_class[e], 0, 0);
      std_sum += updated - class_std[step_class[e]];
      class_std[step_class[e]] = updated;
    }
  }

  Plan plan = plan_from_groups(g, group_part, S);
  std::vector<uint64_t> by_class(C * S);
  for (size_t c = 0; c < C; ++c)
    for (size_t s = 0; s < S; ++s) by_class[c * S + s] = cells[s * C + c];
  plan.unreached = unreached_cells(by_class, class_size, S);
  return plan;
}

// ---- time -------------------------------------------------------------------------------------

Result<Plan> time_split(std::span<const TimeKey> records, const Parts& parts) {
  DQPREP_RETURN_IF_ERROR(check_record_count(records.size()));
  for (const TimeKey& r : records)
    if (std::isnan(r.time)) return Status::bad_input("record " + std::to_string(r.index) + ": time is NaN");
  std::vector<uint32_t> order(records.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (records[a].time != records[b].time) return records[a].time < records[b].time;
    if (records[a].index != records[b].index) return records[a].index < records[b].index;
    return a < b;
  });
  Plan plan;
  plan.totals = parts.counts(records.size());
  plan.part.resize(records.size());
  size_t pos = 0;
  for (size_t s = 0; s < plan.totals.size(); ++s)
    for (uint64_t k = 0; k < plan.totals[s]; ++k) plan.part[order[pos++]] = static_cast<PartId>(s);
  return plan;
}

// ---- hash -------------------------------------------------------------------------------------

PartId hash_split(std::string_view key, const Parts& parts, uint64_t seed) {
  return parts.part_of_hash(hash::xxh3_64(key, seed));
}

}  // namespace dqprep::split_plan
