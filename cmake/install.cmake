# `cmake --install BUILD --prefix P` and `cpack -G DEB` (README "Install"): P/bin/agentry and
# P/share/agentry/{agents,prompts,tools,examples}, everything `agentry demo` and the commands read.
# The binary finds the data relative to itself (app::find_data_dir; build_paths carries the path
# from bin/ to the data folder), so the prefix may be chosen at install time.
# agentry-fake-llm is not installed: `agentry demo` runs its scripted server in-process, and the
# stand-alone server exists for the tests, which use the build folder's.
install(TARGETS agentry RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY agents prompts tools DESTINATION ${AGENTRY_INSTALL_DATADIR})
# examples/: the demo's crate and script, the Slurm and Kubernetes recipes, the stream-json
# schema; never what a build or a run left in them (cargo's target/, node's node_modules/).
install(DIRECTORY examples DESTINATION ${AGENTRY_INSTALL_DATADIR} USE_SOURCE_PERMISSIONS
  PATTERN target EXCLUDE
  PATTERN node_modules EXCLUDE
  PATTERN "*.swp" EXCLUDE)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package. dpkg-shlibdeps (dpkg-dev, with `file`) finds the linked libraries; libcurl4
# is named by hand because agentry loads libcurl.so.4 at run time (llm/curl_global.hpp), which
# no tool can see. cargo, clippy and rustfmt (separate packages in Debian) are what the Rust
# tools run, and bubblewrap is what `sandbox: on` runs them under: recommended, not required,
# since `agents`, `mcp` and a chat without tools work without them.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME agentry)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "agentry")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "command-line LLM agent orchestrator with a Rust expert")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "agentry runs LLM agents (Claude Code and opencode agent files) from the terminal: headless "
  "runs, an interactive chat, batches of tasks and an MCP server. Its Rust expert works on real "
  "crates through cargo, clippy and rustfmt.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # agentry_VERSION_ARCH.deb
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
if(NOT CPACK_DEBIAN_PACKAGE_MAINTAINER)
  set(CPACK_DEBIAN_PACKAGE_MAINTAINER "agentry developers <agentry@localhost>")
endif()
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cargo, rust-clippy, rustfmt, bubblewrap")
include(CPack)
