// Hugging Face checkpoints: config.json and weights, read and written.
//
// mlc's transformers name their parameters as Hugging Face does (GPT-2's
// with the `transformer.` prefix of GPT2LMHeadModel) and lay them out the
// same (Conv1D [in, out], nn.Linear [out, in]), so converting a checkpoint
// is checking it and widening it to f32; nothing is transposed.
#include "frontend/HuggingFace.h"

#include "ir/MlcModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <deque>
#include <map>
#include <set>

namespace mlc {

namespace {

using Family = TransformerConfig::Family;

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

/// Reads typed keys of a config.json object; the first problem is kept and
/// reported by `take`, naming the file and the key.
class ConfigReader {
public:
  ConfigReader(const llvm::json::Object &object, llvm::StringRef origin)
      : obj(object), origin(origin.str()) {}

  const llvm::json::Object &object() const { return obj; }

  /// A positive integer; `fallback` (if >= 0) when absent or null.
  int64_t positive(llvm::StringRef key, int64_t fallback = -1) {
    const llvm::json::Value *v = obj.get(key);
    if (!v || v->kind() == llvm::json::Value::Null) {
      if (fallback >= 0)
        return fallback;
      fail(key, "is missing");
      return 1;
    }
    std::optional<int64_t> n = v->getAsInteger();
    if (!n || *n <= 0) {
      fail(key, "must be a positive integer, found " + show(*v));
      return 1;
    }
    return *n;
  }

  /// A finite positive number, `fallback` when absent.
  double number(llvm::StringRef key, double fallback) {
    const llvm::json::Value *v = obj.get(key);
    if (!v || v->kind() == llvm::json::Value::Null)
      return fallback;
    std::optional<double> x = v->getAsNumber();
    if (!x || !(*x > 0) || !std::isfinite(*x)) {
      fail(key, "must be a positive number, found " + show(*v));
      return fallback;
    }
    return *x;
  }

  bool boolean(llvm::StringRef key, bool fallback) {
    const llvm::json::Value *v = obj.get(key);
    if (!v || v->kind() == llvm::json::Value::Null)
      return fallback;
    std::optional<bool> b = v->getAsBoolean();
    if (!b)
      fail(key, "must be true or false, found " + show(*v));
    return b.value_or(fallback);
  }

  std::string string(llvm::StringRef key, llvm::StringRef fallback) {
    const llvm::json::Value *v = obj.get(key);
    if (!v || v->kind() == llvm::json::Value::Null)
      return fallback.str();
    std::optional<llvm::StringRef> s = v->getAsString();
    if (!s)
      fail(key, "must be a string, found " + show(*v));
    return s.value_or(fallback).str();
  }

  /// A setting mlc does not implement: `key` must be absent, null or
  /// equal to `supported`.
  void unsupportedUnless(llvm::StringRef key, bool supported,
                         llvm::StringRef what) {
    bool given = boolean(key, supported);
    if (given != supported)
      fail(key, "= " + std::string(given ? "true" : "false") +
                    " is not supported: " + what.str());
  }

  void fail(llvm::StringRef key, const llvm::Twine &message) {
    if (problem.empty())
      problem = origin + ": '" + key.str() + "' " + message.str();
  }

  void failWhole(const llvm::Twine &message) {
    if (problem.empty())
      problem = origin + ": " + message.str();
  }

  llvm::Error take() {
    return problem.empty() ? llvm::Error::success() : error(problem);
  }

