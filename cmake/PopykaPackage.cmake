# The SDK as a CMake package, as fmt does it: find_package(Popyka 1.0) gives Popyka::sdk (the
# header-only SDK) and popyka_add_plugin(), and needs none of the host's libraries.
#   - installed (POPYKA_INSTALL): <prefix>/lib/cmake/Popyka, headers in <prefix>/include/popyka;
#   - from the build tree, without installing: -DPopyka_DIR=<popyka build dir> (export()).
include(CMakePackageConfigHelpers)
set(POPYKA_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/Popyka")

configure_package_config_file(cmake/PopykaConfig.cmake.in
  "${PROJECT_BINARY_DIR}/PopykaConfig.cmake" INSTALL_DESTINATION "${POPYKA_CMAKE_INSTALL_DIR}")
# Same major version, at least the asked minor: find_package(Popyka 1.0) takes any 1.x.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/PopykaConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)

# The build tree as a package of its own (PopykaConfig.cmake finds these beside it).
export(TARGETS popyka_sdk NAMESPACE Popyka:: FILE "${PROJECT_BINARY_DIR}/PopykaTargets.cmake")
configure_file(cmake/PopykaPlugin.cmake "${PROJECT_BINARY_DIR}/PopykaPlugin.cmake" COPYONLY)

if(POPYKA_INSTALL)
  install(TARGETS popyka_sdk EXPORT PopykaTargets)
  install(DIRECTORY sdk/include/popyka DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT PopykaTargets NAMESPACE Popyka:: DESTINATION "${POPYKA_CMAKE_INSTALL_DIR}")
  install(FILES
    "${PROJECT_BINARY_DIR}/PopykaConfig.cmake"
    "${PROJECT_BINARY_DIR}/PopykaConfigVersion.cmake"
    cmake/PopykaPlugin.cmake
    DESTINATION "${POPYKA_CMAKE_INSTALL_DIR}")
endif()
