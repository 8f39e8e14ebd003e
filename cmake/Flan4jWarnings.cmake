# Compiler warnings and common flags for flan4j targets.
function(flan4j_set_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra,-Wno-unused-parameter,-Wno-unknown-pragmas>
    # nvcc: warn on double-precision use in device code is too noisy; keep the useful ones
    $<$<COMPILE_LANGUAGE:CUDA>:--Werror=cross-execution-space-call>
    $<$<COMPILE_LANGUAGE:CUDA>:-lineinfo>
    $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr>)
endfunction()
