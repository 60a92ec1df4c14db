// dqprep dedup sign / cluster / apply: near (or exact) dedup over shards, with the same result as
// one `dqprep dedup` over all of them. sign: one shard -> a signature file (one entry per record);
// cluster: every signature file -> a cluster file (which records are duplicates of which);
// apply: one shard + the cluster file -> its records, filtered or marked.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "dqprep/dedup/band_partition.hpp"
#include "dqprep/io/edge_file.hpp"
#include "dqprep/io/io.hpp"
#include "stages/dedup/dedup_records.hpp"

namespace dqprep::stages::dedup {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Signature and cluster files are read with random access: a plain file, named by -o.
Status check_binary_output(const std::string& path, const std::string& what) {
  if (path.empty() || path == "-") return Status::usage("-o FILE is required: where the " + what + " goes");
  if (ends_with(path, ".gz") || ends_with(path, ".zst")) {
    return Status::usage("the " + what + " is read with random access and cannot be compressed: " + path);
  }
  return {};
}

// ---------------------------------------------------------------------------------------------

struct SignOptions {
  CommonOptions common;
  KeyOptions key;
};

class SignProcessor : public stream::RecordProcessor {
 public:
  explicit SignProcessor(const KeySetup& setup) : analyzer_(setup) {}
  Status process(const stream::Line& line, stream::Emitter& out) override {
    return analyzer_.append_entry(line, out.state());
  }

 private:
  Analyzer analyzer_;
};

Status run_sign(const SignOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.common.inputs.size() > 1) {
    return Status::usage("dedup sign takes one shard (one input); sign each shard to its own file");
  }
  DQPREP_RETURN_IF_ERROR(check_binary_output(o.common.output, "signature file"));
  DQPREP_ASSIGN_OR_RETURN(KeySetup setup, make_key_setup(o.key, o.common, true, o.key.verify()));
  DQPREP_ASSIGN_OR_RETURN(stream::Options so, stream_options(o.common));
  so.write_records = false;
  so.output.clear();
  signature_file::Header header;
  header.near = setup.mode == Mode::near;
  header.layout = setup.layout;
  header.params = setup.params;
  header.shard = o.common.inputs.empty() || o.common.inputs[0] == "-" ? "<stdin>" : o.common.inputs[0];
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<signature_file::Writer> out,
                          signature_file::Writer::open(o.common.output, header));
  so.consume_state = [&](std::string_view state) { return out->add(state); };
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          stream::run(so, [&] { return std::make_unique<SignProcessor>(setup); }, "dedup sign"));
  DQPREP_RETURN_IF_ERROR(out->commit());
  const signature_file::Footer& footer = out->footer();
  // Records go to the signature file, not to an output: "out" counts the records signed.
  summary.in = footer.positions;
  summary.out = footer.records;
  summary.figures = report::Json::object();
  summary.figures["mode"] = setup.mode == Mode::near ? "near" : "exact";
  summary.figures["signed"] = footer.records;
  if (setup.mode == Mode::near) summary.figures["minhash_kernel"] = minhash::kernel_name();
  summary.seconds = report::seconds_since(start);
  return finish(o.common, summary);
}

// ---------------------------------------------------------------------------------------------

struct ClusterOptions {
  CommonOptions common;  // inputs (signature files), output (the cluster or edge file), stats, -j, -q, -v
  std::string keep = "first";
  bool verify_flag = false;  // --verify: the default, accepted so that older command lines still run
  bool no_verify = false;    // --no-verify: LSH candidates join unchecked
  double threshold = 0.8;
  std::string partition;           // --partition I/N: write the edge file of one partition
  std::vector<std::string> edges;  // --edges: union the partitions' edge files
  bool union_flags = false;        // --keep, --verify, --no-verify or --threshold given
  bool threshold_given = false;

  // Near mode checks candidates by their shingle sets unless --no-verify.
  bool verifies(bool near) const { return near && !no_verify; }
};

using SignatureReaders = std::vector<std::unique_ptr<signature_file::Reader>>;

