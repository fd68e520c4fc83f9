// Rendering mlc-dump's description of an executable as aligned text.
#include "Text.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace mlc::dump {

namespace {

/// `s` with control characters escaped, so a crafted name cannot move the
/// cursor or break a line.
std::string printable(const std::string &s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c != 0x7f) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
    out += escaped;
  }
  return out;
}

/// Columns a string takes on a terminal: one per UTF-8 code point.
size_t displayWidth(const std::string &s) {
  size_t width = 0;
  for (unsigned char c : s)
    width += (c & 0xc0) != 0x80;
  return width;
}

/// Rows printed in aligned columns, two spaces apart.
class Table {
public:
  /// `rightAligned[i]`: column i holds numbers.
  Table(std::vector<std::string> header, std::vector<bool> rightAligned)
      : rightAligned_(std::move(rightAligned)) {
    rows_.push_back(std::move(header));
  }

  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }

  std::string render(const std::string &indent) const {
    std::vector<size_t> widths(rightAligned_.size(), 0);
    for (const std::vector<std::string> &row : rows_)
      for (size_t i = 0; i < row.size(); ++i)
        widths[i] = std::max(widths[i], displayWidth(row[i]));
    std::string out;
    for (const std::vector<std::string> &row : rows_) {
      std::string line = indent;
      for (size_t i = 0; i < row.size(); ++i) {
        std::string pad(widths[i] - displayWidth(row[i]), ' ');
        line +=
            (i ? "  " : "") + (rightAligned_[i] ? pad + row[i] : row[i] + pad);
      }
      line.erase(line.find_last_not_of(' ') + 1);
      out += line + "\n";
    }
    return out;
  }

private:
  std::vector<bool> rightAligned_;
  std::vector<std::vector<std::string>> rows_;
};

std::string formatDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// A scalar or a list of them: 1, 0.5, lt, [0,1].
std::string valueText(const Json &v) {
  if (v.is_null())
    return "-";
  if (v.is_string())
    return printable(v.get<std::string>());
  if (v.is_number_float())
    return formatDouble(v.get<double>());
  if (v.is_array()) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? "," : "") + valueText(v[i]);
    return s + "]";
  }
  return v.dump();
}

std::string join(const std::vector<std::string> &parts,
                 const std::string &sep) {
  std::string s;
  for (size_t i = 0; i < parts.size(); ++i)
    s += (i ? sep : "") + parts[i];
  return s;
}

std::string joinStrings(const Json &list, const std::string &sep) {
  std::vector<std::string> parts;
  for (const Json &s : list)
    parts.push_back(printable(s.get<std::string>()));
  return join(parts, sep);
}

std::string orNone(const std::string &s) { return s.empty() ? "none" : s; }

/// "1 copy", "2 copies".
std::string count(const Json &n, const char *one, const char *many) {
  return n.dump() + " " + (n.get<uint64_t>() == 1 ? one : many);
}

std::string meshText(const Json &mesh) {
  if (mesh["axes"].empty())
    return "one rank";
  std::vector<std::string> axes;
  for (const Json &axis : mesh["axes"])
    axes.push_back(printable(axis["name"].get<std::string>()) + "=" +
                   axis["size"].dump());
  return join(axes, " x ") + " (" + mesh["ranks"].dump() + " ranks)";
}

std::string renderHeader(const Json &d) {
  Table t({"file", printable(d["file"].get<std::string>())}, {false, false});
  t.add({"format version", d["format_version"].dump()});
  t.add({"producer", orNone(printable(d["producer"].get<std::string>()))});
  t.add({"model", orNone(printable(d["model"].get<std::string>()))});
  t.add({"optimizer", orNone(printable(d["optimizer"].get<std::string>()))});
  t.add({"FLOPs per step", d["flops_per_step"].dump()});
  t.add({"parameters", orNone(joinStrings(d["parameter_names"], ", "))});
  t.add({"mesh", meshText(d["mesh"])});
  if (const Json &p = d["pipeline"]; !p.is_null()) {
    char bubble[32];
    std::snprintf(bubble, sizeof bubble, "%.4f",
                  p["bubble_fraction"].get<double>());
    t.add({"pipeline", p["stages"].dump() + " stages, " +
                           p["micro_batches"].dump() + " micro-batches, " +
                           printable(p["schedule"].get<std::string>()) +
                           ", bubble " + bubble});
  }
  return t.render("");
}

/// "kaiming_uniform(a=2.23607)": the initializer with its values named as
/// mlc.init names them.
std::string initText(const Json &init) {
  std::string kind = init["kind"].get<std::string>();
  auto args = [&](const char *first, const char *second) {
    std::string s = kind + "(" + first + "=" + valueText(init["first"]);
    if (second)
      s += std::string(", ") + second + "=" + valueText(init["second"]);
    return s + ")";
  };
  if (kind == "constant")
    return args("value", nullptr);
  if (kind == "normal")
    return args("mean", "std");
  if (kind == "uniform")
    return args("low", "high");
  if (kind == "xavier_uniform")
    return args("gain", nullptr);
  if (kind == "kaiming_uniform")
    return args("a", nullptr);
  return kind;
}

