# Compares what libcourierd-sdk exports (nm -D, demangled) with the checked-in list: every
# symbol of namespace courierd and every courierd_* function, with its kind (T code, D/B/R
# data, V/W weak, u unique), sorted. A difference fails, printed both ways; with -DUPDATE=ON
# the list is rewritten instead (after a deliberate change of the SDK's API).
#   cmake -DNM=nm -DLIBRARY=libcourierd-sdk.so -DLIST=courierd-sdk.symbols [-DUPDATE=ON] -P …
execute_process(COMMAND ${NM} --dynamic --defined-only --demangle ${LIBRARY}
                RESULT_VARIABLE failed OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(failed)
  message(FATAL_ERROR "${NM} ${LIBRARY}: ${err}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(symbols)
foreach(line IN LISTS lines)
  # "0000000000012340 T courierd::HttpClient::get(...)": the kind and the name.
  if(line MATCHES "^[0-9a-f]+ ([A-Za-z]) (.*)$")
    set(kind "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    if(name MATCHES "^((typeinfo|typeinfo name|vtable|VTT|guard variable) for )?courierd::"
       OR name MATCHES "^courierd_")
      list(APPEND symbols "${kind} ${name}")
    endif()
  endif()
endforeach()
list(SORT symbols)
list(REMOVE_DUPLICATES symbols)
string(REPLACE ";" "\n" actual "${symbols}")
set(actual "${actual}\n")
# CMake lists cannot hold ';' or '[' safely: names with them are rare in this API; fail loudly.
if(UPDATE)
  file(WRITE ${LIST} "${actual}")
  list(LENGTH symbols count)
  message(STATUS "${LIST}: ${count} symbols")
  return()
endif()
file(READ ${LIST} expected)
if(NOT actual STREQUAL expected)
  file(WRITE ${LIST}.actual "${actual}")
  execute_process(COMMAND diff -u ${LIST} ${LIST}.actual OUTPUT_VARIABLE difference)
  file(REMOVE ${LIST}.actual)
  message(FATAL_ERROR
    "libcourierd-sdk exports another API than ${LIST} lists (- listed, + exported):\n"
    "${difference}\nAn SDK change that plugins see moves COURIERD_ABI_VERSION (Plugin.h); then "
    "run `cmake --build BUILD --target update-sdk-symbols` and commit the list.")
endif()