// Opens every signature file; they must have been signed with the same options, and hold shingle
// sets that can be compared when the clustering verifies (the union step and the one-job run).
Result<SignatureReaders> open_signatures(const ClusterOptions& o) {
  SignatureReaders readers;
  for (const std::string& path : o.common.inputs) {
    if (readers.size() == (1u << 16)) return Status::usage("at most 65536 signature files in one dedup cluster");
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<signature_file::Reader> r, signature_file::Reader::open(path));
    const signature_file::Header& h = r->header();
    if (!readers.empty()) {
      const signature_file::Header& first = readers[0]->header();
      if (h.params != first.params || h.near != first.near || h.layout.keys != first.layout.keys) {
        return Status::usage(path + " was signed with other options than " + readers[0]->path() + ":\n  " +
                             h.params + "\n  " + first.params);
      }
    }
    readers.push_back(std::move(r));
  }
  if (o.verify_flag && o.no_verify) return Status::usage("--verify and --no-verify: give one of them");
  const bool near = readers[0]->header().near;
  if (!near && (o.verify_flag || o.no_verify)) {
    return Status::usage(std::string(o.no_verify ? "--no-verify" : "--verify") +
                         " applies to shards signed with --mode near (exact keys need no verification)");
  }
  if (!o.partition.empty()) return readers;  // a partition job reads the band keys only
  bool unused_sets = false;
  for (const auto& r : readers) {
    const signature_file::Header& h = r->header();
    if (o.verifies(near) && !h.layout.sets) {
      return Status::usage(r->path() + " was signed with --no-verify: it holds no shingle sets, and dedup cluster "
                           "verifies candidates with them; sign it again without --no-verify, or give --no-verify "
                           "here too");
    }
    if (o.verifies(near) && h.low_sets) {
      return Status::usage(r->path() + " was signed by an older dqprep, whose shingle sets this one cannot compare; "
                           "sign it again, or give --no-verify here");
    }
    unused_sets = unused_sets || (!o.verifies(near) && h.layout.sets);
  }
  if (unused_sets) {
    spdlog::warn("dqprep dedup cluster: with --no-verify the shingle sets of the signature files are unused "
                 "(dedup sign --no-verify writes smaller files)");
  }
  return readers;
}

// Checks that the entries a reader gave match its footer.
Status check_footer(const signature_file::Reader& reader, uint64_t positions, uint64_t records) {
  const signature_file::Footer& f = reader.footer();
  if (positions != f.positions || records != f.records) {
    return Status::bad_input(reader.path() + ": damaged signature file (its entries do not match its footer)");
  }
  return {};
}

uint64_t inputs_digest(const SignatureReaders& readers) {
  edge_file::InputsDigest digest;
  for (const auto& r : readers) digest.add(r->header(), r->footer());
  return digest.value();
}

// dedup cluster --partition I/N: the buckets of one partition of the band keys -> an edge file.
Status run_partition(const ClusterOptions& o, const SignatureReaders& readers,
                     std::chrono::steady_clock::time_point start) {
  DQPREP_ASSIGN_OR_RETURN(const lsh::Partition partition, lsh::parse_partition(o.partition));
  if (o.union_flags) {
    return Status::usage("--keep, --verify, --no-verify and --threshold belong to the union step (dedup cluster "
                         "--edges), not to --partition");
  }
  DQPREP_RETURN_IF_ERROR(check_binary_output(o.common.output, "edge file"));
  const signature_file::Header& header = readers[0]->header();
  if (!header.near) {
    return Status::usage("--partition applies to shards signed with --mode near (exact mode clusters in one "
                         "job: dedup cluster without --partition)");
  }
  lsh::PartitionBuckets buckets(partition, header.layout.keys);
  signature_file::Entry entry;
  std::vector<uint64_t> keys(header.layout.keys);
  uint64_t positions = 0, malformed = 0;
  for (const auto& reader : readers) {
    uint64_t set_offset = 0, shard_positions = 0, shard_records = 0;
    while (true) {
      DQPREP_ASSIGN_OR_RETURN(bool more, reader->next(entry, set_offset));
      if (!more) break;
      ++shard_positions;
      if (entry.malformed) continue;
      ++shard_records;
      for (size_t k = 0; k < keys.size(); ++k) keys[k] = entry.key(k);
      DQPREP_RETURN_IF_ERROR(buckets.add(keys));
    }
    DQPREP_RETURN_IF_ERROR(check_footer(*reader, shard_positions, shard_records));
    positions += shard_positions;
    malformed += shard_positions - shard_records;
  }

  edge_file::Header eh;
  eh.partition = partition.index;
  eh.partitions = partition.count;
  eh.bands = header.layout.keys;
  eh.records = buckets.records();
  eh.inputs = inputs_digest(readers);
  eh.params = header.params;
  const uint64_t entries = buckets.entries();
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<edge_file::Writer> out, edge_file::Writer::open(o.common.output, eh));
  uint64_t members = 0;
  DQPREP_RETURN_IF_ERROR(buckets.for_each_bucket([&](uint32_t band, uint64_t key, std::span<const uint32_t> m) {
    members += m.size();
    return out->add(band, key, m);
  }));
  DQPREP_RETURN_IF_ERROR(out->commit());

  // The partition's records: all records read (out) and the malformed ones (quarantined).
  report::Summary summary;
  summary.stage = "dedup cluster";
  summary.in = positions;
  summary.out = positions - malformed;
  summary.quarantined = malformed;
  report::Json& f = summary.figures;
  f["mode"] = "near";
  f["partition"] = o.partition;
  f["shards"] = readers.size();
  f["entries"] = entries;
  f["buckets"] = out->buckets();
  f["bucket_members"] = members;
  summary.seconds = report::seconds_since(start);
  return finish(o.common, summary);
}