/// "splat 1 (4 bytes of data)" or "64 bytes of data".
std::string constantText(const Json &constant) {
  std::string data = constant["data_bytes"].dump() + " bytes of data";
  if (!constant["splat"].get<bool>())
    return data;
  return "splat " + valueText(constant["value"]) + " (" + data + ")";
}

/// "piece of [128, 384]: split(1, \"tp\", 3), flat(\"dp\")", as the IR
/// writes a shard.
std::string shardText(const Json &shard) {
  std::vector<std::string> dims, steps;
  for (const Json &d : shard["shape"])
    dims.push_back(d.dump());
  for (const Json &step : shard["steps"]) {
    std::string axis = step["axis"].dump();
    if (step["kind"] == "flat")
      steps.push_back("flat(" + axis + ")");
    else
      steps.push_back("split(" + step["dim"].dump() + ", " + axis + ", " +
                      step["blocks"].dump() + ")");
  }
  return "piece of [" + join(dims, ", ") + "]: " + join(steps, ", ");
}

std::string bufferNotes(const Json &buffer) {
  std::vector<std::string> notes;
  if (!buffer["init"].is_null())
    notes.push_back("init " + initText(buffer["init"]));
  if (!buffer["constant"].is_null())
    notes.push_back(constantText(buffer["constant"]));
  if (buffer["frozen"].get<bool>())
    notes.push_back("frozen");
  if (!buffer["view_of"].is_null())
    notes.push_back("view of #" + buffer["view_of"].dump());
  if (!buffer["shard"].is_null())
    notes.push_back(shardText(buffer["shard"]));
  return join(notes, ", ");
}

std::string renderBuffers(const Json &program) {
  Table t({"#", "name", "role", "type", "bytes", "arena", "offset", "notes"},
          {true, false, false, false, true, false, true, false});
  for (const Json &b : program["buffers"])
    t.add({b["index"].dump(), printable(b["name"].get<std::string>()),
           b["role"].get<std::string>(), b["type"].get<std::string>(),
           b["bytes"].dump(),
           b["arena"].dump() + " " + b["arena_kind"].get<std::string>(),
           b["offset"].dump(), bufferNotes(b)});
  return "  buffers (" + std::to_string(program["buffers"].size()) + ")\n" +
         t.render("    ");
}

std::string renderTotals(const Json &program) {
  Table t({"role", "buffers", "bytes", "data bytes"},
          {false, true, true, true});
  uint64_t buffers = 0, bytes = 0, data = 0;
  for (const auto &[role, total] : program["totals"].items()) {
    if (total["buffers"].get<uint64_t>() == 0)
      continue;
    t.add({role, total["buffers"].dump(), total["bytes"].dump(),
           total["data_bytes"].dump()});
    buffers += total["buffers"].get<uint64_t>();
    bytes += total["bytes"].get<uint64_t>();
    data += total["data_bytes"].get<uint64_t>();
  }
  t.add({"total", std::to_string(buffers), std::to_string(bytes),
         std::to_string(data)});
  return "  totals per role\n" + t.render("    ");
}

/// The arenas, then the planned bytes next to the unplanned sum.
std::string renderMemory(const Json &program) {
  const Json &memory = program["memory"];
  Table t({"#", "kind", "bytes", "buffers", "buffer bytes"},
          {true, false, true, true, true});
  for (const Json &a : memory["arenas"])
    t.add({a["index"].dump(), a["kind"].get<std::string>(), a["size"].dump(),
           a["buffers"].dump(), a["buffer_bytes"].dump()});
  uint64_t planned = memory["planned_bytes"].get<uint64_t>();
  uint64_t unplanned = memory["unplanned_bytes"].get<uint64_t>();
  char ratio[32] = "";
  if (unplanned)
    std::snprintf(ratio, sizeof ratio, ", %.3fx",
                  static_cast<double>(planned) /
                      static_cast<double>(unplanned));
  return "  arenas (" + std::to_string(memory["arenas"].size()) + ")\n" +
         t.render("    ") + "  memory: planned " + std::to_string(planned) +
         " bytes (the arenas), unplanned " + std::to_string(unplanned) +
         " bytes (the sum of the buffers)" + ratio + "\n";
}

/// "axes=[0] keepdims": flags by name when set, other values as key=value.
std::string attributesText(const Json &attributes) {
  std::vector<std::string> parts;
  for (const auto &[key, value] : attributes.items()) {
    if (value.is_boolean()) {
      if (value.get<bool>())
        parts.push_back(key);
      continue;
    }
    parts.push_back(key + "=" + valueText(value));
  }
  return join(parts, " ");
}

