# NVTX3 is header-only and ships with the CUDA toolkit (include/nvtx3/nvToolsExt.h).
# Nothing to link; ranges cost a branch when no profiler is attached.
# Disable with -DFLAN4J_NVTX=OFF.
option(FLAN4J_NVTX "Emit NVTX ranges around each kernel launch" ON)
function(flan4j_use_nvtx target)
  if(FLAN4J_NVTX)
    find_path(FLAN4J_NVTX3_INCLUDE nvtx3/nvToolsExt.h HINTS ${CMAKE_CUDA_TOOLKIT_INCLUDE_DIRECTORIES})
    if(NOT FLAN4J_NVTX3_INCLUDE)
      message(WARNING "flan4j: nvtx3/nvToolsExt.h not found; building without NVTX ranges")
      return()
    endif()
    target_compile_definitions(${target} PRIVATE FLAN4J_NVTX=1)
    target_include_directories(${target} SYSTEM PRIVATE ${FLAN4J_NVTX3_INCLUDE})
    target_link_libraries(${target} PRIVATE ${CMAKE_DL_LIBS})  # nvtx3 loads the profiler's injection library with dlopen
  endif()
endfunction()