// dedup cluster --edges: the buckets of every partition, band by band and partition after
// partition (the order of lsh::for_each_bucket), through the clustering of the one-job run.
Result<std::vector<uint32_t>> union_edges(const ClusterOptions& o, const SignatureReaders& readers, uint32_t records,
                                          const lsh::Verifier& verify) {
  const signature_file::Header& header = readers[0]->header();
  if (!header.near) return Status::usage("--edges applies to shards signed with --mode near");
  const uint64_t digest = inputs_digest(readers);
  std::vector<std::unique_ptr<edge_file::Reader>> parts;
  for (const std::string& path : o.edges) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<edge_file::Reader> r, edge_file::Reader::open(path));
    const edge_file::Header& h = r->header();
    if (h.params != header.params || h.bands != header.layout.keys || h.records != records || h.inputs != digest) {
      return Status::usage(path + " was made from other signature files than the ones given (or from them in "
                           "another order)");
    }
    if (!parts.empty() && h.partitions != parts[0]->header().partitions) {
      return Status::usage(path + " is a partition of " + std::to_string(h.partitions) + ", " + parts[0]->path() +
                           " of " + std::to_string(parts[0]->header().partitions));
    }
    parts.push_back(std::move(r));
  }
  const uint32_t partitions = parts[0]->header().partitions;
  std::vector<std::unique_ptr<edge_file::Reader>> by_partition(partitions);
  for (auto& r : parts) {
    const uint32_t p = r->header().partition;
    if (by_partition[p]) {
      return Status::usage(r->path() + " and " + by_partition[p]->path() + " are both partition " +
                           std::to_string(p) + "/" + std::to_string(partitions));
    }
    by_partition[p] = std::move(r);
  }
  for (uint32_t p = 0; p < partitions; ++p) {
    if (!by_partition[p]) {
      return Status::usage("--edges: the edge file of partition " + std::to_string(p) + "/" +
                           std::to_string(partitions) + " is missing");
    }
  }

  lsh::BucketClusterer clusterer(records, verify);
  std::vector<edge_file::Bucket> pending(partitions);
  std::vector<uint8_t> has(partitions);
  for (uint32_t p = 0; p < partitions; ++p) {
    DQPREP_ASSIGN_OR_RETURN(bool more, by_partition[p]->next(pending[p]));
    has[p] = more;
  }
  for (uint32_t band = 0; band < header.layout.keys; ++band) {
    for (uint32_t p = 0; p < partitions; ++p) {
      while (has[p] && pending[p].band == band) {
        DQPREP_RETURN_IF_ERROR(clusterer.visit(pending[p].members));
        DQPREP_ASSIGN_OR_RETURN(bool more, by_partition[p]->next(pending[p]));
        has[p] = more;
      }
    }
  }
  return clusterer.smallest_members();
}

