// dqprep: registers the stages with CLI11 and maps their Status to messages and exit codes.
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>

#include "dqprep/io/io.hpp"
#include "dqprep/io/temp_files.hpp"

#include "stages/stages.hpp"
#include "stages/usage_errors.hpp"

namespace {

using dqprep::Status;
using dqprep::StatusCode;
using dqprep::stages::StageRunner;

using StageSetup = StageRunner (*)(CLI::App&);

// In the order `dqprep --help` lists them.
const StageSetup kStages[] = {
    dqprep::stages::setup_convert,   dqprep::stages::setup_normalize, dqprep::stages::setup_dedup,
    dqprep::stages::setup_filter,
    dqprep::stages::setup_label_check, dqprep::stages::setup_augment, dqprep::stages::setup_split,
    dqprep::stages::setup_metrics,   dqprep::stages::setup_select,  dqprep::stages::setup_weak_label,
    dqprep::stages::setup_model,     dqprep::stages::setup_sample,  dqprep::stages::setup_report,
};

// With a standard descriptor closed (`>&-`, `<&-`), the next file opened would take its number and
// records meant for stdout would land in a temporary or side file. /dev/null, opened the other way
// round, takes the number instead, so using the closed stream fails loudly (EBADF).
void reserve_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    if (::open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY) != fd) std::_Exit(4);
  }
}

int exit_code(const Status& s) {
  if (s.ok() || s.code() == StatusCode::pipe_closed) return 0;
  return static_cast<int>(s.code());
}

int run_dqprep(int argc, char** argv) {
  // A closed downstream pipe must end the run quietly: see EPIPE from write(), not a signal.
  std::signal(SIGPIPE, SIG_IGN);
  reserve_standard_descriptors();
  dqprep::io::temp_files::remove_on_signals();
  dqprep::io::OutputFile::remember_committed_outputs();
  auto logger = spdlog::stderr_logger_mt("dqprep");
  logger->set_pattern("%v");
  spdlog::set_default_logger(logger);

  CLI::App app{"dqprep: turns raw JSON Lines datasets into clean fine-tuning data.\n"
               "Each command is a stage over JSONL streams; chain them with pipes.",
               "dqprep"};
  app.set_version_flag("--version", DQPREP_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Example:\n"
      "  dqprep normalize raw.jsonl.zst | dqprep filter --gopher | dqprep dedup --mode near > clean.jsonl\n"
      "Exit codes: 0 success, 1 quality check failed, 2 usage error, 3 bad input data, 4 I/O error.\n"
      "Run 'dqprep COMMAND --help' for the flags of a command.");

  std::map<std::string, StageRunner> runners;
  for (StageSetup setup : kStages) {
    StageRunner run = setup(app);
    runners[app.get_subcommands({}).back()->get_name()] = std::move(run);
  }

  if (std::optional<std::string> message = dqprep::stages::unknown_command(app, argc, argv)) {
    std::fprintf(stderr, "%s\n", message->c_str());
    return 2;
  }
  dqprep::stages::keep_unknown_arguments(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end the parse with a "success".
    if (e.get_exit_code() == 0) return app.exit(e);
    // An unknown flag explains a missing required one ("--epochs" for "--epoch") better.
    if (std::optional<std::string> message = dqprep::stages::unknown_arguments(app)) {
      std::fprintf(stderr, "%s\n", message->c_str());
      return 2;
    }
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (std::optional<std::string> message = dqprep::stages::unknown_arguments(app)) {
    std::fprintf(stderr, "%s\n", message->c_str());
    return 2;
  }

  for (CLI::App* sub : app.get_subcommands()) {
    Status status;
    try {
      status = runners.at(sub->get_name())();
    } catch (const std::bad_alloc&) {
      status = Status(StatusCode::io, "out of memory");
    } catch (const std::exception& e) {
      status = Status(StatusCode::io, std::string("internal error: ") + e.what());
    }
    if (!status.ok() && status.code() != StatusCode::pipe_closed) {
      if (status.code() == StatusCode::bad_input) {
        std::fprintf(stderr, "%s\n", status.message().c_str());
      } else {
        std::fprintf(stderr, "dqprep %s: %s\n", sub->get_name().c_str(), status.message().c_str());
      }
    }
    return exit_code(status);
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_dqprep(argc, argv);
  } catch (const std::bad_alloc&) {
    // Before a stage runs (setting up the command line); a stage's own is reported in run_dqprep().
    std::fputs("dqprep: out of memory\n", stderr);
    return 4;
  }
}
