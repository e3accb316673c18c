# chorus_add_fuzzer(<Name> SOURCE <file> LIBRARIES <libs...>)
#
# Builds tests/fuzz/<Name>.cpp into a libFuzzer binary and registers a ctest (label `fuzz`)
# that replays the committed corpus in tests/fuzz/corpus/<Name>/ once, so every input that
# ever found a bug (and every seed) runs in `make test`. To fuzz for real, use the `fuzz`
# preset, which also instruments the libraries for coverage:
#   cmake --preset fuzz && cmake --build --preset fuzz
#   build/fuzz/tests/fuzz/<Name> tests/fuzz/corpus/<Name>
function(chorus_add_fuzzer name)
  cmake_parse_arguments(FUZZ "" "SOURCE" "LIBRARIES" ${ARGN})
  if(NOT CHORUS_BUILD_FUZZERS)
    return()
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "libFuzzer targets need clang: configure with a preset, or set "
                        "-DCHORUS_BUILD_FUZZERS=OFF")
  endif()
  add_executable(${name} ${FUZZ_SOURCE})
  target_link_libraries(${name} PRIVATE chorus_options ${FUZZ_LIBRARIES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(corpus ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
  if(NOT IS_DIRECTORY ${corpus})
    message(FATAL_ERROR "fuzzer ${name} has no seed corpus at ${corpus}")
  endif()
  # -runs=0 executes every corpus file once and stops: a regression run, not a search.
  add_test(NAME fuzz.${name} COMMAND ${name} -runs=0 ${corpus})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz TIMEOUT 120)
endfunction()