std::string renderKernels(const Json &program) {
  Table t({"#", "name", "op", "attributes", "computes"},
          {true, false, false, false, false});
  for (const Json &k : program["kernels"])
    t.add({k["index"].dump(), printable(k["name"].get<std::string>()),
           k["op"].is_null() ? k["body"].get<std::string>()
                             : k["op"].get<std::string>(),
           attributesText(k["attributes"]), joinStrings(k["fused_ops"], "; ")});
  return "  kernels (" + std::to_string(program["kernels"].size()) + ")\n" +
         t.render("    ");
}

std::string bufferName(const Json &program, const Json &index) {
  return printable(
      program["buffers"][index.get<size_t>()]["name"].get<std::string>());
}

/// "loss = #20 (train_step.t9)": the buffer's name when it differs; "y =
/// #1 (window, shift 1, vocab 256)" for a token window; "tokens, vocab V"
/// and "position" for the inputs of prefill and decode.
std::string bindingsText(const Json &bindings, const Json &program) {
  std::vector<std::string> parts;
  for (const Json &b : bindings) {
    std::string name = printable(b["name"].get<std::string>());
    std::string buffer = bufferName(program, b["buffer"]);
    std::vector<std::string> notes;
    if (buffer != name)
      notes.push_back(buffer);
    if (!b["shift"].is_null())
      notes.push_back("window, shift " + b["shift"].dump() + ", vocab " +
                      b["vocab"].dump());
    else if (!b["vocab"].is_null())
      notes.push_back("tokens, vocab " + b["vocab"].dump());
    if (b["position"].get<bool>())
      notes.push_back("position");
    parts.push_back(name + " = #" + b["buffer"].dump() +
                    (notes.empty() ? "" : " (" + join(notes, ", ") + ")"));
  }
  return orNone(join(parts, ", "));
}

/// "#0 x, #2 w1" for a command's operands or results.
std::string buffersText(const Json &indices, const Json &program) {
  std::vector<std::string> parts;
  for (const Json &i : indices)
    parts.push_back("#" + i.dump() + " " + bufferName(program, i));
  return join(parts, ", ");
}

std::string renderCommands(const Json &entry, const Json &program) {
  if (entry["commands"].empty())
    return "    no commands\n";
  Table t({"#", "kernel", "flag", "operands -> results"},
          {true, false, false, false});
  for (const Json &c : entry["commands"]) {
    std::string flow = buffersText(c["operands"], program) + " -> " +
                       buffersText(c["results"], program);
    std::string note = printable(c["note"].get<std::string>());
    if (!note.empty())
      flow += "  (" + note + ")";
    std::string kernel = !c["collective"].is_null()
                             ? c["collective"]["kind"].get<std::string>()
                         : c["kernel_name"].is_null()
                             ? "-"
                             : printable(c["kernel_name"].get<std::string>());
    t.add({c["index"].dump(), kernel, c["flag"].get<std::string>(), flow});
  }
  return t.render("    ");
}

/// " per rank, split over dp" when the batch is split over mesh axes.
std::string splitText(const Json &axes) {
  if (axes.empty())
    return "";
  return " per rank, split over " + joinStrings(axes, "x");
}

std::string renderEntry(const Json &entry, const Json &program) {
  std::string out =
      "  entry " + printable(entry["name"].get<std::string>()) + " (" +
      entry["kind"].get<std::string>() + "): batch " +
      entry["batch_size"].dump() + splitText(entry["batch_axes"]) + ", " +
      (entry["context"].get<uint64_t>()
           ? "context " + entry["context"].dump() + ", "
           : std::string()) +
      entry["flops"].dump() + " FLOPs, " +
      count(Json(entry["commands"].size()), "command", "commands") + " (" +
      entry["in_place_updates"].dump() + " in place, " +
      count(entry["copies"], "copy", "copies") + "), workspace " +
      entry["workspace_bytes"].dump() + " bytes\n";
  Table bindings({"inputs", bindingsText(entry["inputs"], program)},
                 {false, false});
  bindings.add({"outputs", bindingsText(entry["outputs"], program)});
  return out + bindings.render("    ") + renderCommands(entry, program);
}

std::string renderProgram(const Json &program) {
  std::vector<std::string> ranks;
  for (const Json &r : program["ranks"])
    ranks.push_back(r.dump());
  std::string runBy =
      ranks.size() == 1 ? "rank " + ranks[0] : "ranks " + join(ranks, ", ");
  std::string out = runBy + " (target " +
                    printable(program["target"].get<std::string>()) + ")\n\n";
  out += renderBuffers(program) + "\n" + renderTotals(program) + "\n" +
         renderMemory(program) + "\n" + renderKernels(program);
  for (const Json &entry : program["entry_points"])
    out += "\n" + renderEntry(entry, program);
  return out;
}

} // namespace

std::string renderText(const Json &description) {
  std::string out = renderHeader(description);
  for (const Json &program : description["programs"])
    out += "\n" + renderProgram(program);
  return out;
}

} // namespace mlc::dump