Status run_cluster(const ClusterOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.common.inputs.empty()) return Status::usage("dedup cluster needs the signature files of every shard");
  if (!o.partition.empty() && !o.edges.empty()) {
    return Status::usage("--partition writes an edge file, --edges reads them: one or the other");
  }
  DQPREP_ASSIGN_OR_RETURN(SignatureReaders readers, open_signatures(o));
  if (!o.partition.empty()) return run_partition(o, readers, start);
  DQPREP_ASSIGN_OR_RETURN(const dup_groups::Keep keep, dup_groups::parse_keep(o.keep));
  DQPREP_RETURN_IF_ERROR(check_binary_output(o.common.output, "cluster file"));
  if (!(o.threshold > 0.0 && o.threshold <= 1.0)) {
    return Status::usage("--threshold must be in (0, 1], not " + util::number_text(o.threshold, 6));
  }
  const signature_file::Header& header = readers[0]->header();
  const Mode mode = header.near ? Mode::near : Mode::exact;
  if (!o.edges.empty() && mode != Mode::near) return Status::usage("--edges applies to shards signed with --mode near");
  const bool verify = o.verifies(header.near);
  if (o.threshold_given && o.no_verify) {
    spdlog::warn("dqprep dedup cluster: --threshold is the Jaccard cut-off of the verification; with --no-verify the "
                 "bands alone decide");
  }

  // With --edges the band keys are not needed: the buckets come from the edge files.
  Collector collector(mode, header.layout.keys, verify, o.edges.empty());
  signature_file::Entry entry;
  for (size_t s = 0; s < readers.size(); ++s) {
    collector.begin_shard();
    uint64_t set_offset = 0;
    while (true) {
      DQPREP_ASSIGN_OR_RETURN(bool more, readers[s]->next(entry, set_offset));
      if (!more) break;
      DQPREP_RETURN_IF_ERROR(collector.add(entry, (uint64_t{s} << 48) | set_offset));
    }
    const Collector::Shard& got = collector.shards()[s];
    DQPREP_RETURN_IF_ERROR(check_footer(*readers[s], got.positions, got.positions - got.malformed.size()));
  }

  std::unique_ptr<shingle_sets::Verifier> verifier;
  lsh::Verifier verify_fn;
  if (verify) {
    std::vector<int> fds;
    for (const auto& r : readers) fds.push_back(r->fd());
    verifier = std::make_unique<shingle_sets::Verifier>(std::move(fds), collector.set_locations(), o.threshold);
    verify_fn = [&](uint32_t a, uint32_t b) { return verifier->similar(a, b); };
  }
  std::vector<uint32_t> components;
  if (o.edges.empty()) {
    DQPREP_ASSIGN_OR_RETURN(components, collector.cluster(verify_fn));
  } else {
    DQPREP_ASSIGN_OR_RETURN(components, union_edges(o, readers, collector.records(), verify_fn));
  }
  dup_groups::Groups groups = collector.groups(components, keep);
  components.clear();
  components.shrink_to_fit();

  signature_file::ClusterFile file;
  file.params = header.params + " keep=" + o.keep;
  if (verify) file.params += " verify threshold=" + std::to_string(o.threshold);
  file.names.resize(groups.kept.size());

  // The names of the kept members: a second read of the signature files, in record order.
  std::vector<std::pair<uint32_t, uint32_t>> kept;  // record, group
  kept.reserve(groups.kept.size());
  for (uint32_t g = 0; g < groups.kept.size(); ++g) kept.emplace_back(groups.kept[g], g);
  std::sort(kept.begin(), kept.end());
  size_t next = 0;
  uint32_t record = 0;
  for (size_t s = 0; s < readers.size() && next < kept.size(); ++s) {
    DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<signature_file::Reader> r,
                            signature_file::Reader::open(readers[s]->path()));
    uint64_t set_offset = 0;
    while (next < kept.size()) {
      DQPREP_ASSIGN_OR_RETURN(bool more, r->next(entry, set_offset));
      if (!more) break;
      if (entry.malformed) continue;
      if (record == kept[next].first) file.names[kept[next++].second] = std::string(entry.name);
      ++record;
    }
  }

  uint64_t positions = 0, malformed = 0;
  size_t m = 0;
  for (size_t s = 0; s < readers.size(); ++s) {
    const Collector::Shard& shard = collector.shards()[s];
    const uint64_t end = s + 1 < readers.size() ? collector.shards()[s + 1].first_record : collector.records();
    signature_file::ShardPlan plan;
    plan.name = readers[s]->header().shard;
    plan.footer = readers[s]->footer();
    plan.malformed = shard.malformed;
    for (; m < groups.members.size() && groups.members[m].index < end; ++m) {
      dup_groups::Member member = groups.members[m];
      member.index -= shard.first_record;
      plan.members.push_back(member);
    }
    to_positions(plan.members, plan.malformed);
    positions += shard.positions;
    malformed += shard.malformed.size();
    file.shards.push_back(std::move(plan));
  }
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::OutputFile> out, io::OutputFile::open(o.common.output));
  DQPREP_RETURN_IF_ERROR(out->write(signature_file::encode_cluster_file(file)));
  DQPREP_RETURN_IF_ERROR(out->commit());

  // The plan's balance: records kept + duplicates + malformed = positions.
  report::Summary summary;
  summary.stage = "dedup cluster";
  summary.in = positions;
  summary.rejected = groups.duplicates;
  summary.quarantined = malformed;
  summary.out = positions - malformed - groups.duplicates;
  summary.rules["duplicate"] = groups.duplicates;
  report::Json& f = summary.figures;
  f["mode"] = mode == Mode::near ? "near" : "exact";
  f["shards"] = readers.size();
  if (!o.edges.empty()) f["partitions"] = o.edges.size();
  f["clusters"] = groups.kept.size();
  f["duplicates"] = groups.duplicates;
  const uint64_t records = positions - malformed;
  if (records == 0) {
    set_null(f, "duplicate_ratio", "no records");
  } else {
    f["duplicate_ratio"] = static_cast<double>(groups.duplicates) / static_cast<double>(records);
  }
  f["label_conflicts"] = groups.label_conflicts;
  if (verifier) {
    f["pairs_verified"] = verifier->checked();
    f["pairs_rejected"] = verifier->rejected();
  }
  const char* unverified =
      mode == Mode::exact ? "exact mode: equal keys need no check" : "--no-verify: LSH candidates join unchecked";
  fix_schema(summary,
             {{"mode"}, {"shards"}, {"clusters"}, {"duplicates"}, {"duplicate_ratio"}, {"label_conflicts"},
              verifier ? SchemaField{"pairs_verified"} : not_applicable("pairs_verified", unverified),
              verifier ? SchemaField{"pairs_rejected"} : not_applicable("pairs_rejected", unverified)},
             {"duplicate"});
  summary.seconds = report::seconds_since(start);
  return finish(o.common, summary);
}

