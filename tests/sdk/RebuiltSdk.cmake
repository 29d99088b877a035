# Runs PROGRAM's TEST suite with the libcourierd-sdk of LIBRARY_DIR (a rebuild of the SDK from
# the same headers, with its private state laid out anew) in place of the one it and the
# plugins it loads were linked against, after checking that the loader does take that one.
#   cmake -DLIBRARY_DIR=… -DPROGRAM=… -DTEST=… -P RebuiltSdk.cmake
file(GLOB library "${LIBRARY_DIR}/libcourierd-sdk.so.*")
if(NOT library)
  message(FATAL_ERROR "no rebuilt libcourierd-sdk in ${LIBRARY_DIR}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${LIBRARY_DIR} ldd ${PROGRAM}
                OUTPUT_VARIABLE linked RESULT_VARIABLE failed)
if(failed OR NOT linked MATCHES "libcourierd-sdk[^\n]*=> ${LIBRARY_DIR}/")
  message(FATAL_ERROR "${PROGRAM} would not load the rebuilt SDK of ${LIBRARY_DIR}:\n${linked}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${LIBRARY_DIR} ${PROGRAM} ${TEST}
                RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${out}")
if(failed)
  message(FATAL_ERROR "${TEST} failed with the rebuilt SDK of ${LIBRARY_DIR}")
endif()
