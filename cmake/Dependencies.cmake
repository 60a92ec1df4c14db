# Every dependency comes from Debian. A missing one stops the configure step with the name of the
# package that provides it, so `tools/setup.sh` (or apt) is the whole fix.

function(dqprep_require found debian_package what)
  if(NOT ${found})
    message(FATAL_ERROR "dqprep needs ${what}: install the Debian package '${debian_package}' "
                        "(or run tools/setup.sh as root).")
  endif()
endfunction()

find_package(PkgConfig QUIET)
dqprep_require(PKG_CONFIG_FOUND pkg-config "pkg-config")

find_package(CLI11 CONFIG QUIET)
dqprep_require(CLI11_FOUND libcli11-dev "CLI11")
find_package(nlohmann_json CONFIG QUIET)
dqprep_require(nlohmann_json_FOUND nlohmann-json3-dev "nlohmann/json")
find_package(simdjson CONFIG QUIET)
dqprep_require(simdjson_FOUND libsimdjson-dev "simdjson")
find_package(spdlog CONFIG QUIET)
dqprep_require(spdlog_FOUND libspdlog-dev "spdlog")
find_package(ZLIB QUIET)
dqprep_require(ZLIB_FOUND zlib1g-dev "zlib")

pkg_check_modules(XXHASH QUIET IMPORTED_TARGET libxxhash)
dqprep_require(XXHASH_FOUND libxxhash-dev "xxHash")
pkg_check_modules(UTF8PROC QUIET IMPORTED_TARGET libutf8proc)
dqprep_require(UTF8PROC_FOUND libutf8proc-dev "utf8proc")
pkg_check_modules(ZSTD QUIET IMPORTED_TARGET libzstd)
dqprep_require(ZSTD_FOUND libzstd-dev "zstd")
pkg_check_modules(RE2 QUIET IMPORTED_TARGET re2)
dqprep_require(RE2_FOUND libre2-dev "RE2")

find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h)
find_library(CLD2_LIBRARY cld2)
if(CLD2_INCLUDE_DIR AND CLD2_LIBRARY)
  set(CLD2_FOUND TRUE)
endif()
dqprep_require(CLD2_FOUND libcld2-dev "CLD2")
add_library(dqprep_cld2 INTERFACE)
target_include_directories(dqprep_cld2 SYSTEM INTERFACE ${CLD2_INCLUDE_DIR})
target_link_libraries(dqprep_cld2 INTERFACE ${CLD2_LIBRARY})

# fastText (the classifier of `dqprep model`): Debian ships no CMake or usable pkg-config file for it.
find_path(FASTTEXT_INCLUDE_DIR fasttext/fasttext.h)
find_library(FASTTEXT_LIBRARY fasttext)
if(FASTTEXT_INCLUDE_DIR AND FASTTEXT_LIBRARY)
  set(FASTTEXT_FOUND TRUE)
endif()
dqprep_require(FASTTEXT_FOUND libfasttext-dev "fastText")
add_library(dqprep_fasttext INTERFACE)
target_include_directories(dqprep_fasttext SYSTEM INTERFACE ${FASTTEXT_INCLUDE_DIR})
target_link_libraries(dqprep_fasttext INTERFACE ${FASTTEXT_LIBRARY})

# libcsv (dqprep convert: CSV and TSV): Debian ships a header and a library, no CMake or pkg-config file.
find_path(LIBCSV_INCLUDE_DIR csv.h)
find_library(LIBCSV_LIBRARY csv)
if(LIBCSV_INCLUDE_DIR AND LIBCSV_LIBRARY)
  set(LIBCSV_FOUND TRUE)
endif()
dqprep_require(LIBCSV_FOUND libcsv-dev "libcsv")
add_library(dqprep_libcsv INTERFACE)
target_include_directories(dqprep_libcsv SYSTEM INTERFACE ${LIBCSV_INCLUDE_DIR})
target_link_libraries(dqprep_libcsv INTERFACE ${LIBCSV_LIBRARY})

# SentencePiece (--tokenizer of metrics and filter). Its pkg-config file also links the trainer
# library, which dqprep does not use: the processor library alone.
find_path(SENTENCEPIECE_INCLUDE_DIR sentencepiece_processor.h)
find_library(SENTENCEPIECE_LIBRARY sentencepiece)
if(SENTENCEPIECE_INCLUDE_DIR AND SENTENCEPIECE_LIBRARY)
  set(SENTENCEPIECE_FOUND TRUE)
endif()
dqprep_require(SENTENCEPIECE_FOUND libsentencepiece-dev "SentencePiece")
add_library(dqprep_sentencepiece INTERFACE)
target_include_directories(dqprep_sentencepiece SYSTEM INTERFACE ${SENTENCEPIECE_INCLUDE_DIR})
target_link_libraries(dqprep_sentencepiece INTERFACE ${SENTENCEPIECE_LIBRARY})

set(DQPREP_WORDNET_DIR "/usr/share/wordnet" CACHE PATH "WordNet database directory (Debian: wordnet-base)")
if(NOT EXISTS "${DQPREP_WORDNET_DIR}/index.noun")
  message(FATAL_ERROR "dqprep needs WordNet's database: install the Debian package 'wordnet-base' "
                      "(or run tools/setup.sh as root).")
endif()

if(DQPREP_BUILD_TESTS)
  find_package(GTest CONFIG QUIET)
  if(NOT GTest_FOUND)
    find_package(GTest QUIET)
  endif()
  dqprep_require(GTest_FOUND libgtest-dev "GoogleTest")
endif()
