# selvhjelp::build_flags: warnings (and sanitizers when SELVHJELP_SANITIZE or SELVHJELP_FUZZ is
# on) for every target of ours. Linked PRIVATE by each library and executable; never set through
# CMAKE_CXX_FLAGS.
add_library(selvhjelp_build_flags INTERFACE)
add_library(selvhjelp::build_flags ALIAS selvhjelp_build_flags)
target_compile_options(selvhjelp_build_flags INTERFACE -Wall -Wextra)
if(SELVHJELP_SANITIZE OR SELVHJELP_FUZZ)
  # -fno-sanitize=vptr: cpprestsdk's header templates (astreambuf.h) make member calls whose
  # dynamic type lives in Debian's prebuilt libcpprest; UBSan's vptr check reports those as type
  # confusion although they are not. Every other UBSan check stays on and fatal.
  # -D_GLIBCXX_ASSERTIONS: libstdc++ checks what the sanitizers miss (an empty std::optional
  # dereferenced, operator[] out of range on vectors and strings, front() of an empty container).
  target_compile_options(selvhjelp_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer -D_GLIBCXX_ASSERTIONS)
  target_link_options(selvhjelp_build_flags INTERFACE -fsanitize=address,undefined)
endif()
if(SELVHJELP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SELVHJELP_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Coverage for libFuzzer in every library of ours; the harnesses add the fuzzer's main
  # (tests/fuzz/CMakeLists.txt). -O1 and line tables only (after the build type's flags, so they
  # win): instrumented code compiles several times faster, and reports still name file and line.
  # The ignorelist is used under a name that holds its hash: ccache hashes the flag, not the
  # file, so a changed list must change the command line to be recompiled.
  set(ignorelist ${PROJECT_SOURCE_DIR}/cmake/sanitizer_ignorelist.txt)
  file(MD5 ${ignorelist} ignorelist_md5)
  set(ignorelist_copy ${PROJECT_BINARY_DIR}/sanitizer_ignorelist-${ignorelist_md5}.txt)
  configure_file(${ignorelist} ${ignorelist_copy} COPYONLY)
  target_compile_options(selvhjelp_build_flags INTERFACE -fsanitize=fuzzer-no-link -O1 -gline-tables-only
    -fsanitize-ignorelist=${ignorelist_copy})
endif()