// ---------------------------------------------------------------------------------------------

struct ApplyOptions {
  CommonOptions common;
  std::string clusters;
  int64_t shard = -1;
  bool mark = false;
  std::string removed;
};

// The shard's fingerprint, as dedup sign computed it, from a first read without parsing.
Result<signature_file::Footer> fingerprint(const std::string& path) {
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::open(path));
  signature_file::Footer f;
  std::string_view line;
  while (true) {
    DQPREP_ASSIGN_OR_RETURN(bool more, reader->next(line));
    if (!more) break;
    if (is_blank_line(line)) continue;
    ++f.positions;
    f.fingerprint = signature_file::fold_fingerprint(f.fingerprint, hash::xxh3_64(line));
  }
  return f;
}

Status run_apply(const ApplyOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.common.inputs.size() > 1) return Status::usage("dedup apply takes one shard (one input) at a time");
  if (o.mark && !o.removed.empty()) {
    return Status::usage("--removed gets the records dropped as duplicates; with --mark none is dropped");
  }
  DQPREP_ASSIGN_OR_RETURN(signature_file::ClusterFile file, signature_file::read_cluster_file(o.clusters));
  DQPREP_ASSIGN_OR_RETURN(std::unique_ptr<stream::Passes> passes, open_passes(o.common, "dedup apply", o.removed));
  const std::string& name = passes->inputs().names()[0];
  Result<signature_file::Footer> print = fingerprint(passes->inputs().paths()[0]);
  if (!print.ok()) {
    const Status& s = print.status();
    return s.code() == StatusCode::bad_input ? Status::bad_input(name + ": " + s.message()) : s;
  }
  auto matches = [&](const signature_file::ShardPlan& p) {
    return p.footer.positions == print->positions && p.footer.fingerprint == print->fingerprint;
  };
  const signature_file::ShardPlan* plan = nullptr;
  if (o.shard >= 0) {
    if (static_cast<size_t>(o.shard) >= file.shards.size()) {
      return Status::usage("--shard " + std::to_string(o.shard) + ": " + o.clusters + " has " +
                           std::to_string(file.shards.size()) + " shards (0-based)");
    }
    plan = &file.shards[static_cast<size_t>(o.shard)];
    if (!matches(*plan)) {
      return Status::usage(name + " is not shard " + std::to_string(o.shard) + " (" + plan->name + ") of " + o.clusters +
                           ": its records differ from the ones signed");
    }
  } else {
    std::vector<const signature_file::ShardPlan*> found;
    for (const auto& p : file.shards) {
      if (matches(p)) found.push_back(&p);
    }
    if (found.size() > 1) {
      std::vector<const signature_file::ShardPlan*> named;
      for (const auto* p : found) {
        if (p->name == name) named.push_back(p);
      }
      if (named.size() == 1) found = named;
    }
    if (found.empty()) {
      return Status::usage(name + " matches no shard of " + o.clusters + " (" + std::to_string(file.shards.size()) +
                           " signed): it is not one that was signed, or it changed since");
    }
    if (found.size() > 1) {
      return Status::usage(name + " has the same records as several shards of " + o.clusters +
                           ": say which with --shard N");
    }
    plan = found[0];
  }

  Decisions decisions;
  decisions.members = plan->members;
  decisions.malformed = plan->malformed;
  decisions.names = std::move(file.names);
  const bool mark = o.mark, removed = !o.removed.empty();
  DQPREP_ASSIGN_OR_RETURN(report::Summary summary,
                          passes->write([&] { return std::make_unique<MarkProcessor>(decisions, mark, removed); }));
  report::Json& f = summary.figures;
  const uint64_t duplicates = f.contains("duplicates") ? f["duplicates"].get<uint64_t>() : 0;
  f = report::Json::object();
  f["shard"] = plan - file.shards.data();
  f["duplicates"] = duplicates;
  f["removed"] = summary.rejected;
  fix_schema(summary, {}, {"duplicate"});
  summary.seconds = report::seconds_since(start);
  return finish(o.common, summary);
}

}  // namespace

