#include "dqprep/dedup/dup_groups.hpp"

#include <gtest/gtest.h>

namespace dqprep::dup_groups {
namespace {

using Members = std::vector<Member>;

TEST(DupGroups, GroupsOfTwoOrMoreNumberedByTheirFirstRecord) {
  //                                 0  1  2  3  4  5  6
  std::vector<uint32_t> component = {0, 1, 1, 3, 0, 5, 3};
  Groups g = resolve(component, {}, {});
  EXPECT_EQ(g.kept, (std::vector<uint32_t>{0, 1, 3}));
  EXPECT_EQ(g.members, (Members{{0, 0, 1}, {1, 1, 1}, {2, 1, 0}, {3, 2, 1}, {4, 0, 0}, {6, 2, 0}}));
  EXPECT_EQ(g.duplicates, 3u);
  EXPECT_EQ(g.label_conflicts, 0u);
}

TEST(DupGroups, KeepLongestTiesToTheFirst) {
  std::vector<uint32_t> component = {0, 1, 0, 1, 0};
  std::vector<uint64_t> length = {10, 7, 30, 7, 30};
  Groups g = resolve(component, length, {});
  EXPECT_EQ(g.kept, (std::vector<uint32_t>{2, 1}));
  EXPECT_EQ(g.members, (Members{{0, 0, 0}, {1, 1, 1}, {2, 0, 1}, {3, 1, 0}, {4, 0, 0}}));
  EXPECT_EQ(g.duplicates, 3u);
}

TEST(DupGroups, LabelConflictsCountGroupsNotPairs) {
  std::vector<uint32_t> component = {0, 0, 0, 3, 3, 5, 5, 7};
  // group 0: a, b, c (one conflict); group 3: a, none (no conflict); group 5: b, b; 7: alone.
  std::vector<uint64_t> labels = {11, 22, 33, 11, 0, 22, 22, 44};
  Groups g = resolve(component, {}, labels);
  EXPECT_EQ(g.label_conflicts, 1u);
  // A record without a label before a labelled one does not count as a label.
  std::vector<uint64_t> later = {0, 11, 22, 0, 11, 22, 22, 44};
  EXPECT_EQ(resolve(component, {}, later).label_conflicts, 1u);
}

TEST(DupGroups, NoRecordsNoGroups) {
  Groups g = resolve({}, {}, {});
  EXPECT_TRUE(g.members.empty());
  EXPECT_TRUE(g.kept.empty());
  std::vector<uint32_t> alone = {0, 1, 2};
  EXPECT_TRUE(resolve(alone, {}, {}).members.empty());
}

TEST(DupGroups, ParsesKeep) {
  EXPECT_EQ(*parse_keep("first"), Keep::first);
  EXPECT_EQ(*parse_keep("longest"), Keep::longest);
  EXPECT_EQ(keep_name(Keep::longest), "longest");
  EXPECT_EQ(keep_name(Keep::first), "first");
  EXPECT_EQ(parse_keep("last").status().code(), StatusCode::usage);
}

}  // namespace
}  // namespace dqprep::dup_groups
