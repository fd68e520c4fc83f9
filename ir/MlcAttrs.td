// Attributes of the mlc dialect: parameter initializers, memory slices and
// op enums.
#ifndef MLC_ATTRS_TD
#define MLC_ATTRS_TD

include "ir/MlcDialect.td"
include "mlir/IR/EnumAttr.td"

def Mlc_InitKind : I32EnumAttr<"InitKind", "how a parameter is initialized", [
    I32EnumAttrCase<"zeros", 0>,
    I32EnumAttrCase<"ones", 1>,
    I32EnumAttrCase<"constant", 2>,
    I32EnumAttrCase<"normal", 3>,
    I32EnumAttrCase<"uniform", 4>,
    I32EnumAttrCase<"xavier_uniform", 5>,
    I32EnumAttrCase<"kaiming_uniform", 6>,
  ]> {
  let cppNamespace = "::mlc";
  let genSpecializedAttr = 0;
}

def Mlc_InitAttr : AttrDef<Mlc_Dialect, "Init"> {
  let mnemonic = "init";
  let summary = "Initializer of a parameter or optimizer state tensor";
  let description = [{
    `#mlc.init<zeros>`, `#mlc.init<ones>`, `#mlc.init<constant, value = 0.5>`,
    `#mlc.init<normal, mean = 0.0, std = 0.1>`,
    `#mlc.init<uniform, low = -0.1, high = 0.1>`,
    `#mlc.init<xavier_uniform, gain = 1.0>`,
    `#mlc.init<kaiming_uniform, a = 2.2360679775>`. Omitted keys take their
    defaults (mean 0, std 1, low 0, high 1, gain 1, a = sqrt(5), the
    default of `torch.nn.Linear`). Fans are computed from the shape with
    the convention of `mlc.matmul` weights `[fan_in, fan_out]`: the last
    dimension is fan_out, the product of the others fan_in.
  }];
  let parameters = (ins "InitKind":$kind, APFloatParameter<"">:$first,
                        APFloatParameter<"">:$second);
  let builders = [
    AttrBuilder<(ins "InitKind":$kind, "double":$first, "double":$second), [{
      return $_get($_ctxt, kind, ::llvm::APFloat(first), ::llvm::APFloat(second));
    }]>
  ];
  let skipDefaultBuilders = 1;
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Names of the keys this kind takes, in order (first, second).
    static ::llvm::SmallVector<::llvm::StringRef, 2> keysFor(InitKind kind);
    /// Default values of the keys this kind takes.
    static ::llvm::SmallVector<double, 2> defaultsFor(InitKind kind);
    double getFirstValue() const { return getFirst().convertToDouble(); }
    double getSecondValue() const { return getSecond().convertToDouble(); }
  }];
}

def Mlc_ArenaKind : I32EnumAttr<"ArenaKind", "what an arena of memory holds", [
    I32EnumAttrCase<"parameter", 0>,
    I32EnumAttrCase<"optimizer_state", 1>,
    I32EnumAttrCase<"step_counter", 2>,
    I32EnumAttrCase<"grad_accumulator", 3>,
    I32EnumAttrCase<"kv_cache", 4>,
    I32EnumAttrCase<"constant", 5>,
    I32EnumAttrCase<"io", 6>,
    I32EnumAttrCase<"workspace", 7>,
  ]> {
  let cppNamespace = "::mlc";
  let genSpecializedAttr = 0;
}

def Mlc_SliceAttr : AttrDef<Mlc_Dialect, "Slice"> {
  let mnemonic = "slice";
  let summary = "Where a value lives: `size` bytes at `offset` in an arena";
  let description = [{
    `#mlc.slice<workspace, 128, 2048>`: the memory plan
    (`-mlc-plan-memory`) puts the value in the arena of that kind, from
    byte `offset` (a multiple of 64) for `size` bytes (the tensor's bytes).
    Values of the workspace share bytes when their lifetimes do not meet;
    a parameter's update computed in place has the parameter's slice.
  }];
  let parameters = (ins EnumParameter<Mlc_ArenaKind>:$arena,
                        "uint64_t":$offset, "uint64_t":$size);
  let assemblyFormat = "`<` $arena `,` $offset `,` $size `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// One past the last byte, rounded up to the slice alignment: where
    /// the next slice may start.
    uint64_t getAlignedEnd() const;
    /// Whether the two slices share a byte.
    bool overlaps(SliceAttr other) const;
  }];
}