  static std::string show(const llvm::json::Value &v) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << v;
    os.flush();
    return text.size() > 40 ? text.substr(0, 40) + "..." : text;
  }

private:
  const llvm::json::Object &obj;
  std::string origin;
  std::string problem;
};

void readGpt2(ConfigReader &r, TransformerConfig &c) {
  c.family = Family::GPT2;
  c.layers = r.positive("n_layer");
  c.heads = r.positive("n_head");
  c.dim = r.positive("n_embd");
  c.vocab = r.positive("vocab_size");
  c.context = r.positive("n_positions");
  c.ffnDim = r.positive("n_inner", 4 * c.dim);
  c.kvHeads = c.heads;
  c.normEps = r.number("layer_norm_epsilon", 1e-5);
  c.tieEmbeddings = true;
  std::string act = r.string("activation_function", "gelu_new");
  if (act != "gelu_new" && act != "gelu_pytorch_tanh")
    r.fail("activation_function",
           "= \"" + act +
               "\" is not supported (mlc's GPT-2 uses GELU with the tanh "
               "approximation: gelu_new or gelu_pytorch_tanh)");
  r.unsupportedUnless("scale_attn_weights", true,
                      "mlc scales attention scores by 1/sqrt(head width)");
  r.unsupportedUnless("scale_attn_by_inverse_layer_idx", false,
                      "mlc scales every layer's attention alike");
  r.unsupportedUnless("add_cross_attention", false,
                      "mlc's GPT-2 is decoder-only");
  r.unsupportedUnless("tie_word_embeddings", true,
                      "mlc's GPT-2 shares wte with the LM head");
  if (c.dim % c.heads != 0)
    r.failWhole("n_head " + llvm::Twine(c.heads) + " does not divide n_embd " +
                llvm::Twine(c.dim));
}

void readLlama(ConfigReader &r, TransformerConfig &c) {
  c.family = Family::Llama;
  c.layers = r.positive("num_hidden_layers");
  c.heads = r.positive("num_attention_heads");
  c.dim = r.positive("hidden_size");
  c.ffnDim = r.positive("intermediate_size");
  c.vocab = r.positive("vocab_size");
  c.context = r.positive("max_position_embeddings");
  c.kvHeads = r.positive("num_key_value_heads", c.heads);
  c.normEps = r.number("rms_norm_eps", 1e-6);
  c.ropeTheta = r.number("rope_theta", 10000.0);
  c.tieEmbeddings = r.boolean("tie_word_embeddings", false);
  std::string act = r.string("hidden_act", "silu");
  if (act != "silu")
    r.fail("hidden_act", "= \"" + act +
                             "\" is not supported (mlc's LLaMA MLP is "
                             "SwiGLU: silu)");
  r.unsupportedUnless("attention_bias", false,
                      "mlc's LLaMA projections have no bias");
  r.unsupportedUnless("mlp_bias", false, "mlc's LLaMA MLP has no bias");
  if (const llvm::json::Value *s = r.object().get("rope_scaling"))
    if (s->kind() != llvm::json::Value::Null)
      r.fail("rope_scaling", "= " + ConfigReader::show(*s) +
                                 " is not supported (mlc implements plain "
                                 "RoPE; rope_scaling must be null)");
  if (c.dim % c.heads != 0) {
    r.failWhole("num_attention_heads " + llvm::Twine(c.heads) +
                " does not divide hidden_size " + llvm::Twine(c.dim));
    return;
  }
  int64_t headDim = r.positive("head_dim", c.dim / c.heads);
  if (headDim != c.dim / c.heads)
    r.fail("head_dim", "= " + llvm::Twine(headDim) +
                           " is not supported: mlc's heads are hidden_size / "
                           "num_attention_heads = " +
                           llvm::Twine(c.dim / c.heads) + " wide");
  if (c.heads % c.kvHeads != 0)
    r.failWhole("num_key_value_heads " + llvm::Twine(c.kvHeads) +
                " does not divide num_attention_heads " + llvm::Twine(c.heads));
  if ((c.dim / c.heads) % 2 != 0)
    r.failWhole("the head width hidden_size / num_attention_heads = " +
                llvm::Twine(c.dim / c.heads) +
                " must be even for rotary embeddings");
}

bool isBuffer(llvm::StringRef name) {
  return name.ends_with(".attn.bias") || name.ends_with(".attn.masked_bias") ||
         name.ends_with("rotary_emb.inv_freq");
}

/// Where one tensor of a checkpoint is: the name the file gives it and the
/// file.
struct Located {
  std::string fileName;
  const SafetensorsTensor *tensor;
};

/// The safetensors files of `dir`: model.safetensors, or the shards that
/// model.safetensors.index.json names (checked against their contents).
llvm::Error openCheckpoint(llvm::StringRef dir,
                           std::deque<SafetensorsReader> &readers) {
  llvm::SmallString<256> single(dir), index(dir);
  llvm::sys::path::append(single, "model.safetensors");
  llvm::sys::path::append(index, "model.safetensors.index.json");
  if (!llvm::sys::fs::exists(index)) {
    if (!llvm::sys::fs::exists(single))
      return error(dir + " has neither model.safetensors nor "
                         "model.safetensors.index.json");
    llvm::Expected<SafetensorsReader> r = SafetensorsReader::open(single);
    if (!r)
      return r.takeError();
    readers.push_back(std::move(*r));
    return llvm::Error::success();
  }
  auto buffer = llvm::MemoryBuffer::getFile(index, /*IsText=*/true);
  if (!buffer)
    return error(index + ": " + buffer.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return error(index + ": not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *map =
      root ? root->getObject("weight_map") : nullptr;
  if (!map)
    return error(index + ": no 'weight_map' object");
  // Tensor -> shard, sorted so that errors do not depend on hash order.
  std::map<std::string, std::string> weightMap;
  std::set<std::string> shards;
  for (const auto &[name, file] : *map) {
    std::optional<llvm::StringRef> text = file.getAsString();
    if (!text)
      return error(index + ": weight_map['" + name.str() +
                   "'] is not a file name");
    if (text->empty() || text->contains('/') || *text == "." || *text == "..")
      return error(index + ": weight_map['" + name.str() + "'] = '" + *text +
                   "' is not a file name in the folder");
    weightMap[name.str()] = text->str();
    shards.insert(text->str());
  }
  for (const std::string &shard : shards) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, shard);
    llvm::Expected<SafetensorsReader> r = SafetensorsReader::open(path);
    if (!r)
      return r.takeError();
    for (const SafetensorsTensor &t : r->tensors()) {
      auto it = weightMap.find(t.name);
      if (it == weightMap.end() || it->second != shard)
        return error(index + " does not map tensor '" + t.name + "' to " +
                     shard + ", which holds it");
    }
    for (const auto &[name, file] : weightMap)
      if (file == shard && !r->find(name))
        return error(index + " maps tensor '" + name + "' to " + shard +
                     ", which does not hold it");
    readers.push_back(std::move(*r));
  }
  return llvm::Error::success();
}

} // namespace

