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
