# Each core library exposes only its own folder. `popyka_core_headers(target scope path)` gives
# the target an include root in the build tree that holds one link, <root>/<path> -> core/<path>,
# so `#include "config/…"` compiles only where popyka_config is linked: the layering in the
# README (source -> decode -> pipeline, config and plugin_loading beside) is enforced by the
# build, not by convention. `path` is a folder or a single header.
function(popyka_core_headers target scope path)
  set(root ${PROJECT_BINARY_DIR}/core-include/${target})
  get_filename_component(parent ${root}/${path} DIRECTORY)
  file(MAKE_DIRECTORY ${parent})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/core/${path} ${root}/${path} SYMBOLIC)
  target_include_directories(${target} ${scope} ${root})
endfunction()
