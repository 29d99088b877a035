# Runs courierd-plugin-check on the sloppy fixture plugin: it must exit 1 and fail each
# check the plugin breaks, report the checks it cannot run as skipped (never as passed), and
# keep the plugin's stdout out of its report.
#   cmake -DRUNNER=… -DPLUGIN=…/fixture-sloppy.so -DCONFIG=…/sloppy.ini -P Sloppy.cmake
execute_process(COMMAND ${RUNNER} ${PLUGIN} --config ${CONFIG} --stop-within 1s
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT status EQUAL 1)
  message(FATAL_ERROR "exit status ${status}, not 1")
endif()
foreach(expected
    "FAIL  settings table: 'nap': no help"
    "FAIL  second read from its cursor: 3 record\\(s\\) of the first read again"
    "FAIL  restore: the cursor cannot be stored"
    "FAIL  future cursor: a cursor at [^ ]+ returned 3 record\\(s\\)"
    "FAIL  stop: the poll went on 1s after stop was asked"
    "FAIL  stdout: the plugin wrote [0-9]+ byte\\(s\\) to stdout, starting 'fetching"
    "skip  arrivals: no seeding hook"
    "skip  hostile answers: the plugin has no 'base_url' key"
    "[0-9]+ passed, 6 failed, 2 skipped")
  if(NOT out MATCHES "${expected}")
    message(FATAL_ERROR "no line matching '${expected}'")
  endif()
endforeach()
if(out MATCHES "\nfetching")
  message(FATAL_ERROR "the plugin's stdout reached the report")
endif()
