# Installs the SDK as a CMake package: find_package(Popyka) gives Popyka::sdk and popyka_add_plugin().
include(CMakePackageConfigHelpers)
set(POPYKA_CMAKE_INSTALL_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/Popyka")

install(TARGETS popyka_sdk EXPORT PopykaTargets)
install(DIRECTORY sdk/include/popyka "${PROJECT_BINARY_DIR}/sdk/include/popyka" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT PopykaTargets NAMESPACE Popyka:: DESTINATION "${POPYKA_CMAKE_INSTALL_DIR}")

configure_package_config_file(cmake/PopykaConfig.cmake.in
  "${PROJECT_BINARY_DIR}/PopykaConfig.cmake" INSTALL_DESTINATION "${POPYKA_CMAKE_INSTALL_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/PopykaConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/PopykaConfig.cmake"
  "${PROJECT_BINARY_DIR}/PopykaConfigVersion.cmake"
  cmake/PopykaPlugin.cmake
  DESTINATION "${POPYKA_CMAKE_INSTALL_DIR}")
