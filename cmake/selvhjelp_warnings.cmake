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
  # (tests/fuzz/CMakeLists.txt).
  target_compile_options(selvhjelp_build_flags INTERFACE -fsanitize=fuzzer-no-link)
endif()
