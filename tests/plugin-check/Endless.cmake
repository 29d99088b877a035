# Runs courierd-plugin-check on the sloppy fixture plugin napping an hour a fetch: the first
# read must fail once --poll-within has passed and the run end there, exit status 1, long
# before CTest's timeout would.
#   cmake -DRUNNER=… -DPLUGIN=…/fixture-sloppy.so -DCONFIG=…/sloppy.ini -P Endless.cmake
execute_process(COMMAND ${RUNNER} ${PLUGIN} --config ${CONFIG} --set source.sloppy.nap=1h
                        --poll-within 2s
                TIMEOUT 120 RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status EQUAL 1)
  message(FATAL_ERROR "exit status ${status}, not 1")
endif()
foreach(expected
    "FAIL  first read: a poll still running after 2s \\(--poll-within\\)"
    "[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped\n$")
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "no line matching '${expected}'")
  endif()
endforeach()
if(out MATCHES "second read")
  message(FATAL_ERROR "the run went on after a poll that never ended")
endif()
