# selvhjelp::build_flags: warnings (and sanitizers when SELVHJELP_SANITIZE is on) for every target
# of ours. Linked PRIVATE by each library and executable; never set through CMAKE_CXX_FLAGS.
add_library(selvhjelp_build_flags INTERFACE)
add_library(selvhjelp::build_flags ALIAS selvhjelp_build_flags)
target_compile_options(selvhjelp_build_flags INTERFACE -Wall -Wextra)
if(SELVHJELP_SANITIZE)
  # -fno-sanitize=vptr: cpprestsdk's header templates (astreambuf.h) make member calls whose
  # dynamic type lives in Debian's prebuilt libcpprest; UBSan's vptr check reports those as type
  # confusion although they are not. Every other UBSan check stays on and fatal.
  target_compile_options(selvhjelp_build_flags INTERFACE
    -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  target_link_options(selvhjelp_build_flags INTERFACE -fsanitize=address,undefined)
endif()
