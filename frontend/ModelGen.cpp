// Model generators: GPT-2 and LLaMA written out as mlc model files.
//
// A generated file holds one private function per transformer block shape
// (the block's parameters are its arguments) and the entry functions that
// call it once per layer: @forward (training: token windows in, mean
// next-token cross-entropy out), @forward_eval (loss and logits, with its
// own batch), and @prefill / @decode (generation: logits out, the KV cache
// written in place). `mlc compile` inlines the calls.
#include "frontend/ModelGen.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

namespace mlc {

namespace {

using Shape = llvm::SmallVector<int64_t, 4>;
using Family = TransformerConfig::Family;

std::string tensorType(llvm::ArrayRef<int64_t> shape,
                       llvm::StringRef element = "f32") {
  std::string text = "tensor<";
  for (int64_t d : shape)
    text += std::to_string(d) + "x";
  return text + element.str() + ">";
}

/// A float as MLIR's parser reads it (it wants a decimal point), to nine
/// significant digits.
std::string floatLiteral(double value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::format("%.9g", value);
  os.flush();
  if (text.find_first_of(".") == std::string::npos) {
    size_t e = text.find_first_of("eE");
    text.insert(e == std::string::npos ? text.size() : e, ".0");
  }
  return text;
}

std::string joined(llvm::ArrayRef<std::string> items) {
  return llvm::join(items, ", ");
}

/// A tensor the generated code names: its SSA name and type.
struct Value {
  std::string name;
  std::string type;
};

/// One parameter of a block or of the model, with its Hugging Face name
/// (for blocks: relative to the layer's prefix) and initializer.
struct ParamSpec {
  std::string hfName;
  std::string local; // SSA name inside a block function
  Shape shape;
  std::string init;
  /// Extra annotations, e.g. `mlc.decay = false`.
  std::string extra = "";
};

/// Writes the ops of one function body, naming each result.
class BodyWriter {
public:
  explicit BodyWriter(std::string &out) : out(out) {}

  void comment(llvm::StringRef text) { out += "  // " + text.str() + "\n"; }

  Value op(llvm::StringRef name, llvm::StringRef text, llvm::StringRef type) {
    out += "  %" + name.str() + " = " + text.str() + "\n";
    return {"%" + name.str(), type.str()};
  }

  /// `mlc.NAME %a, %b attrs : (Ta, Tb) -> Tr`.
  Value call(llvm::StringRef name, llvm::StringRef opName,
             llvm::ArrayRef<Value> operands, llvm::StringRef attrs,
             llvm::StringRef resultType) {
    llvm::SmallVector<std::string> names, types;
    for (const Value &v : operands) {
      names.push_back(v.name);
      types.push_back(v.type);
    }
    std::string text = "mlc." + opName.str() + " " + joined(names);
    if (!attrs.empty())
      text += " " + attrs.str();
    text += " : (" + joined(types) + ") -> " + resultType.str();
    return op(name, text, resultType);
  }

  /// `mlc.NAME %x attrs : T` (same operand and result type).
  Value unary(llvm::StringRef name, llvm::StringRef opName, const Value &x,
              llvm::StringRef attrs = "") {
    std::string text = "mlc." + opName.str() + " " + x.name;
    if (!attrs.empty())
      text += " " + attrs.str();
    return op(name, text + " : " + x.type, x.type);
  }

  Value add(llvm::StringRef name, const Value &a, const Value &b) {
    return call(name, "add", {a, b}, "", a.type);
  }

  Value matmul(llvm::StringRef name, const Value &a, const Value &b,
               llvm::ArrayRef<int64_t> resultShape, bool transposeRhs = false) {
    return call(name, "matmul", {a, b}, transposeRhs ? "transpose_rhs" : "",
                tensorType(resultShape));
  }

  Value reshape(llvm::StringRef name, const Value &x,
                llvm::ArrayRef<int64_t> shape) {
    return call(name, "reshape", {x}, "", tensorType(shape));
  }

