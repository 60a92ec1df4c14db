// Throughput of the near-duplicate core on one thread: shingles + MinHash signature + band keys, on
// generated documents of 1-10 KB. Built with the project (target near_dup_throughput):
//   build/near_dup_throughput [MB of text, 64] [unicode]
// (run with DQPREP_PORTABLE=1 to measure the SSE2-only signature loop.)

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "dqprep/dedup/lsh.hpp"
#include "dqprep/dedup/minhash.hpp"
#include "dqprep/util/random.hpp"
#include "dqprep/dedup/shingle.hpp"

namespace {

// CPU time of this thread: the figure stays meaningful on a machine shared with other jobs.
double thread_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Words with Zipf(1) frequencies over a 20000-word vocabulary; with `unicode`, a third of the
// vocabulary is Cyrillic and Greek with accents, exercising the non-ASCII path.
std::vector<std::string> make_documents(size_t total_bytes, bool unicode, dqprep::Rng& rng) {
  const char* cyrillic[] = {"а", "б", "в", "г", "д", "е", "ж", "з", "и", "к", "л", "м", "н", "о", "П", "Р", "é", "ü", "Σ", "ω"};
  std::vector<std::string> vocab(20000);
  std::vector<double> cdf(vocab.size());
  double sum = 0;
  for (size_t i = 0; i < vocab.size(); ++i) {
    size_t len = 1 + rng.uniform(4) + rng.uniform(6);
    bool non_ascii = unicode && rng.uniform(3) == 0;
    for (size_t k = 0; k < len; ++k) {
      if (non_ascii) vocab[i] += cyrillic[rng.uniform(20)];
      else vocab[i].push_back(static_cast<char>('a' + rng.uniform(26)));
    }
    sum += 1.0 / static_cast<double>(i + 1);
    cdf[i] = sum;
  }
  for (double& c : cdf) c /= sum;
  std::vector<std::string> docs;
  size_t bytes = 0;
  while (bytes < total_bytes) {
    size_t target = 1000 + rng.uniform(9001);
    std::string doc;
    bool start = true;
    while (doc.size() < target) {
      size_t w = static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), rng.uniform01()) - cdf.begin());
      std::string word = vocab[std::min(w, vocab.size() - 1)];
      if (start && word[0] >= 'a' && word[0] <= 'z') word[0] = static_cast<char>(word[0] - 32);
      doc += word;
      start = rng.bernoulli(0.07);
      doc += start ? ". " : rng.bernoulli(0.05) ? ", " : " ";
    }
    bytes += doc.size();
    docs.push_back(std::move(doc));
  }
  return docs;
}

}  // namespace

int main(int argc, char** argv) {
  const size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 64;
  const bool unicode = argc > 2 && std::strcmp(argv[2], "unicode") == 0;
  dqprep::Rng rng(1);
  auto docs = make_documents(megabytes << 20, unicode, rng);
  size_t bytes = 0;
  for (const auto& d : docs) bytes += d.size();

  dqprep::shingle::Scratch scratch;
  std::vector<uint64_t> set;
  dqprep::minhash::MinHasher hasher(dqprep::minhash::kDefaultNumPerm, 0);
  std::vector<uint32_t> sig(hasher.num_perm());
  std::vector<uint64_t> keys(dqprep::lsh::kDefaultBands);
  const uint32_t rows = *dqprep::lsh::rows_per_band(hasher.num_perm(), dqprep::lsh::kDefaultBands);
  double t_shingle = 0, t_sig = 0, t_band = 0;
  size_t shingles = 0;
  uint64_t check = 0;
  for (const auto& d : docs) {
    double t0 = thread_seconds();
    dqprep::shingle::shingle_hashes(d, dqprep::shingle::kDefaultNgram, scratch, set);
    double t1 = thread_seconds();
    hasher.signature(set, sig);
    double t2 = thread_seconds();
    dqprep::lsh::band_keys(sig, rows, keys);
    double t3 = thread_seconds();
    t_shingle += t1 - t0;
    t_sig += t2 - t1;
    t_band += t3 - t2;
    shingles += set.size();
    check ^= keys[0];
  }
  const double mb = static_cast<double>(bytes) / 1e6, total = t_shingle + t_sig + t_band;
  std::printf("%zu documents, %.1f MB (%s), %.0f shingles per KB, check %016llx\n", docs.size(), mb,
              unicode ? "one third non-ASCII words" : "ASCII", shingles / (mb * 1000), (unsigned long long)check);
  std::printf("shingles    %8.1f MB/s\nsignature   %8.1f MB/s\nband keys   %8.1f MB/s\ntotal       %8.1f MB/s\n",
              mb / t_shingle, mb / t_sig, mb / t_band, mb / total);
}
