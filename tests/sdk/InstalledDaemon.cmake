# The installed courierd (from BuildOutOfTree.cmake's prefix) validates its installed config
# and finds the installed service-order plugin without any plugins.dir.
set(prefix "${WORK_DIR}/prefix")
execute_process(
  COMMAND "${prefix}/sbin/courierd" --config "${prefix}/etc/courierd/courierd.ini" --check-config
  RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(failed)
  message(FATAL_ERROR "installed courierd --check-config failed:\n${out}")
endif()
if(NOT out MATCHES "source service-order: plugin service-order [^\n]*${prefix}/lib/courierd/plugins/service-order.so")
  message(FATAL_ERROR "installed courierd did not use the installed plugin:\n${out}")
endif()
message(STATUS "${out}")
