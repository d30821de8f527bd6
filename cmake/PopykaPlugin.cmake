# popyka_add_plugin(<name> <source>...)
#
# Builds a popyka plugin: a shared module `<name>.so` linked against the SDK headers, with
# hidden visibility (only the entry point and the SDK's own types are exported) and PIC.
# Used for the built-in plugins and, from the installed package, for users' plugins.
function(popyka_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Popyka::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
endfunction()
