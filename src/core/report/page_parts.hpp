#pragma once
// What the sections of the quality page share: typed access to report JSON that may have any
// shape, number formats, caps, and the section builders (one file each under src/core/report/).

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dqprep/report/html.hpp"
#include "dqprep/report/quality_page.hpp"
#include "dqprep/report/svg.hpp"

namespace dqprep::report::page {

inline constexpr size_t kMaxRows = 50;          // rows of a table
inline constexpr size_t kMaxBars = 30;          // bars of a chart
inline constexpr size_t kMaxMatrix = 24;        // rows and columns of a heat map
inline constexpr size_t kMaxAnnotatorMaps = 12; // Dawid-Skene matrices drawn
inline constexpr size_t kMaxLengthClasses = 6;  // classes with their own length histogram
inline constexpr size_t kLabelChars = 120;      // a name (class, annotator, slice) on the page

// nullptr unless `j` is an object with `key`.
const Json* member(const Json& j, std::string_view key);
// The member when it is an object (or array), else nullptr.
const Json* object_at(const Json& j, std::string_view key);
const Json* array_at(const Json& j, std::string_view key);
std::optional<double> number_at(const Json& j, std::string_view key);

// The members of an object by key in constant time: an object of the reports keeps its order and
// is searched member by member, which a loop over its 200 000 classes must not do.
class MemberIndex {
 public:
  explicit MemberIndex(const Json* object);
  const Json* find(std::string_view key) const;

 private:
  std::unordered_map<std::string_view, const Json*> members_;
};
std::optional<double> number_of(const Json& j);
std::string string_at(const Json& j, std::string_view key);  // "" unless a string

// A name for the page, at most kLabelChars code points.
std::string name_text(std::string_view name);
// A value for a table: counts as whole numbers, others with 4 significant digits, null as "null",
// texts as they are (shortened), other JSON as its compact text (shortened).
std::string value_text(const Json& value);
std::string ratio_text(std::optional<double> value);  // 4 significant digits, or "null"
std::string count_text(std::optional<double> value);
std::string share_text(std::optional<double> value);  // "52.5%"

// Why a figure of `report` is null (its "notes"), or "".
std::string note_of(const Json& report, std::string_view key);

// <p class="note">From FILE.</p>
std::string source_note(const ReportInput& input);
// A pass / warn / fail badge.
std::string badge(std::string_view status);
// "pass", "warn" or "fail" of a check object of a report's "checks".
std::string check_status(const Json& check);
// The status of the checks of `report` on `metric` ("" when none).
std::string metric_status(const Json& report, std::string_view metric);

struct Context {
  const std::vector<ReportInput>& reports;
  const std::vector<RejectsSummary>& rejects;
  const PageOptions& options;
  std::vector<const ReportInput*> of_stage(std::string_view stage) const;
  std::vector<const ReportInput*> of_model() const;  // "model eval", "model crossval"
  // A heading with the file when several reports of one kind are shown.
  static std::string sub_heading(const ReportInput& input, size_t count);
};

// Section builders; each adds nothing when it has nothing to show.
void add_gates(const Context& c, html::Page& page);
Status add_funnel(const Context& c, html::Page& page);
void add_quality(const Context& c, html::Page& page);      // metrics: seed metrics, noise, missing fields
void add_classes(const Context& c, html::Page& page);      // metrics: class distribution
void add_lengths(const Context& c, html::Page& page);      // metrics: length histograms per class
void add_languages(const Context& c, html::Page& page);    // metrics --lang
void add_duplicates(const Context& c, html::Page& page);   // metrics, dedup, dup_of clusters
void add_labels(const Context& c, html::Page& page);       // label-check
void add_split(const Context& c, html::Page& page);        // split
void add_model(const Context& c, html::Page& page);        // model eval, model crossval
void add_details(const Context& c, html::Page& page);      // every top-level figure of each report

}  // namespace dqprep::report::page
