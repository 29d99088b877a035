# Installs courierd from BUILD_DIR into WORK_DIR/prefix, then builds plugins/example as a
# separate CMake project against that installation. OutOfTreePluginTest then loads the result.
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(step
    "${CMAKE_COMMAND};--install;${BUILD_DIR};--prefix;${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR}/plugins/example;-B;${WORK_DIR}/build;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix;-DCMAKE_BUILD_TYPE=RelWithDebInfo"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/build")
  execute_process(COMMAND ${step} RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(failed)
    message(FATAL_ERROR "${step} failed:\n${out}")
  endif()
endforeach()
if(NOT EXISTS "${WORK_DIR}/build/example.so")
  message(FATAL_ERROR "no ${WORK_DIR}/build/example.so")
endif()
