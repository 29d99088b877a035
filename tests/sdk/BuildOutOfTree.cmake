# Installs courierd from BUILD_DIR into WORK_DIR/prefix, then builds plugins/example and
# plugins/example-http (with its fake marketplace) as separate CMake projects against that
# installation, as a plugin author would. OutOfTreePluginTest then loads the results. The
# shipped declarative plugins, http-json and postgres-table, are built the same way from their
# sources (WORK_DIR/shipped): they need nothing of courierd's but the installed SDK.
file(REMOVE_RECURSE "${WORK_DIR}")
file(WRITE "${WORK_DIR}/shipped-src/CMakeLists.txt" "
cmake_minimum_required(VERSION 3.25)
project(courierd-shipped-plugins LANGUAGES CXX)
find_package(courierd 0.1 REQUIRED)
find_package(PostgreSQL REQUIRED)
courierd_add_plugin(http-json ${SOURCE_DIR}/plugins/http-json/HttpJsonSettings.cpp
                              ${SOURCE_DIR}/plugins/http-json/HttpJsonSource.cpp)
courierd_add_plugin(postgres-table ${SOURCE_DIR}/plugins/postgres-table/PostgresTableSource.cpp
                    ${SOURCE_DIR}/plugins/postgres-table/TableCursor.cpp)
target_link_libraries(postgres-table PRIVATE PostgreSQL::PostgreSQL)
")
set(steps "${CMAKE_COMMAND}|--install|${BUILD_DIR}|--prefix|${WORK_DIR}/prefix")
foreach(example ${SOURCE_DIR}/plugins/example:build ${SOURCE_DIR}/plugins/example-http:build-http
        ${WORK_DIR}/shipped-src:shipped)
  string(REPLACE ":" ";" parts "${example}")
  list(GET parts 0 source)
  list(GET parts 1 dir)
  list(APPEND steps
    "${CMAKE_COMMAND}|-S|${source}|-B|${WORK_DIR}/${dir}|-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix|-DCMAKE_BUILD_TYPE=RelWithDebInfo"
    "${CMAKE_COMMAND}|--build|${WORK_DIR}/${dir}")
endforeach()
foreach(step IN LISTS steps)
  string(REPLACE "|" ";" step "${step}")
  execute_process(COMMAND ${step} RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(failed)
    message(FATAL_ERROR "${step} failed:\n${out}")
  endif()
endforeach()
foreach(file build/example.so build-http/example-http.so build-http/fake_marketplace
        shipped/http-json.so shipped/postgres-table.so)
  if(NOT EXISTS "${WORK_DIR}/${file}")
    message(FATAL_ERROR "no ${WORK_DIR}/${file}")
  endif()
endforeach()