llvm::Expected<TransformerConfig> configFromHfJson(llvm::StringRef text,
                                                   llvm::StringRef origin) {
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return error(origin + ": not JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *object = json->getAsObject();
  if (!object)
    return error(origin + ": not a JSON object");
  ConfigReader r(*object, origin);
  std::string type = r.string("model_type", "");
  if (llvm::Error e = r.take())
    return std::move(e);
  if (type.empty())
    return error(origin + ": 'model_type' is missing");
  if (type != "gpt2" && type != "llama")
    return error(origin + ": model_type '" + type +
                 "' is not supported (mlc imports gpt2 and llama)");
  const llvm::json::Value *archs = object->get("architectures");
  if (archs && archs->kind() != llvm::json::Value::Null) {
    const llvm::json::Array *list = archs->getAsArray();
    if (!list)
      return error(origin + ": 'architectures' must be a list of strings");
    for (const llvm::json::Value &a : *list) {
      std::optional<llvm::StringRef> name = a.getAsString();
      if (!name)
        return error(origin + ": 'architectures' must be a list of strings");
      bool known = type == "gpt2"
                       ? (*name == "GPT2LMHeadModel" || *name == "GPT2Model")
                       : (*name == "LlamaForCausalLM" || *name == "LlamaModel");
      if (!known)
        return error(origin + ": architecture '" + *name +
                     "' is not supported (mlc imports " +
                     (type == "gpt2" ? "GPT2LMHeadModel" : "LlamaForCausalLM") +
                     " for model_type " + type + ")");
    }
  }
  TransformerConfig c;
  if (type == "gpt2")
    readGpt2(r, c);
  else
    readLlama(r, c);
  if (llvm::Error e = r.take())
    return std::move(e);
  return c;
}

std::string configToHfJson(const TransformerConfig &c) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::json::OStream j(os, /*IndentSize=*/2);
  j.object([&] {
    if (c.family == Family::GPT2) {
      j.attributeArray("architectures", [&] { j.value("GPT2LMHeadModel"); });
      j.attribute("model_type", "gpt2");
      j.attribute("n_layer", c.layers);
      j.attribute("n_head", c.heads);
      j.attribute("n_embd", c.dim);
      j.attribute("n_inner", c.ffnDim);
      j.attribute("n_positions", c.context);
      j.attribute("n_ctx", c.context);
      j.attribute("vocab_size", c.vocab);
      j.attribute("layer_norm_epsilon", c.normEps);
      j.attribute("activation_function", "gelu_new");
      j.attribute("scale_attn_weights", true);
      j.attribute("tie_word_embeddings", true);
    } else {
      j.attributeArray("architectures", [&] { j.value("LlamaForCausalLM"); });
      j.attribute("model_type", "llama");
      j.attribute("num_hidden_layers", c.layers);
      j.attribute("num_attention_heads", c.heads);
      j.attribute("num_key_value_heads", c.kvHeads);
      j.attribute("hidden_size", c.dim);
      j.attribute("intermediate_size", c.ffnDim);
      j.attribute("vocab_size", c.vocab);
      j.attribute("max_position_embeddings", c.context);
      j.attribute("rms_norm_eps", c.normEps);
      j.attribute("rope_theta", c.ropeTheta);
      j.attribute("rope_scaling", nullptr);
      j.attribute("attention_bias", false);
      j.attribute("mlp_bias", false);
      j.attribute("tie_word_embeddings", c.tieEmbeddings);
      j.attribute("hidden_act", "silu");
    }
    j.attribute("torch_dtype", "float32");
  });
  os << "\n";
  os.flush();
  return text;
}

