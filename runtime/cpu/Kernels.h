// The CPU kernel library: one built-in implementation per fb::OpKind.
#ifndef MLC_RUNTIME_CPU_KERNELS_H
#define MLC_RUNTIME_CPU_KERNELS_H

#include "runtime/Device.h"

namespace mlc::rt::cpu {

/// Checks that `kernel` can run on operands/results of these descriptions.
/// Supported dtypes: f32, f64, i32, i64, i1 (bf16/f16 are rejected).
Status checkKernel(const fb::CpuKernel &kernel,
                   const std::vector<const TensorDesc *> &operands,
                   const std::vector<const TensorDesc *> &results);

/// Binds a kernel that passed checkKernel() to its buffers.
StatusOr<std::unique_ptr<PreparedCommand>>
prepareKernel(const fb::CpuKernel &kernel,
              const std::vector<TensorRef> &operands,
              const std::vector<TensorRef> &results);

/// Checks a fused loop (a kernel region) against its operands and results:
/// every step valid and in dependency order, f32/i1 registers, operands
/// broadcasting to the iteration shape, results of that shape.
Status checkFusedLoop(const fb::FusedLoop &loop,
                      const std::vector<const TensorDesc *> &operands,
                      const std::vector<const TensorDesc *> &results);

/// Binds a fused loop that passed checkFusedLoop() to its buffers.
StatusOr<std::unique_ptr<PreparedCommand>>
prepareFusedLoop(const fb::FusedLoop &loop,
                 const std::vector<TensorRef> &operands,
                 const std::vector<TensorRef> &results);

/// Checks a reduction region (fb::FusedReduce) against its operands and
/// results: the layout matches the axes, steps as in a fused loop plus
/// reductions of f32 values, no column reduction read by a step, results
/// of the iteration shape or (values per output) of the reduced shape,
/// and a result sharing an operand's buffer only where it is read at the
/// index written.
Status checkFusedReduce(const fb::FusedReduce &program,
                        const std::vector<const TensorDesc *> &operands,
                        const std::vector<const TensorDesc *> &results);

/// Binds a reduction region that passed checkFusedReduce() to its buffers.
StatusOr<std::unique_ptr<PreparedCommand>>
prepareFusedReduce(const fb::FusedReduce &program,
                   const std::vector<TensorRef> &operands,
                   const std::vector<TensorRef> &results);

} // namespace mlc::rt::cpu

#endif // MLC_RUNTIME_CPU_KERNELS_H