  /// [B, T, N*Dh] -> [B, N, T, Dh] (one head per row block).
  Value splitHeads(llvm::StringRef name, const Value &x, int64_t batch,
                   int64_t seq, int64_t heads, int64_t headDim) {
    Value r = reshape(name.str() + "_bthd", x, {batch, seq, heads, headDim});
    return call(name, "transpose", {r}, "perm = [0, 2, 1, 3]",
                tensorType({batch, heads, seq, headDim}));
  }

  /// [B, N, T, Dh] -> [B, T, N*Dh].
  Value mergeHeads(llvm::StringRef name, const Value &x, int64_t batch,
                   int64_t seq, int64_t heads, int64_t headDim) {
    Value t =
        call(name.str() + "_bthd", "transpose", {x}, "perm = [0, 2, 1, 3]",
             tensorType({batch, seq, heads, headDim}));
    return reshape(name, t, {batch, seq, heads * headDim});
  }

  void ret(llvm::ArrayRef<Value> values) {
    llvm::SmallVector<std::string> names, types;
    for (const Value &v : values) {
      names.push_back(v.name);
      types.push_back(v.type);
    }
    out += "  return " + joined(names) + " : " + joined(types) + "\n";
  }

private:
  std::string &out;
};

std::string normalInit(double std) {
  return "#mlc.init<normal, std = " + floatLiteral(std) + ">";
}

/// The parameters of one block, in the order a block function takes them.
llvm::SmallVector<ParamSpec> blockParams(const TransformerConfig &c) {
  int64_t d = c.dim, f = c.ffnDim, dh = c.dim / c.heads;
  std::string w = normalInit(0.02);
  // GPT-2 scales the init of the projections into the residual stream by
  // 1/sqrt(2 * layers), one for each of a block's two residual additions.
  std::string residual = normalInit(0.02 / std::sqrt(2.0 * c.layers));
  std::string ones = "#mlc.init<ones>", zeros = "#mlc.init<zeros>";
  if (c.family == Family::GPT2)
    return {
        {"ln_1.weight", "ln_1_w", {d}, ones},
        {"ln_1.bias", "ln_1_b", {d}, zeros},
        // Conv1D weights are [in, out], as matmul's rhs.
        {"attn.c_attn.weight", "c_attn_w", {d, 3 * d}, w},
        {"attn.c_attn.bias", "c_attn_b", {3 * d}, zeros},
        {"attn.c_proj.weight", "attn_proj_w", {d, d}, residual},
        {"attn.c_proj.bias", "attn_proj_b", {d}, zeros},
        {"ln_2.weight", "ln_2_w", {d}, ones},
        {"ln_2.bias", "ln_2_b", {d}, zeros},
        {"mlp.c_fc.weight", "c_fc_w", {d, f}, w},
        {"mlp.c_fc.bias", "c_fc_b", {f}, zeros},
        {"mlp.c_proj.weight", "mlp_proj_w", {f, d}, residual},
        {"mlp.c_proj.bias", "mlp_proj_b", {d}, zeros},
    };
  int64_t kv = c.kvHeads * dh;
  // nn.Linear weights are [out, in]: matmuls take them with transpose_rhs.
  return {
      {"input_layernorm.weight", "attn_norm_w", {d}, ones},
      {"self_attn.q_proj.weight", "q_w", {d, d}, w},
      {"self_attn.k_proj.weight", "k_w", {kv, d}, w},
      {"self_attn.v_proj.weight", "v_w", {kv, d}, w},
      {"self_attn.o_proj.weight", "o_w", {d, d}, w},
      {"post_attention_layernorm.weight", "mlp_norm_w", {d}, ones},
      {"mlp.gate_proj.weight", "gate_w", {f, d}, w},
      {"mlp.up_proj.weight", "up_w", {f, d}, w},
      {"mlp.down_proj.weight", "down_w", {d, f}, w},
  };
}

std::string layerPrefix(const TransformerConfig &c, int64_t layer) {
  return (c.family == Family::GPT2 ? "transformer.h." : "model.layers.") +
         std::to_string(layer) + ".";
}

/// The parameters outside the blocks: before them (embeddings) and after
/// (final norm, untied head). `local` is the SSA name in entry functions.
struct ModelParams {
  llvm::SmallVector<ParamSpec> before, after;
};

ModelParams modelParams(const TransformerConfig &c) {
  std::string w = normalInit(0.02);
  ModelParams p;
  if (c.family == Family::GPT2) {
    p.before = {{"transformer.wte.weight", "wte", {c.vocab, c.dim}, w},
                // Read with a slice when training, so the train step would
                // not see an embedding lookup: say it takes no decay.
                {"transformer.wpe.weight", "wpe", {c.context, c.dim}, w,
                 "mlc.decay = false"}};
    p.after = {
        {"transformer.ln_f.weight", "ln_f_w", {c.dim}, "#mlc.init<ones>"},
        {"transformer.ln_f.bias", "ln_f_b", {c.dim}, "#mlc.init<zeros>"}};
    return p;
  }
  p.before = {{"model.embed_tokens.weight", "embed", {c.vocab, c.dim}, w}};
  p.after = {{"model.norm.weight", "norm_w", {c.dim}, "#mlc.init<ones>"}};
  if (!c.tieEmbeddings)
    p.after.push_back({"lm_head.weight", "lm_head", {c.vocab, c.dim}, w});
  return p;
}

/// How a block function is called: training/eval (no cache) or generation
/// (the block writes its keys and values into caches at `position`).
struct BlockShape {
  int64_t batch, seq;
  bool cached;