llvm::Expected<TransformerConfig> configFromModule(mlir::ModuleOp module) {
  auto dict = module->getAttrOfType<mlir::DictionaryAttr>(attr::kTransformer);
  if (!dict)
    return error("the model has no '" + attr::kTransformer +
                 "' attribute; export-hf takes a model written by mlc gen "
                 "or mlc import-hf");
  // The dialect's verifier has checked the keys and their types.
  TransformerConfig c;
  c.family = dict.getAs<mlir::StringAttr>("family").getValue() == "gpt2"
                 ? Family::GPT2
                 : Family::Llama;
  auto size = [&](llvm::StringRef key) {
    return dict.getAs<mlir::IntegerAttr>(key).getInt();
  };
  c.layers = size("layers");
  c.heads = size("heads");
  c.kvHeads = size("kv_heads");
  c.dim = size("dim");
  c.ffnDim = size("ffn_dim");
  c.vocab = size("vocab");
  c.context = size("context");
  c.normEps = dict.getAs<mlir::FloatAttr>("norm_eps").getValueAsDouble();
  c.ropeTheta = dict.getAs<mlir::FloatAttr>("rope_theta").getValueAsDouble();
  c.tieEmbeddings = dict.getAs<mlir::BoolAttr>("tie_embeddings").getValue();
  return c;
}

llvm::Expected<std::vector<ParamShape>> modelParameters(mlir::ModuleOp module,
                                                        llvm::StringRef func) {
  auto f = module.lookupSymbol<mlir::func::FuncOp>(func);
  if (!f)
    return error("the model has no function @" + func);
  std::vector<ParamShape> params;
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    auto name = f.getArgAttrOfType<mlir::StringAttr>(i, attr::kParam);
    if (!name)
      continue;
    auto type =
        llvm::dyn_cast<mlir::RankedTensorType>(f.getArgument(i).getType());
    if (!type || !type.getElementType().isF32())
      return error("parameter '" + name.getValue() + "' of @" + func +
                   " is not an f32 tensor");
    params.push_back({name.getValue().str(),
                      llvm::SmallVector<int64_t, 4>(type.getShape().begin(),
                                                    type.getShape().end())});
  }
  return params;
}