StageRunner setup_sign(CLI::App& dedup) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* sub = dedup.add_subcommand("sign", "Sharded dedup, step 1: one shard -> its signature file");
  sub->footer(
      "Writes, for each record of the shard, its keys (near: the LSH band keys), text length, label\n"
      "hash and name (id or FILE:LINE); in near mode also its shingle set (4 bytes a shingle), which\n"
      "dedup cluster verifies candidates with: --no-verify leaves it out (then cluster with --no-verify\n"
      "too). The key flags must be the same for every shard (dedup cluster checks). -o is required. Signatures are the same bytes on\n"
      "every CPU (DQPREP_PORTABLE=1 forces the portable MinHash loop). See docs/dedup.md.\n"
      "Example (then dedup cluster, then dedup apply):\n"
      "  dqprep dedup sign --mode near shard-007.jsonl.zst -o sig/shard-007.sig");
  add_common_options(*sub, o->common);
  sub->get_option("--output")->description("The signature file (required; not compressed)")->default_str("");
  add_key_options(*sub, o->key);
  return [o] { return run_sign(*o); };
}

StageRunner setup_cluster(CLI::App& dedup) {
  auto o = std::make_shared<ClusterOptions>();
  CLI::App* sub = dedup.add_subcommand("cluster", "Sharded dedup, step 2: every signature file -> one cluster file");
  sub->footer(
      "Clusters the records of all shards, in the order the signature files are given (the order of the\n"
      "shards in the one-process run this reproduces), and writes which records are duplicates of which.\n"
      "Its summary has the run's figures (clusters, duplicates, duplicate_ratio, label_conflicts).\n"
      "Near mode can cluster in partitions, each job holding ~16 x bands / N bytes per record: each\n"
      "`--partition I/N` job writes the LSH buckets of its range of band keys to an edge file, then one\n"
      "job with every edge file (--edges) writes the same cluster file as one job would.\n"
      "Examples:\n"
      "  dqprep dedup cluster sig/shard-*.sig -o clusters.bin\n"
      "  dqprep dedup cluster --partition 3/8 sig/shard-*.sig -o edges/part-3.edges\n"
      "  dqprep dedup cluster $(printf -- '--edges edges/part-%d.edges ' {0..7}) sig/shard-*.sig -o clusters.bin");
  sub->add_option("inputs", o->common.inputs, "Signature files, in shard order")->type_name("SIG ...")->required();
  sub->add_option("-o,--output", o->common.output, "The cluster file, or with --partition the edge file (required)")
      ->type_name("FILE");
  CLI::Option* keep = sub->add_option("--keep", o->keep, "Which member of a duplicate group stays: first or longest")
                          ->check(CLI::IsMember({"first", "longest"}))
                          ->capture_default_str();
  CLI::Option* verify = sub->add_flag(
      "--verify", o->verify_flag, "Near: check candidates by their true Jaccard: the default, accepted for older command lines");
  CLI::Option* no_verify = sub->add_flag(
      "--no-verify", o->no_verify, "Near: join candidates unchecked (for shards signed with --no-verify)");
  CLI::Option* threshold =
      sub->add_option("--threshold", o->threshold, "Near: Jaccard similarity from which candidates are duplicates")
          ->capture_default_str();
  sub->add_option("--partition", o->partition,
                  "Near mode: write the LSH buckets of partition I of N (0-based) to the edge file -o")
      ->type_name("I/N");
  sub->add_option("--edges", o->edges,
                  "Near mode: cluster from the edge files of every partition instead of the band keys (repeatable)")
      ->type_name("FILE")
      ->allow_extra_args(false);
  add_stats_option(*sub, o->common.stats, "The summary as JSON");
  // Clustering runs on one thread; -j is taken as every stage takes it, and changes nothing.
  add_threads_option(*sub, o->common.threads, "Worker threads (accepted as by every stage; clustering runs on one)");
  add_log_flags(*sub, o->common);
  return [o, keep, verify, no_verify, threshold] {
    o->union_flags = keep->count() > 0 || verify->count() > 0 || no_verify->count() > 0 || threshold->count() > 0;
    o->threshold_given = threshold->count() > 0;
    return run_cluster(*o);
  };
}