  std::string functionName(const TransformerConfig &c) const {
    return std::string(familyName(c.family)) + "_block" +
           (cached ? "_cached_" : "_") + std::to_string(batch) + "x" +
           std::to_string(seq);
  }
};

/// Writes one block function for `shape`.
void writeBlock(std::string &out, const TransformerConfig &c,
                const BlockShape &s) {
  int64_t b = s.batch, t = s.seq, d = c.dim, f = c.ffnDim;
  int64_t dh = d / c.heads, kvh = c.kvHeads;
  Shape x = {b, t, d};
  Shape cache = {b, kvh, c.context, dh};
  auto params = blockParams(c);

  llvm::SmallVector<std::string> args = {"%x: " + tensorType(x)};
  for (const ParamSpec &p : params)
    args.push_back("%" + p.local + ": " + tensorType(p.shape));
  llvm::SmallVector<std::string> results = {tensorType(x)};
  if (s.cached) {
    args.push_back("%k_cache: " + tensorType(cache));
    args.push_back("%v_cache: " + tensorType(cache));
    args.push_back("%position: tensor<i64>");
    if (c.family == Family::Llama)
      args.push_back("%positions: " + tensorType({t}, "i64"));
    results.push_back(tensorType(cache));
    results.push_back(tensorType(cache));
  } else if (c.family == Family::Llama) {
    args.push_back("%positions: " + tensorType({t}, "i64"));
  }

  if (c.family == Family::GPT2)
    out += "// One GPT-2 block: x + attn(ln_1(x)), then + mlp(ln_2(x)), with "
           "causal\n// multi-head attention and a GELU (tanh) MLP.\n";
  else
    out += "// One LLaMA block: x + attn(rms_norm(x)), then + "
           "mlp(rms_norm(x)), with rotary\n// positions, grouped-query "
           "attention and a SwiGLU MLP.\n";
  out += "func.func private @" + s.functionName(c) + "(\n    " +
         llvm::join(args, ",\n    ") + ")\n    -> (" + joined(results) +
         ") {\n";

  BodyWriter w(out);
  llvm::StringMap<Value> p;
  for (const ParamSpec &spec : params)
    p[spec.local] = {"%" + spec.local, tensorType(spec.shape)};
  Value in{"%x", tensorType(x)};
  Value kCache{"%k_cache", tensorType(cache)};
  Value vCache{"%v_cache", tensorType(cache)};
  Value position{"%position", "tensor<i64>"};
  Value positions{"%positions", tensorType({t}, "i64")};
  llvm::SmallVector<Value> caches;
  std::string eps = "eps = " + floatLiteral(c.normEps);

  Value q, k, v, h;
  if (c.family == Family::GPT2) {
    h = w.call("h", "layer_norm", {in, p["ln_1_w"], p["ln_1_b"]}, eps, in.type);
    Value qkv0 = w.matmul("qkv0", h, p["c_attn_w"], {b, t, 3 * d});
    Value qkv = w.add("qkv", qkv0, p["c_attn_b"]);
    std::string dt = tensorType(x);
    w.op("q0, %k0, %v0",
         "mlc.split " + qkv.name + " axis = 2 sizes = [" + std::to_string(d) +
             ", " + std::to_string(d) + ", " + std::to_string(d) + "] : (" +
             qkv.type + ") -> (" + dt + ", " + dt + ", " + dt + ")",
         dt);
    q = w.splitHeads("q", {"%q0", dt}, b, t, c.heads, dh);
    k = w.splitHeads("k", {"%k0", dt}, b, t, kvh, dh);
    v = w.splitHeads("v", {"%v0", dt}, b, t, kvh, dh);
  } else {
    h = w.call("h", "rms_norm", {in, p["attn_norm_w"]}, eps, in.type);
    Value q0 = w.matmul("q0", h, p["q_w"], {b, t, d}, true);
    Value k0 = w.matmul("k0", h, p["k_w"], {b, t, kvh * dh}, true);
    Value v0 = w.matmul("v0", h, p["v_w"], {b, t, kvh * dh}, true);
    Value qh = w.splitHeads("qh", q0, b, t, c.heads, dh);
    Value kh = w.splitHeads("kh", k0, b, t, kvh, dh);
    v = w.splitHeads("v", v0, b, t, kvh, dh);
    std::string theta = "theta = " + floatLiteral(c.ropeTheta);
    q = w.call("q", "rope", {qh, positions}, theta, qh.type);
    k = w.call("k", "rope", {kh, positions}, theta, kh.type);
  }

  Value a;
  if (s.cached) {
    w.comment("Keys and values go into the cache at `position`; each query");
    w.comment("attends to the cached positions up to its own.");
    Value kc = w.call("k_cache_new", "cache_write", {kCache, k, position},
                      "axis = 2", kCache.type);
    Value vc = w.call("v_cache_new", "cache_write", {vCache, v, position},
                      "axis = 2", vCache.type);
    caches = {kc, vc};
    a = w.op("attn",
             "mlc.attention " + q.name + ", " + kc.name + ", " + vc.name +
                 " offset " + position.name + " causal : (" + q.type + ", " +
                 kc.type + ", " + vc.type + ", " + position.type + ") -> " +
                 q.type,
             q.type);
  } else {
    a = w.call("attn", "attention", {q, k, v}, "causal", q.type);
  }
  Value merged = w.mergeHeads("attn_out", a, b, t, c.heads, dh);

  Value x1, out2;
  if (c.family == Family::GPT2) {
    Value o0 = w.matmul("o0", merged, p["attn_proj_w"], x);
    Value o = w.add("o", o0, p["attn_proj_b"]);
    x1 = w.add("x1", in, o);
    Value h2 = w.call("h2", "layer_norm", {x1, p["ln_2_w"], p["ln_2_b"]}, eps,
                      x1.type);
    Value f0 = w.matmul("fc0", h2, p["c_fc_w"], {b, t, f});
    Value f1 = w.add("fc1", f0, p["c_fc_b"]);
    Value g = w.unary("fc", "gelu", f1, "approximate = \"tanh\"");
    Value m0 = w.matmul("mlp0", g, p["mlp_proj_w"], x);
    Value m = w.add("mlp", m0, p["mlp_proj_b"]);
    out2 = w.add("y", x1, m);
  } else {
    Value o = w.matmul("o", merged, p["o_w"], x, true);
    x1 = w.add("x1", in, o);
    Value h2 = w.call("h2", "rms_norm", {x1, p["mlp_norm_w"]}, eps, x1.type);
    Value g0 = w.matmul("gate0", h2, p["gate_w"], {b, t, f}, true);
    Value g = w.unary("gate", "silu", g0);
    Value u = w.matmul("up", h2, p["up_w"], {b, t, f}, true);
    Value gu = w.call("gated", "mul", {g, u}, "", g.type);
    Value m = w.matmul("mlp", gu, p["down_w"], x, true);
    out2 = w.add("y", x1, m);
  }
  llvm::SmallVector<Value> returned = {out2};
  returned.append(caches.begin(), caches.end());
  w.ret(returned);
  out += "}\n\n";
}

/// What an entry function is for.
enum class Entry { Train, Eval, Prefill, Decode };

std::string argument(llvm::StringRef ssa, llvm::StringRef type,
                     llvm::StringRef attrs) {
  return "%" + ssa.str() + ": " + type.str() + " {" + attrs.str() + "}";
}

std::string paramArg(const ParamSpec &p, llvm::StringRef ssa) {
  std::string attrs = "mlc.param = \"" + p.hfName + "\", mlc.init = " + p.init;
  if (!p.extra.empty())
    attrs += ", " + p.extra;
  return argument(ssa, tensorType(p.shape), attrs);
}

/// `dense<[start, start+1, ...]> : tensor<Nxi64>`.
std::string rangeLiteral(int64_t n) {
  std::string text = n == 1 ? "dense<0>" : "dense<[";
  if (n > 1) {
    for (int64_t i = 0; i < n; ++i)
      text += (i ? ", " : "") + std::to_string(i);
    text += "]>";
  }
  return text + " : " + tensorType({n}, "i64");
}

void writeEntry(std::string &out, const TransformerConfig &c, Entry entry,
                const BlockShape &s) {
  int64_t b = s.batch, t = s.seq, d = c.dim, dh = d / c.heads;
  std::string tokens = tensorType({b, t}, "i32");
  std::string vocab = "mlc.vocab = " + std::to_string(c.vocab);
  Shape cache = {b, c.kvHeads, c.context, dh};
  ModelParams model = modelParams(c);
  auto block = blockParams(c);

  llvm::SmallVector<std::string> args, results;
  std::string name, kind;
  switch (entry) {
  case Entry::Train:
  case Entry::Eval:
    name = entry == Entry::Train ? "forward" : "forward_eval";
    args.push_back(argument("tokens", tokens,
                            "mlc.input = \"tokens\", mlc.shift = 0, " + vocab));
    args.push_back(argument(
        "targets", tokens, "mlc.input = \"targets\", mlc.shift = 1, " + vocab));
    results.push_back("tensor<f32> {mlc.output = \"loss\"}");
    break;
  case Entry::Prefill:
  case Entry::Decode:
    name = entry == Entry::Prefill ? "prefill" : "decode";
    kind = name;
    args.push_back(
        argument("tokens", tokens, "mlc.input = \"tokens\", " + vocab));
    args.push_back(argument("position", "tensor<i64>",
                            "mlc.input = \"position\", mlc.position"));
    break;
  }
  if (entry != Entry::Train)
    results.push_back(tensorType({b, t, c.vocab}) +
                      " {mlc.output = \"logits\"}");
  for (const ParamSpec &p : model.before)
    args.push_back(paramArg(p, p.local));
  for (int64_t l = 0; l < c.layers; ++l)
    for (const ParamSpec &p : block) {
      ParamSpec full = p;
      full.hfName = layerPrefix(c, l) + p.hfName;
      args.push_back(paramArg(full, "l" + std::to_string(l) + "_" + p.local));
    }
  for (const ParamSpec &p : model.after)
    args.push_back(paramArg(p, p.local));
  if (s.cached)
    for (int64_t l = 0; l < c.layers; ++l)
      for (const char *which : {"key", "value"}) {
        std::string cacheName = "cache." + std::to_string(l) + "." + which;
        args.push_back(argument(std::string(which[0] == 'k' ? "k" : "v") +
                                    "_cache" + std::to_string(l),
                                tensorType(cache),
                                "mlc.cache = \"" + cacheName + "\""));
        results.push_back(tensorType(cache) + " {mlc.update = \"" + cacheName +
                          "\"}");
      }

  switch (entry) {
  case Entry::Train:
    out += "// Training: the mean cross-entropy of each next token.\n";
    break;
  case Entry::Eval:
    out += "// Evaluation: the loss and the logits, with its own batch.\n";
    break;
  case Entry::Prefill:
    out += "// Generation, first call: the prompt's logits, its keys and "
           "values cached.\n";
    break;
  case Entry::Decode:
    out += "// Generation, each next token: its logits at `position`, read "
           "with the cache.\n";
    break;
  }
  out += "func.func @" + name + "(\n    " + llvm::join(args, ",\n    ") +
         ")\n    -> (" + joined(results) + ")";
  if (!kind.empty())
    out += " attributes {mlc.kind = \"" + kind + "\"}";
  out += " {\n";

  BodyWriter w(out);
  Shape x = {b, t, d};
  Value tokensV{"%tokens", tokens};
  Value positionV{"%position", "tensor<i64>"};
  Value positions;
  if (s.cached || c.family == Family::Llama) {
    Value range = w.op("range", "mlc.constant " + rangeLiteral(t),
                       tensorType({t}, "i64"));
    positions = s.cached ? w.call("positions", "add", {range, positionV}, "",
                                  range.type)
                         : range;
  }

  Value h;
  if (c.family == Family::GPT2) {
    Value wte{"%wte", tensorType({c.vocab, d})};
    Value wpe{"%wpe", tensorType({c.context, d})};
    Value tok =
        w.call("tok_emb", "embedding", {wte, tokensV}, "", tensorType(x));
    Value pos = s.cached ? w.call("pos_emb", "embedding", {wpe, positions}, "",
                                  tensorType({t, d}))
                         : w.op("pos_emb",
                                "mlc.slice %wpe axis = 0 start = 0 size = " +
                                    std::to_string(t) + " : (" + wpe.type +
                                    ") -> " + tensorType({t, d}),
                                tensorType({t, d}));
    h = w.call("x0", "add", {tok, pos}, "", tensorType(x));
  } else {
    Value embed{"%embed", tensorType({c.vocab, d})};
    h = w.call("x0", "embedding", {embed, tokensV}, "", tensorType(x));
  }

  llvm::SmallVector<Value> newCaches;
  for (int64_t l = 0; l < c.layers; ++l) {
    llvm::SmallVector<std::string> operands = {h.name};
    llvm::SmallVector<std::string> types = {h.type};
    for (const ParamSpec &p : block) {
      operands.push_back("%l" + std::to_string(l) + "_" + p.local);
      types.push_back(tensorType(p.shape));
    }
    std::string resultTypes = h.type;
    if (s.cached) {
      for (const char *which : {"%k_cache", "%v_cache"}) {
        operands.push_back(which + std::to_string(l));
        types.push_back(tensorType(cache));
      }
      operands.push_back(positionV.name);
      types.push_back(positionV.type);
      resultTypes = "(" + h.type + ", " + tensorType(cache) + ", " +
                    tensorType(cache) + ")";
    }
    if (c.family == Family::Llama) {
      operands.push_back(positions.name);
      types.push_back(positions.type);
    }
    std::string result = "x" + std::to_string(l + 1);
    std::string text = "func.call @" + s.functionName(c) + "(" +
                       joined(operands) + ") : (" + joined(types) + ") -> " +
                       resultTypes;
    if (s.cached) {
      w.op(result + ":3", text, h.type);
      h = {"%" + result + "#0", h.type};
      newCaches.push_back({"%" + result + "#1", tensorType(cache)});
      newCaches.push_back({"%" + result + "#2", tensorType(cache)});
    } else {
      h = w.op(result, text, h.type);
    }
  }

  Value final;
  Value head;
  bool transposeHead = true;
  if (c.family == Family::GPT2) {
    final =
        w.call("x_final", "layer_norm",
               {h, {"%ln_f_w", tensorType({d})}, {"%ln_f_b", tensorType({d})}},
               "eps = " + floatLiteral(c.normEps), h.type);
    head = {"%wte", tensorType({c.vocab, d})};
  } else {
    final = w.call("x_final", "rms_norm", {h, {"%norm_w", tensorType({d})}},
                   "eps = " + floatLiteral(c.normEps), h.type);
    head = {c.tieEmbeddings ? "%embed" : "%lm_head", tensorType({c.vocab, d})};
  }
  Value logits =
      w.matmul("logits", final, head, {b, t, c.vocab}, transposeHead);

  llvm::SmallVector<Value> returned;
  if (entry == Entry::Train || entry == Entry::Eval) {
    Value targets{"%targets", tokens};
    returned.push_back(w.call("loss", "softmax_cross_entropy",
                              {logits, targets}, "", "tensor<f32>"));
  }
  if (entry != Entry::Train)
    returned.push_back(logits);
  returned.append(newCaches.begin(), newCaches.end());
  w.ret(returned);
  out += "}\n\n";
}

/// An error for `mlc gen`, naming the option.
llvm::Error configError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Error validate(const TransformerConfig &c) {
  struct Size {
    const char *option;
    int64_t value;
  } sizes[] = {{"--layers", c.layers},    {"--heads", c.heads},
               {"--kv-heads", c.kvHeads}, {"--dim", c.dim},
               {"--ffn-dim", c.ffnDim},   {"--vocab", c.vocab},
               {"--context", c.context},  {"--batch", c.batch},
               {"--seq", c.seq},          {"--eval-batch", c.evalBatch},
               {"--prefill", c.prefill}};
  for (const Size &s : sizes)
    if (s.value <= 0)
      return configError(llvm::Twine(s.option) + " must be positive, got " +
                         llvm::Twine(s.value));
  if (c.dim % c.heads != 0)
    return configError("--heads " + llvm::Twine(c.heads) +
                       " does not divide --dim " + llvm::Twine(c.dim));
  if (c.family == Family::GPT2 && c.kvHeads != c.heads)
    return configError("--kv-heads is for llama; GPT-2 has one key/value "
                       "head per query head");
  if (c.heads % c.kvHeads != 0)
    return configError("--kv-heads " + llvm::Twine(c.kvHeads) +
                       " does not divide --heads " + llvm::Twine(c.heads));
  if (c.family == Family::Llama && (c.dim / c.heads) % 2 != 0)
    return configError(
        "the head width --dim / --heads = " + llvm::Twine(c.dim / c.heads) +
        " must be even for rotary embeddings");
  if (c.seq > c.context)
    return configError("--seq " + llvm::Twine(c.seq) +
                       " is longer than --context " + llvm::Twine(c.context));
  if (c.prefill > c.context)
    return configError("--prefill " + llvm::Twine(c.prefill) +
                       " is longer than --context " + llvm::Twine(c.context));
  if (c.vocab > (int64_t(1) << 31))
    return configError("--vocab " + llvm::Twine(c.vocab) +
                       " exceeds 2^31 (token ids are i32)");
  if (!(c.normEps >= 0) || !std::isfinite(c.normEps))
    return configError("--norm-eps must be finite and non-negative");
  if (!(c.ropeTheta > 0) || !std::isfinite(c.ropeTheta))
    return configError("--rope-theta must be finite and positive");
  // Keep the tensors in the range the dialect accepts (2^40 bytes) and the
  // arithmetic below from overflowing.
  const int64_t limit = int64_t(1) << 36;
  for (const Size &s : sizes)
    if (s.value > limit)
      return configError(llvm::Twine(s.option) + " " + llvm::Twine(s.value) +
                         " is too large");
  return llvm::Error::success();
}

} // namespace

const char *familyName(TransformerConfig::Family family) {
  return family == Family::GPT2 ? "gpt2" : "llama";
}

TransformerConfig defaultsFor(TransformerConfig c) {
  if (c.kvHeads == 0)
    c.kvHeads = c.heads;
  if (c.ffnDim == 0 && c.dim > 0)
    c.ffnDim =
        c.family == Family::GPT2 ? 4 * c.dim : (8 * c.dim / 3 + 31) / 32 * 32;
  if (c.evalBatch == 0)
    c.evalBatch = c.batch;
  if (c.prefill == 0)
    c.prefill = c.context;
  if (c.normEps == 0)
    c.normEps = c.family == Family::GPT2 ? 1e-5 : 1e-6;
  return c;
}

llvm::Expected<std::string> generateTransformer(const TransformerConfig &in) {
  TransformerConfig c = defaultsFor(in);
  if (llvm::Error e = validate(c))
    return std::move(e);

  std::string out;
  llvm::raw_string_ostream os(out);
  int64_t params = 0;
  for (const ParamSpec &p : blockParams(c)) {
    int64_t n = 1;
    for (int64_t d : p.shape)
      n *= d;
    params += n * c.layers;
  }
  ModelParams model = modelParams(c);
  for (const auto *list : {&model.before, &model.after})
    for (const ParamSpec &p : *list) {
      int64_t n = 1;
      for (int64_t d : p.shape)
        n *= d;
      params += n;
    }
  os << "// " << (c.family == Family::GPT2 ? "GPT-2" : "LLaMA") << ": "
     << c.layers << " layers, " << c.heads << " heads";
  if (c.family == Family::Llama)
    os << " (" << c.kvHeads << " key/value)";
  os << ", width " << c.dim << ", MLP " << c.ffnDim << ", vocab " << c.vocab
     << ", context " << c.context << "; " << params << " parameters.\n"
     << "// @forward trains on batches of " << c.batch << " x " << c.seq
     << " tokens, @forward_eval evaluates " << c.evalBatch << " x " << c.seq
     << ".\n// Parameters carry their Hugging Face names.\n"
     << "//\n//   mlc compile MODEL.mlir --train adamw,lr=6e-4 --eval-func "
        "forward_eval -o MODEL.mlcx\n\n";
  os.flush();

  os << "module attributes {mlc.transformer = {family = \""
     << familyName(c.family) << "\", layers = " << c.layers
     << " : i64, heads = " << c.heads << " : i64, kv_heads = " << c.kvHeads
     << " : i64, dim = " << c.dim << " : i64, ffn_dim = " << c.ffnDim
     << " : i64, vocab = " << c.vocab << " : i64, context = " << c.context
     << " : i64, norm_eps = " << floatLiteral(c.normEps)
     << " : f64, rope_theta = " << floatLiteral(c.ropeTheta)
     << " : f64, tie_embeddings = "
     << (c.family == Family::GPT2 || c.tieEmbeddings ? "true" : "false")
     << "}} {\n\n";
  os.flush();

  BlockShape train{c.batch, c.seq, false};
  BlockShape eval{c.evalBatch, c.seq, false};
  BlockShape prefill{1, c.prefill, true};
  BlockShape decode{1, 1, true};
  writeBlock(out, c, train);
  if (eval.batch != train.batch)
    writeBlock(out, c, eval);
  if (c.generation) {
    writeBlock(out, c, prefill);
    if (prefill.seq != decode.seq)
      writeBlock(out, c, decode);
  }
  writeEntry(out, c, Entry::Train, train);
  writeEntry(out, c, Entry::Eval, eval);
  if (c.generation) {
    writeEntry(out, c, Entry::Prefill, prefill);
    writeEntry(out, c, Entry::Decode, decode);
  }
  while (!out.empty() && out.back() == '\n')
    out.pop_back();
  return out + "\n\n}\n";
}

} // namespace mlc