llvm::Expected<std::vector<Float32Tensor>>
readHfWeights(llvm::StringRef dir, const TransformerConfig &config,
              llvm::ArrayRef<ParamShape> params) {
  std::deque<SafetensorsReader> readers;
  if (llvm::Error e = openCheckpoint(dir, readers))
    return std::move(e);
  bool gpt2 = config.family == Family::GPT2;
  // mlc's name -> where the tensor is.
  std::map<std::string, Located> found;
  for (const SafetensorsReader &r : readers) {
    std::string file = llvm::sys::path::filename(r.path()).str();
    for (const SafetensorsTensor &t : r.tensors()) {
      if (isBuffer(t.name))
        continue;
      std::string name = t.name;
      // GPT2Model's state dict has no `transformer.` prefix.
      if (gpt2 && !llvm::StringRef(name).starts_with("transformer.") &&
          name != "lm_head.weight")
        name = "transformer." + name;
      auto [it, inserted] = found.insert({name, {file, &t}});
      if (!inserted)
        return error(dir + ": tensor '" + t.name + "' in " + file +
                     " is also given as '" + it->second.tensor->name + "' in " +
                     it->second.fileName);
    }
  }

  auto where = [&](const Located &l) {
    return "tensor '" + l.tensor->name + "' in " +
           (llvm::Twine(dir) + "/" + l.fileName).str();
  };
  auto widen = [&](const Located &l) -> llvm::Expected<std::vector<float>> {
    llvm::StringRef dtype = l.tensor->dtype;
    if (dtype != "F32" && dtype != "F16" && dtype != "BF16")
      return error(where(l) + " is " + dtype +
                   "; weights must be F32, F16 or BF16");
    return toFloat32(*l.tensor);
  };
  std::vector<Float32Tensor> out;
  for (const ParamShape &p : params) {
    auto it = found.find(p.name);
    if (it == found.end())
      return error(dir + ": the checkpoint has no tensor '" + p.name + "' " +
                   shapeText(p.shape) + ", which config.json implies");
    const SafetensorsTensor &t = *it->second.tensor;
    if (llvm::ArrayRef<int64_t>(t.shape) != llvm::ArrayRef<int64_t>(p.shape))
      return error(where(it->second) + " has shape " + shapeText(t.shape) +
                   ", but config.json implies " + shapeText(p.shape));
    llvm::Expected<std::vector<float>> values = widen(it->second);
    if (!values)
      return values.takeError();
    out.push_back({p.name, p.shape, std::move(*values)});
    found.erase(it);
  }

  // A tied head saved beside the embedding must be the embedding.
  bool tied = gpt2 || config.tieEmbeddings;
  auto head = found.find("lm_head.weight");
  if (tied && head != found.end()) {
    llvm::StringRef embedName =
        gpt2 ? "transformer.wte.weight" : "model.embed_tokens.weight";
    auto embed = llvm::find_if(
        out, [&](const Float32Tensor &t) { return t.name == embedName; });
    const SafetensorsTensor &t = *head->second.tensor;
    llvm::Expected<std::vector<float>> values = widen(head->second);
    if (!values)
      return values.takeError();
    if (embed == out.end() ||
        llvm::ArrayRef<int64_t>(t.shape) !=
            llvm::ArrayRef<int64_t>(embed->shape) ||
        std::memcmp(values->data(), embed->values.data(),
                    values->size() * sizeof(float)) != 0)
      return error(where(head->second) + " differs from the embedding '" +
                   embedName + "', but the model ties them (config.json: " +
                   (gpt2 ? "GPT-2 always ties them" : "tie_word_embeddings") +
                   ")");
    found.erase(head);
  }
  if (!found.empty())
    return error(
        where(found.begin()->second) + " is not a parameter of the " +
        (gpt2 ? "GPT-2" : "LLaMA") + " model config.json describes" +
        (found.size() > 1
             ? " (nor are " + std::to_string(found.size() - 1) + " more)"
             : ""));
  return out;
}

llvm::Expected<std::vector<Float32Tensor>>
hfWeightsFromParams(const SafetensorsReader &file,
                    llvm::ArrayRef<ParamShape> params) {
  llvm::StringSet<> names;
  std::vector<Float32Tensor> out;
  for (const ParamShape &p : params) {
    names.insert(p.name);
    const SafetensorsTensor *t = file.find(p.name);
    if (!t)
      return error(file.path() + " has no tensor '" + p.name + "' " +
                   shapeText(p.shape) + ", a parameter of the model");
    if (t->dtype != "F32" ||
        llvm::ArrayRef<int64_t>(t->shape) != llvm::ArrayRef<int64_t>(p.shape))
      return error(file.path() + ": tensor '" + p.name + "' is " +
                   t->describe() + ", the model's parameter is " +
                   shapeText(p.shape) + " F32");
    llvm::Expected<std::vector<float>> values = toFloat32(*t);
    if (!values)
      return values.takeError();
    out.push_back({p.name, p.shape, std::move(*values)});
  }
  // Optimizer state of a checkpoint (--save): the step counter and
  // "<param>.<state>" tensors.
  for (const SafetensorsTensor &t : file.tensors()) {
    llvm::StringRef name = t.name;
    if (names.contains(name) || name == "step" ||
        names.contains(name.rsplit('.').first))
      continue;
    return error(file.path() + ": tensor '" + name +
                 "' is neither a parameter of the model nor optimizer state");
  }
  return out;
}

} // namespace mlc
