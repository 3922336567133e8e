# Sanitizer builds (CMakePresets.json: `asan`, `tsan`). AGENTRY_SANITIZE=address builds everything
# with AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included), =thread with
# ThreadSanitizer. Each executable carries its sanitizer's default options (generated from
# sanitizer_options.cpp.in), so they hold even where a test starts agentry with a cleared
# environment (tmux's `env -i`, the MCP SDK client, Slurm jobs); *_OPTIONS in the environment
# still override them. The programs (agentry, agentry-fake-llm) write their reports to
# <build>/sanitizer-logs/, where a swallowed stderr cannot hide them (.ci/test fails on any);
# the doctest binaries report on stderr, into ctest's output.
set(AGENTRY_SANITIZE "" CACHE STRING "Sanitizers: empty, address (ASan+UBSan) or thread (TSan)")
set_property(CACHE AGENTRY_SANITIZE PROPERTY STRINGS "" address thread)

# ASan + UBSan, every UB report fatal: the address preset's flags, and the fuzz build's (with
# libFuzzer's coverage on top, in the root CMakeLists.txt).
set(AGENTRY_ASAN_FLAGS
  -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

if(AGENTRY_SANITIZE STREQUAL "address")
  set(agentry_sanitize_flags ${AGENTRY_ASAN_FLAGS})
elseif(AGENTRY_SANITIZE STREQUAL "thread")
  set(agentry_sanitize_flags -fsanitize=thread -fno-omit-frame-pointer)
elseif(AGENTRY_SANITIZE)
  message(FATAL_ERROR "AGENTRY_SANITIZE is '${AGENTRY_SANITIZE}': use address, thread or nothing")
endif()

if(AGENTRY_SANITIZE)
  add_compile_options(${agentry_sanitize_flags})
  add_link_options(${agentry_sanitize_flags})
  set(AGENTRY_SANITIZER_LOG_DIR ${PROJECT_BINARY_DIR}/sanitizer-logs)
  file(MAKE_DIRECTORY ${AGENTRY_SANITIZER_LOG_DIR})
  set(AGENTRY_TSAN_SUPPRESSIONS ${CMAKE_CURRENT_LIST_DIR}/tsan.supp)
  foreach(kind program test)
    if(kind STREQUAL "program")
      set(AGENTRY_SANITIZER_LOG ":log_path=${AGENTRY_SANITIZER_LOG_DIR}/report")
    else()
      set(AGENTRY_SANITIZER_LOG "")
    endif()
    configure_file(${CMAKE_CURRENT_LIST_DIR}/sanitizer_options.cpp.in
      ${PROJECT_BINARY_DIR}/generated/sanitizer_options_${kind}.cpp @ONLY)
  endforeach()
endif()

# g++ 12 with -fsanitize warns -Wmaybe-uninitialized inside libstdc++'s <regex> (std::function
# moved in _NFA::_M_insert_subexpr_*), a false positive: GCC's manual advises against -Werror with
# sanitizers for this warning. It is turned off for the files that include <regex> only, and only
# here: the Release build, which CI compiles too, keeps it an error.
function(agentry_sanitizer_regex_warning target)
  get_target_property(sources ${target} SOURCES)
  get_target_property(source_dir ${target} SOURCE_DIR)
  if(NOT sources)
    return()
  endif()
  foreach(source IN LISTS sources)
    cmake_path(ABSOLUTE_PATH source BASE_DIRECTORY ${source_dir})
    if(source MATCHES "\\.cpp$" AND EXISTS ${source})
      file(STRINGS ${source} includes REGEX "^#include <regex>")
      if(includes)
        set_property(SOURCE ${source} TARGET_DIRECTORY ${target} APPEND
          PROPERTY COMPILE_OPTIONS -Wno-maybe-uninitialized)
      endif()
    endif()
  endforeach()
endfunction()

# Gives every executable under DIR (recursively) its sanitizer defaults: the programs log to
# files, the test binaries to stderr. Called once the targets exist.
function(agentry_sanitizer_defaults dir)
  if(NOT AGENTRY_SANITIZE)
    return()
  endif()
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    agentry_sanitizer_regex_warning(${target})
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
      if(target MATCHES "^agentry_.*_test$")
        set(kind test)
      else()
        set(kind program)
      endif()
      target_sources(${target} PRIVATE ${PROJECT_BINARY_DIR}/generated/sanitizer_options_${kind}.cpp)
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    agentry_sanitizer_defaults(${subdir})
  endforeach()
endfunction()
