#===- AddMX.cmake - helpers for mx-opt libraries --------------------------===#
#
# Every mx library is a static, position-independent archive that links the
# MLIR and LLVM shared libraries (libMLIR.so, libLLVM.so) rather than their
# static components. That keeps one copy of MLIR's registries in a process,
# which is what lets the same objects go into mx-opt, into the plugins loaded
# by a stock mlir-opt (itself linked against libMLIR.so), and into downstream
# tools built against the installed tree.
#
#===-----------------------------------------------------------------------===#

set_property(GLOBAL PROPERTY MX_ALL_LIBS "")

# add_mx_library(name src... [DEPENDS tgt...] [LINK_LIBS lib...] [NO_MLIR])
function(add_mx_library name)
  cmake_parse_arguments(ARG "NO_MLIR" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  if(ARG_NO_MLIR)
    target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} LLVM)
  else()
    target_link_libraries(${name} PUBLIC ${ARG_LINK_LIBS} MLIR LLVM)
  endif()
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${MX_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${MX_BINARY_DIR}/include>
    $<INSTALL_INTERFACE:include>)
  # Consumers of the installed libraries need MLIR's and LLVM's headers too.
  target_include_directories(${name} SYSTEM PUBLIC
    ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  install(TARGETS ${name} EXPORT MXTargets ARCHIVE DESTINATION lib)
  set_property(GLOBAL APPEND PROPERTY MX_ALL_LIBS ${name})
endfunction()

# add_mx_tool(name src... [LINK_LIBS lib...])
function(add_mx_tool name)
  cmake_parse_arguments(ARG "" "" "LINK_LIBS" ${ARGN})
  add_executable(${name} ${ARG_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ${ARG_LINK_LIBS} MLIR LLVM)
  set_target_properties(${name} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${MX_TOOLS_DIR})
  install(TARGETS ${name} EXPORT MXTargets RUNTIME DESTINATION bin)
endfunction()
