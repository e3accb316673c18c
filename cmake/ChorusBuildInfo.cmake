# The commit is read when CMake configures: an incremental build keeps the commit it was
# configured at, which `make` refreshes by re-running CMake when HEAD moves.
execute_process(
  COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  OUTPUT_VARIABLE CHORUS_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT CHORUS_GIT_COMMIT)
  set(CHORUS_GIT_COMMIT "unknown")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/.git/HEAD)
