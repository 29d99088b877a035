# `cmake --install` of a build tree that built some targets only (here the SDK alone: less
# than `scripts/dev run` builds, which leaves out the manual pages and plugins/example) installs
# what it built, the SDK always; a plugin then builds against that installation. The tree
# pads the SDK's private state (COURIERD_SDK_LAYOUT_PROBE) for SdkRebuildKeepsPlugins.
file(REMOVE_RECURSE "${WORK_DIR}")
foreach(step
    "${CMAKE_COMMAND};-S;${SOURCE_DIR};-B;${WORK_DIR}/tree;-DCOURIERD_BUILD_TESTS=OFF;-DCOURIERD_SDK_LAYOUT_PROBE=4096;-DCMAKE_UNITY_BUILD=ON;-DCMAKE_BUILD_TYPE=RelWithDebInfo"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/tree;--target;courierd_sdk"
    "${CMAKE_COMMAND};--install;${WORK_DIR}/tree;--prefix;${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};-S;${SOURCE_DIR}/plugins/example;-B;${WORK_DIR}/example;-DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix"
    "${CMAKE_COMMAND};--build;${WORK_DIR}/example")
  execute_process(COMMAND ${step} RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(failed)
    message(FATAL_ERROR "${step} failed:\n${out}")
  endif()
endforeach()
foreach(file include/courierd/Source.h lib/cmake/courierd/courierdConfig.cmake example/example.so)
  if(NOT EXISTS "${WORK_DIR}/prefix/${file}" AND NOT EXISTS "${WORK_DIR}/${file}")
    message(FATAL_ERROR "the installation lacks ${file}")
  endif()
endforeach()
file(GLOB library "${WORK_DIR}/prefix/lib*/libcourierd-sdk.so*")
if(NOT library)
  message(FATAL_ERROR "no libcourierd-sdk.so in ${WORK_DIR}/prefix")
endif()
# Nothing it did not build: no daemon, no manual page.
if(EXISTS "${WORK_DIR}/prefix/sbin/courierd")
  message(FATAL_ERROR "installed a courierd the tree never built")
endif()
