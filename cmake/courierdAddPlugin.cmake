# courierd_add_plugin(NAME SOURCES...): a plugin file NAME.so built against the SDK
# (courierd::sdk), with hidden symbols (two plugins may then use the same class names),
# installed into COURIERD_PLUGIN_INSTALL_DIR. The one definition for the plugins in this tree
# (plugins/CMakeLists.txt) and for plugin authors (installed beside courierdConfig.cmake): in
# the tree, COURIERD_PLUGIN_BUILD_DIR and COURIERD_PLUGIN_RPATH also say where the build puts
# it and where the installed file finds the SDK.
function(courierd_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE courierd::sdk)
  set_target_properties(${name} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden
                                           VISIBILITY_INLINES_HIDDEN ON)
  target_compile_features(${name} PRIVATE cxx_std_20)
  if(COURIERD_PLUGIN_BUILD_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY
                                             ${COURIERD_PLUGIN_BUILD_DIR})
  endif()
  if(COURIERD_PLUGIN_RPATH)
    set_target_properties(${name} PROPERTIES INSTALL_RPATH "${COURIERD_PLUGIN_RPATH}")
  endif()
  # OPTIONAL: a tree that built some targets only (not this plugin) still installs.
  install(TARGETS ${name} LIBRARY DESTINATION "${COURIERD_PLUGIN_INSTALL_DIR}" COMPONENT daemon
          OPTIONAL)
endfunction()

# courierd_add_plugin_check(NAME PLUGIN <target or .so file> CONFIG <file> [SOURCE <name>]
#                           [URL_KEY <key>] [SET <KEY=VALUE>...] [FAKE <program> [<arg>...]])
# A CTest test NAME that runs courierd-plugin-check on the plugin, configured from CONFIG's
# [source.SOURCE] (SET over it), with FAKE (a program or a target's $<TARGET_FILE:…>) faking
# the source: see docs/writing-a-plugin.md, "Checking a plugin". In the tree it runs the
# courierd_plugin_check target; installed, the courierd-plugin-check beside the SDK.
function(courierd_add_plugin_check name)
  cmake_parse_arguments(PARSE_ARGV 1 CHECK "" "PLUGIN;CONFIG;SOURCE;URL_KEY" "SET;FAKE")
  if(NOT CHECK_PLUGIN OR NOT CHECK_CONFIG)
    message(FATAL_ERROR "courierd_add_plugin_check(${name}): give PLUGIN and CONFIG")
  endif()
  if(TARGET courierd_plugin_check)
    set(runner $<TARGET_FILE:courierd_plugin_check>)
  elseif(COURIERD_PLUGIN_CHECK AND EXISTS "${COURIERD_PLUGIN_CHECK}")
    set(runner "${COURIERD_PLUGIN_CHECK}")
  else()
    message(FATAL_ERROR "courierd_add_plugin_check(${name}): no courierd-plugin-check in this "
                        "courierd installation (${COURIERD_PLUGIN_CHECK})")
  endif()
  if(TARGET ${CHECK_PLUGIN})
    set(plugin $<TARGET_FILE:${CHECK_PLUGIN}>)
  else()
    set(plugin ${CHECK_PLUGIN})
  endif()
  set(arguments ${plugin} --config ${CHECK_CONFIG})
  if(CHECK_SOURCE)
    list(APPEND arguments --source ${CHECK_SOURCE})
  endif()
  if(CHECK_URL_KEY)
    list(APPEND arguments --url-key ${CHECK_URL_KEY})
  endif()
  foreach(setting IN LISTS CHECK_SET)
    list(APPEND arguments --set ${setting})
  endforeach()
  if(CHECK_FAKE)
    list(APPEND arguments -- ${CHECK_FAKE})
  endif()
  add_test(NAME ${name} COMMAND ${runner} ${arguments})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()