StageRunner setup_apply(CLI::App& dedup) {
  auto o = std::make_shared<ApplyOptions>();
  CLI::App* sub = dedup.add_subcommand("apply", "Sharded dedup, step 3: one shard + the cluster file -> its records");
  sub->footer(
      "Finds the shard in the cluster file by its fingerprint (or --shard N), then drops or marks its\n"
      "duplicates exactly as one `dqprep dedup` over all shards would: concatenating every shard's output\n"
      "gives the same bytes. Use the same --on-error as dedup sign.\n"
      "Example:\n"
      "  dqprep dedup apply --clusters clusters.bin --mark shard-007.jsonl.zst -o out/shard-007.jsonl.zst");
  sub->add_option("inputs", o->common.inputs, "The shard (a file, or - for stdin)")->type_name("INPUT");
  sub->add_option("-o,--output", o->common.output, "Where records go (- = stdout); .gz/.zst compresses; atomic")
      ->default_str("-");
  sub->add_option("--clusters", o->clusters, "The cluster file of dedup cluster")->type_name("FILE")->required();
  sub->add_option("--shard", o->shard, "Which shard of the cluster file this is (0-based; default: found by content)")
      ->type_name("N");
  sub->add_flag("--mark", o->mark, "Keep every record; add dup_cluster (all members) and dup_of (the others)");
  sub->add_option("--removed", o->removed, "Write dropped records here, with dup_of")->type_name("FILE");
  sub->add_option("--on-error", o->common.on_error, "What a malformed line gets: fail (exit 3), skip, quarantine")
      ->check(CLI::IsMember({"fail", "skip", "quarantine"}))
      ->capture_default_str();
  sub->add_option("--quarantine", o->common.quarantine, "With --on-error quarantine: each bad line, with _error")
      ->type_name("FILE");
  add_stats_option(*sub, o->common.stats, "The summary as JSON");
  add_threads_option(*sub, o->common.threads);
  add_log_flags(*sub, o->common);
  return [o] { return run_apply(*o); };
}

}  // namespace dqprep::stages::dedup
