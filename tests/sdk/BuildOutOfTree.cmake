# Installs courierd from BUILD_DIR into WORK_DIR/prefix, then builds plugins/example and
# plugins/example-http (with its fake marketplace) as separate CMake projects against that
# installation, as a plugin author would. OutOfTreePluginTest then loads the results.
file(REMOVE_RECURSE "${WORK_DIR}")
set(steps "${CMAKE_COMMAND}|--install|${BUILD_DIR}|--prefix|${WORK_DIR}/prefix")
foreach(example example:build example-http:build-http)
  string(REPLACE ":" ";" parts "${example}")
  list(GET parts 0 name)
  list(GET parts 1 dir)
  list(APPEND steps
    "${CMAKE_COMMAND}|-S|${SOURCE_DIR}/plugins/${name}|-B|${WORK_DIR}/${dir}|-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix|-DCMAKE_BUILD_TYPE=RelWithDebInfo"
    "${CMAKE_COMMAND}|--build|${WORK_DIR}/${dir}")
endforeach()
foreach(step IN LISTS steps)
  string(REPLACE "|" ";" step "${step}")
  execute_process(COMMAND ${step} RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(failed)
    message(FATAL_ERROR "${step} failed:\n${out}")
  endif()
endforeach()
foreach(file build/example.so build-http/example-http.so build-http/fake_marketplace)
  if(NOT EXISTS "${WORK_DIR}/${file}")
    message(FATAL_ERROR "no ${WORK_DIR}/${file}")
  endif()
endforeach()
