// device.cu - device queries shared by the launchers.
#include "launchers.cuh"

namespace flan4j {

int device_sm_count(int* sms) {
    int dev = 0;
    FLAN4J_CUDA_TRY(cudaGetDevice(&dev), "cudaGetDevice");
    int n = 0;
    FLAN4J_CUDA_TRY(cudaDeviceGetAttribute(&n, cudaDevAttrMultiProcessorCount, dev),
                    "cudaDeviceGetAttribute(MultiProcessorCount)");
    *sms = n > 0 ? n : 1;
    return FLAN4J_OK;
}

}  // namespace flan4j
