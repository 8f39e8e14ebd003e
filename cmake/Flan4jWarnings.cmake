# Compiler warnings and common flags for flan4j targets.
# FLAN4J_LINEINFO: device line tables (-lineinfo) for compute-sanitizer and profiler source lines. They hold the
# absolute paths of the sources and CUDA headers, so the Maven build (the published platform jar) turns them off;
# scripts/gpu/bundle.sh turns them on.
option(FLAN4J_LINEINFO "device line info (-lineinfo); names the build machine's source folder in the library" ON)
function(flan4j_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra,-Wno-unused-parameter,-Wno-unknown-pragmas>
    # nvcc: warn on double-precision use in device code is too noisy; keep the useful ones
    $<$<COMPILE_LANGUAGE:CUDA>:--Werror=cross-execution-space-call>
    $<$<AND:$<COMPILE_LANGUAGE:CUDA>,$<BOOL:${FLAN4J_LINEINFO}>>:-lineinfo>
    $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr>)
endfunction()
