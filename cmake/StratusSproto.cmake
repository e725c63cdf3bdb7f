# stratus_sproto_generate(TARGET <target> NAMESPACE <ns> SCHEMAS <file>... [INCLUDE_PREFIX <dir>])
#
# Generates C++ for each schema with `stratus-sproto gen` at build time and adds it to <target>
# (which then links sproto). A schema `name.sproto` or `a.name.sproto` becomes the namespace
# `<ns>::name` in `<binary dir>/<INCLUDE_PREFIX>/name.hpp` (+ .cpp); include it as
# `<INCLUDE_PREFIX>/name.hpp`. INCLUDE_PREFIX defaults to the target name.
function(stratus_sproto_generate)
  cmake_parse_arguments(arg "" "TARGET;NAMESPACE;INCLUDE_PREFIX" "SCHEMAS" ${ARGN})
  if(NOT arg_TARGET OR NOT arg_NAMESPACE OR NOT arg_SCHEMAS)
    message(FATAL_ERROR "stratus_sproto_generate: TARGET, NAMESPACE and SCHEMAS are required")
  endif()
  if(NOT arg_INCLUDE_PREFIX)
    set(arg_INCLUDE_PREFIX "${arg_TARGET}")
  endif()
  set(root "${CMAKE_CURRENT_BINARY_DIR}/${arg_TARGET}_sproto")
  set(out_dir "${root}/${arg_INCLUDE_PREFIX}")
  file(MAKE_DIRECTORY "${out_dir}")
  foreach(schema IN LISTS arg_SCHEMAS)
    get_filename_component(schema "${schema}" ABSOLUTE)
    get_filename_component(stem "${schema}" NAME_WLE)
    string(REGEX REPLACE "^.*\\." "" name "${stem}")
    set(hpp "${out_dir}/${name}.hpp")
    set(cpp "${out_dir}/${name}.cpp")
    add_custom_command(
      OUTPUT "${hpp}" "${cpp}"
      COMMAND stratus-sproto gen "${schema}" "${arg_NAMESPACE}::${name}" "${hpp}" "${cpp}"
              "${arg_INCLUDE_PREFIX}/${name}.hpp"
      DEPENDS stratus-sproto "${schema}"
      COMMENT "stratus-sproto gen ${stem}.sproto -> ${arg_INCLUDE_PREFIX}/${name}.hpp"
      VERBATIM)
    target_sources(${arg_TARGET} PRIVATE "${cpp}" "${hpp}")
  endforeach()
  target_include_directories(${arg_TARGET} PUBLIC "${root}")
  target_link_libraries(${arg_TARGET} PUBLIC sproto)
endfunction()
