# Warnings are errors, for every target of ours; third-party headers come in as SYSTEM includes.
add_library(chorus_options INTERFACE)
target_compile_options(chorus_options INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
  -Wimplicit-fallthrough -Wnull-dereference -Wformat=2)

# Asio and Beast are compiled once, in server/AsioLibrary.cpp, instead of in every file that
# includes them: on 2 cores this is the largest single saving in build time.
add_library(chorus_asio INTERFACE)
target_link_libraries(chorus_asio INTERFACE Boost::headers)
target_compile_definitions(chorus_asio INTERFACE
  BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
  BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)

if(CHORUS_SANITIZERS)
  add_compile_options(-fsanitize=${CHORUS_SANITIZERS} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${CHORUS_SANITIZERS})
  # clang 14's UBSan `function` check emits section-relative data that its own assembler
  # rejects in C++20 coroutine frames ("Cannot represent a difference across sections").
  # The check catches calls through a function pointer of the wrong type; we make none.
  if(CHORUS_SANITIZERS MATCHES "undefined")
    add_compile_options(-fno-sanitize=function)
  endif()
endif()

# lld links the test binaries several times faster than GNU ld.
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_link_options(-fuse-ld=lld)
endif()
