#include "dqprep/labels/label_conflicts.hpp"

#include <gtest/gtest.h>

#include "dqprep/util/random.hpp"

namespace dqprep::label_conflicts {
namespace {

hash::Key128 k(uint64_t x) { return {x, ~x}; }

TEST(LabelConflicts, GroupsByKeyOrderedByFirstRecordWithMajorityAndTies) {
  // key 5: labels 0,1,1 (majority 1); key 3: 2,0 (tie); key 9: 4,4 (duplicate, no conflict); key 7 alone.
  std::vector<Entry> e{{k(5), 2, 0}, {k(3), 0, 2}, {k(9), 1, 4}, {k(5), 6, 1}, {k(3), 4, 0},
                       {k(9), 5, 4}, {k(7), 3, 1}, {k(5), 8, 1}};
  Conflicts c = find(e);
  ASSERT_EQ(c.groups.size(), 2u);
  EXPECT_EQ(c.duplicate_groups, 3u);
  EXPECT_EQ(c.duplicate_records, 7u);
  EXPECT_EQ(c.conflict_records(), 5u);
  const Group& g0 = c.groups[0];  // key 3, first record 0
  EXPECT_EQ(std::vector<uint32_t>(c.members.begin() + g0.members_begin, c.members.begin() + g0.members_end),
            (std::vector<uint32_t>{0, 4}));
  EXPECT_EQ(g0.majority, kTie);
  ASSERT_EQ(g0.counts_end - g0.counts_begin, 2u);
  EXPECT_EQ(c.counts[g0.counts_begin].label, 0);  // equal counts: lower label id first
  const Group& g1 = c.groups[1];  // key 5
  EXPECT_EQ(std::vector<uint32_t>(c.members.begin() + g1.members_begin, c.members.begin() + g1.members_end),
            (std::vector<uint32_t>{2, 6, 8}));
  EXPECT_EQ(g1.majority, 1);
  EXPECT_EQ(c.counts[g1.counts_begin].label, 1);
  EXPECT_EQ(c.counts[g1.counts_begin].count, 2u);
}

TEST(LabelConflicts, ThreeLabelsPluralityAndEmptyInput) {
  std::vector<Entry> e{{k(1), 0, 0}, {k(1), 1, 1}, {k(1), 2, 2}, {k(1), 3, 2}};
  Conflicts c = find(e);
  ASSERT_EQ(c.groups.size(), 1u);
  EXPECT_EQ(c.groups[0].majority, 2);  // 2 of 4: the most frequent, though not over half
  std::vector<Entry> none;
  EXPECT_TRUE(find(none).groups.empty());
}

TEST(LabelConflicts, MatchesBruteForceOnRandomData) {
  Rng rng(5);
  std::vector<Entry> e;
  for (uint32_t i = 0; i < 3000; ++i) e.push_back({k(rng.uniform(800)), i, static_cast<int32_t>(rng.uniform(3))});
  std::vector<Entry> copy = e;
  Conflicts c = find(copy);
  // Brute force: a record is in a conflict when another record with its key has another label.
  size_t expected = 0;
  std::vector<uint8_t> in(e.size(), 0);
  for (size_t i = 0; i < e.size(); ++i)
    for (size_t j = 0; j < e.size(); ++j)
      if (e[i].key == e[j].key && e[i].label != e[j].label) in[i] = 1;
  for (uint8_t x : in) expected += x;
  EXPECT_EQ(c.conflict_records(), expected);
  std::vector<uint8_t> got(e.size(), 0);
  for (uint32_t m : c.members) got[m] = 1;
  for (size_t i = 0; i < e.size(); ++i) {
    // Every member of a conflicting key is listed, including those that carry the majority label.
    bool key_conflicts = false;
    for (size_t j = 0; j < e.size(); ++j) key_conflicts |= e[j].key == e[i].key && in[j];
    EXPECT_EQ(got[i], key_conflicts ? 1 : 0) << i;
  }
  for (size_t g = 1; g < c.groups.size(); ++g) {
    EXPECT_LT(c.members[c.groups[g - 1].members_begin], c.members[c.groups[g].members_begin]);
  }
}

TEST(Resolve, ParsesThePolicyNamesAndRejectsOthers) {
  for (Resolve r : {Resolve::none, Resolve::majority, Resolve::drop}) {
    Result<Resolve> parsed = parse_resolve(resolve_name(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(resolve_name(Resolve::majority), "majority");
  Result<Resolve> bad = parse_resolve("Majority");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::usage);
}

TEST(Resolve, EachPolicyOnAMajorityGroupAndATie) {
  // key 5: labels 0,1,1 (majority 1); key 3: 2,0 (tie).
  std::vector<Entry> e{{k(5), 2, 0}, {k(3), 0, 2}, {k(5), 6, 1}, {k(3), 4, 0}, {k(5), 8, 1}};
  Conflicts c = find(e);
  ASSERT_EQ(c.groups.size(), 2u);
  const Group& tie = c.groups[0];
  const Group& majority = c.groups[1];
  ASSERT_EQ(tie.majority, kTie);
  ASSERT_EQ(majority.majority, 1);
  using A = Resolution::Action;

  for (const Group* g : {&tie, &majority}) {
    EXPECT_EQ(resolve(Resolve::none, *g, 0).action, A::keep);
    EXPECT_EQ(resolve(Resolve::drop, *g, 0).action, A::drop);
    EXPECT_EQ(resolve(Resolve::drop, *g, 1).action, A::drop);
  }
  Resolution relabel = resolve(Resolve::majority, majority, 0);
  EXPECT_EQ(relabel.action, A::relabel);
  EXPECT_EQ(relabel.label, 1);
  EXPECT_EQ(resolve(Resolve::majority, majority, 1).action, A::keep);
  EXPECT_EQ(resolve(Resolve::majority, tie, 2).action, A::drop_tie);
  EXPECT_EQ(resolve(Resolve::majority, tie, 0).action, A::drop_tie);

  EXPECT_EQ(group_action(Resolve::none, majority), "reported");
  EXPECT_EQ(group_action(Resolve::drop, tie), "rejected");
  EXPECT_EQ(group_action(Resolve::majority, majority), "relabeled");
  EXPECT_EQ(group_action(Resolve::majority, tie), "rejected_tie");
}

}  // namespace
}  // namespace dqprep::label_conflicts
