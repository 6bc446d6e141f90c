# cmake -DCOMPILER=<c++> -DSOURCE=<file> -DINCLUDE=<sdk include dir> -DDEFINE=<macro>
#       -DEXPECT=<"compiles" or a message the compiler must print> -P check_compile.cmake
# Compiles SOURCE (syntax only) with DEFINE set; fails unless the outcome is the expected one.
# LC_ALL=C: the compiler quotes with plain ' instead of the locale's quotation marks.
execute_process(
  COMMAND "${CMAKE_COMMAND}" -E env LC_ALL=C "${COMPILER}" -std=c++20 -fsyntax-only "-I${INCLUDE}" "-D${DEFINE}" "${SOURCE}"
  RESULT_VARIABLE result
  OUTPUT_VARIABLE output
  ERROR_VARIABLE output)
if(EXPECT STREQUAL "compiles")
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${DEFINE}: expected to compile, but:\n${output}")
  endif()
  return()
endif()
if(result EQUAL 0)
  message(FATAL_ERROR "${DEFINE}: expected a compile error saying \"${EXPECT}\", but it compiled")
endif()
string(FIND "${output}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DEFINE}: the compile error does not say \"${EXPECT}\":\n${output}")
endif()