def Mlc_MeshAttr : AttrDef<Mlc_Dialect, "Mesh"> {
  let mnemonic = "mesh";
  let summary = "A mesh of ranks: named axes and their sizes";
  let description = [{
    `#mlc.mesh<dp = 2, tp = 4>`: 8 ranks, numbered row-major (the last
    axis varies fastest). On a module (`mlc.mesh`), the mesh its entry
    points are partitioned over; collectives name its axes. Axis names are
    identifiers, each once; sizes are at least 1.
  }];
  let parameters = (ins ArrayRefParameter<"::mlir::StringAttr">:$names,
                        ArrayRefParameter<"int64_t">:$sizes);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The position of axis `name`, or nothing.
    std::optional<unsigned> axisIndex(::llvm::StringRef name) const;
    /// The ranks in all: the product of the sizes.
    int64_t numRanks() const;
    /// The ranks of a group over `axes` (names the mesh has).
    int64_t groupSize(::mlir::ArrayAttr axes) const;
  }];
}

def Mlc_ShardAttr : AttrDef<Mlc_Dialect, "Shard"> {
  let mnemonic = "shard";
  let summary = "The piece of a whole tensor that a rank holds";
  let description = [{
    `#mlc.shard<[128, 384], split(1, "tp", 3), flat("dp")>`: on a state
    argument (`mlc.param`, `mlc.state`) as `mlc.shard`, the argument is
    this rank's piece of a tensor of the whole shape `[128, 384]`, taken
    from it by the steps, in order (n is the size of the step's mesh axis,
    c the rank's coordinate on it):

    - `split(D, "AXIS", BLOCKS)`: dimension D, of extent E, viewed as
      `[BLOCKS, n, E / (BLOCKS n)]`; the rank keeps index c of the middle,
      an extent of E / n. BLOCKS = 1 splits the dimension into n
      contiguous parts; a fused QKV weight `[C, 3C]` split by heads is
      `split(1, "tp", 3)`: each rank keeps its heads' columns of q, of k
      and of v.
    - `flat("AXIS")`: the tensor flattened row-major, padded with zeros to
      a multiple of n elements, and chunk c of ceil(numel / n) kept: a
      1-D piece (ZeRO's shards).

    Tensor parallelism and ZeRO hold their state this way: the runtime
    initializes the whole tensor from the seed (as one rank would) and
    keeps each rank's piece, and checkpoints hold whole tensors, so they
    load into any mesh.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape,
                        ArrayRefParameter<"::mlir::StringAttr">:$axes,
                        ArrayRefParameter<"int64_t">:$dims,
                        ArrayRefParameter<"int64_t">:$blocks);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Step i is flat() (its dims entry is -1) rather than split().
    bool isFlat(unsigned i) const { return getDims()[i] < 0; }
    /// The piece's shape on `mesh`, or an error naming the step whose
    /// axis the mesh lacks or whose extent does not divide.
    ::mlir::FailureOr<::llvm::SmallVector<int64_t>>
    pieceShape(MeshAttr mesh,
               ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError) const;
  }];
}

def Mlc_Reduction : I32EnumAttr<"Reduction",
    "how a collective combines the ranks' values", [
    I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
    I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
  ]> {
  let cppNamespace = "::mlc";
}

def Mlc_ComparePredicate : I32EnumAttr<"ComparePredicate",
    "comparison predicate", [
    I32EnumAttrCase<"eq", 0>, I32EnumAttrCase<"ne", 1>,
    I32EnumAttrCase<"lt", 2>, I32EnumAttrCase<"le", 3>,
    I32EnumAttrCase<"gt", 4>, I32EnumAttrCase<"ge", 5>,
  ]> {
  let cppNamespace = "::mlc";
}

#endif // MLC_ATTRS_TD
