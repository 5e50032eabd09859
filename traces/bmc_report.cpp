#include "traces/bmc_report.h"

#include <cstring>

#include <fmt/format.h>

#include "platform/capture/captured_stacks.h"
#include "traces/io.h"
#include "traces/json_read.h"

namespace crashtwin {

namespace {
using ojson = nlohmann::ordered_json;

std::string cper_file_name(size_t index) { return fmt::format("record-{}.cper", index); }

ojson component_json(ComponentId c) { return ojson{{"class", to_string(c.cls)}, {"instance", c.instance}}; }

ComponentId read_component(const json_read::Fields& parent, const char* key) {
  auto f = json_read::object_fields(parent.at(key), parent.path, parent.where + "." + key);
  ComponentId c;
  if (!parse(f.string("class"), c.cls)) f.fail("unknown component class");
  uint64_t instance = f.unsigned_integer("instance");
  if (instance > UINT16_MAX) f.fail("instance out of range");
  c.instance = static_cast<uint16_t>(instance);
  return c;
}

ErrorType read_error_type(const json_read::Fields& f) {
  ErrorType e{};
  std::string name = f.string("error");
  if (!parse(name, e)) f.fail(fmt::format("unknown error type \"{}\"", name));
  return e;
}

uint32_t read_u32(const json_read::Fields& f, const char* key) {
  uint64_t v = f.unsigned_integer(key);
  if (v > UINT32_MAX) f.fail(fmt::format("\"{}\" out of range", key));
  return static_cast<uint32_t>(v);
}
}  // namespace

std::vector<BmcStack> kernel_stacks_of(std::span<const std::byte> cper_bytes) {
  std::vector<BmcStack> out;
  cper::RecordView view;
  if (view.parse(cper_bytes) != Status::ok) return out;
  std::vector<CapturedStack> stacks(256);
  size_t count = 0;
  (void)captured_kernel_stacks(view, stacks, count);
  for (size_t i = 0; i < count; ++i) {
    const CapturedStack& c = stacks[i];
    out.push_back({c.core_known ? int32_t{c.core} : -1, c.usage.used_bytes, c.depth_bytes, c.overflowed()});
  }
  return out;
}

void write_bmc_report(const BmcReport& report, const std::filesystem::path& dir) {
  ojson j = ojson::object();
  ojson records = ojson::array();
  for (size_t i = 0; i < report.records.size(); ++i) {
    const BmcRecord& r = report.records[i];
    ojson sections = ojson::array();
    for (const BmcSection& s : r.sections) {
      ojson section{{"type", s.type}, {"length", s.length}, {"needed", s.needed}, {"captured", s.captured}};
      if (s.protection != "clear") section["protection"] = s.protection;
      sections.push_back(std::move(section));
    }
    ojson stacks = ojson::array();
    for (const BmcStack& k : r.kernel_stacks) {
      ojson stack{{"core", k.core >= 0 ? ojson(k.core) : ojson(nullptr)},
                  {"high_water_bytes", k.high_water_bytes},
                  {"overflow", k.overflow}};
      if (k.core >= 0) stack["depth_bytes"] = k.depth_bytes;
      stacks.push_back(std::move(stack));
    }
    records.push_back(ojson{{"index", i},
                            {"file", r.cper.empty() ? "" : cper_file_name(i)},
                            {"slice", r.slice},
                            {"record_id", r.record_id},
                            {"component", component_json(r.component)},
                            {"error", to_string(r.error)},
                            {"severity", r.severity},
                            {"timestamp_ns", r.timestamp_ns},
                            {"truncated", r.truncated},
                            {"bytes", r.cper.size()},
                            {"sections", std::move(sections)},
                            {"kernel_stacks", std::move(stacks)}});
  }
  ojson verdicts = ojson::array();
  for (const BmcVerdict& v : report.verdicts) {
    verdicts.push_back(ojson{{"alert_t_ns", v.alert_t_ns},
                             {"report_t_ns", v.report_t_ns},
                             {"identified", v.identified},
                             {"failed_component", component_json(v.failed_component)},
                             {"error", to_string(v.error)},
                             {"failure_sequence", v.failure_sequence},
                             {"slice_found", v.slice_found},
                             {"record_found", v.record_found},
                             {"record_truncated", v.record_truncated},
                             {"alert_to_report_s", v.alert_to_report_s},
                             {"records", v.records},
                             {"refused_accesses", v.refused_accesses},
                             {"bytes_drained", v.bytes_drained},
                             {"diagnostics", v.diagnostics},
                             {"related_events", v.related_events}});
    if (v.alarm_asserted_t_ns) verdicts.back()["alarm_asserted_t_ns"] = *v.alarm_asserted_t_ns;
  }
  ojson event_log = ojson::array();
  for (const BmcEvent& e : report.event_log) {
    ojson entry{{"t_ns", e.t_ns}, {"sensor", e.sensor}, {"event", e.event}};
    if (e.reading_c) entry["reading_c"] = *e.reading_c;
    if (e.threshold_c) entry["threshold_c"] = *e.threshold_c;
    if (e.component) entry["component"] = component_json(*e.component);
    if (e.probability) entry["probability"] = *e.probability;
    event_log.push_back(std::move(entry));
  }
  j["records"] = std::move(records);
  j["verdicts"] = std::move(verdicts);
  j["event_log"] = std::move(event_log);
  // Record files first: report.json appearing means the drain is complete.
  for (size_t i = 0; i < report.records.size(); ++i) {
    const auto& bytes = report.records[i].cper;
    if (bytes.empty()) continue;
    write_file_atomically(dir / cper_file_name(i),
                          std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  write_file_atomically(dir / "report.json", j.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n");
}

BmcReport read_bmc_report(const std::filesystem::path& dir) {
  const auto path = dir / "report.json";
  return parse_bmc_report(read_file(path), path, dir);
}

BmcReport parse_bmc_report(std::string_view text, const std::filesystem::path& path,
                           const std::filesystem::path& dir) {
  ojson j = json_read::parse(text, path);
  auto top = json_read::object_fields(j, path, "");
  BmcReport report;
  const ojson& records = top.at("records");
  if (!records.is_array()) top.fail("\"records\" must be an array");
  for (size_t i = 0; i < records.size(); ++i) {
    auto f = json_read::object_fields(records[i], path, fmt::format("records[{}]", i));
    BmcRecord r;
    r.slice = read_u32(f, "slice");
    if (f.has("record_id")) r.record_id = f.unsigned_integer("record_id");
    r.component = read_component(f, "component");
    r.error = read_error_type(f);
    r.severity = f.string("severity");
    r.timestamp_ns = f.unsigned_integer("timestamp_ns");
    r.truncated = f.boolean("truncated");
    const ojson& sections = f.at("sections");
    if (!sections.is_array()) f.fail("\"sections\" must be an array");
    for (size_t k = 0; k < sections.size(); ++k) {
      auto s = json_read::object_fields(sections[k], path, fmt::format("records[{}].sections[{}]", i, k));
      BmcSection section;
      section.type = s.string("type");
      section.length = s.unsigned_integer("length");
      section.needed = s.unsigned_integer("needed");
      section.captured = s.unsigned_integer("captured");
      if (section.captured > section.needed) s.fail("captured exceeds needed");
      if (s.has("protection")) {
        section.protection = s.string("protection");
        if (section.protection != "clear" && section.protection != "redacted" && section.protection != "sealed")
          s.fail("\"protection\" must be \"clear\", \"redacted\" or \"sealed\"");
      }
      r.sections.push_back(std::move(section));
    }
    if (f.has("kernel_stacks")) {
      const ojson& stacks = f.at("kernel_stacks");
      if (!stacks.is_array()) f.fail("\"kernel_stacks\" must be an array");
      for (size_t k = 0; k < stacks.size(); ++k) {
        auto s = json_read::object_fields(stacks[k], path, fmt::format("records[{}].kernel_stacks[{}]", i, k));
        BmcStack stack;
        if (!s.at("core").is_null()) stack.core = static_cast<int32_t>(s.unsigned_integer("core"));
        stack.high_water_bytes = s.unsigned_integer("high_water_bytes");
        stack.overflow = s.boolean("overflow");
        if (s.has("depth_bytes")) stack.depth_bytes = s.unsigned_integer("depth_bytes");
        r.kernel_stacks.push_back(stack);
      }
    }
    if (f.has("file")) {
      std::string file = f.string("file");
      // Only the file name this writer produces: a report must not point the
      // reader outside the bmc directory.
      if (!dir.empty() && !file.empty() && file == cper_file_name(i) && std::filesystem::exists(dir / file)) {
        std::string bytes = read_file(dir / file);
        r.cper.resize(bytes.size());
        std::memcpy(r.cper.data(), bytes.data(), bytes.size());
      }
    }
    report.records.push_back(std::move(r));
  }
  // Before the verdicts, which point into it (absent: a report of before
  // the event log, none).
  if (top.has("event_log")) {
    const ojson& log = top.at("event_log");
    if (!log.is_array()) top.fail("\"event_log\" must be an array");
    for (size_t i = 0; i < log.size(); ++i) {
      auto e = json_read::object_fields(log[i], path, fmt::format("event_log[{}]", i));
      BmcEvent event;
      event.t_ns = e.unsigned_integer("t_ns");
      event.sensor = e.string("sensor");
      event.event = e.string("event");
      if (e.has("reading_c")) event.reading_c = e.number("reading_c");
      if (e.has("threshold_c")) event.threshold_c = e.number("threshold_c");
      if (e.has("component")) event.component = read_component(e, "component");
      if (e.has("probability")) {
        event.probability = e.number("probability");
        if (!(*event.probability >= 0.0 && *event.probability <= 1.0)) e.fail("\"probability\" must be 0 to 1");
      }
      report.event_log.push_back(std::move(event));
    }
  }
  const ojson& verdicts = top.at("verdicts");
  if (!verdicts.is_array()) top.fail("\"verdicts\" must be an array");
  for (size_t i = 0; i < verdicts.size(); ++i) {
    auto f = json_read::object_fields(verdicts[i], path, fmt::format("verdicts[{}]", i));
    BmcVerdict v;
    v.alert_t_ns = f.unsigned_integer("alert_t_ns");
    v.report_t_ns = f.unsigned_integer("report_t_ns");
    v.identified = f.boolean("identified");
    v.failed_component = read_component(f, "failed_component");
    v.error = read_error_type(f);
    if (f.has("failure_sequence")) v.failure_sequence = read_u32(f, "failure_sequence");
    if (f.has("slice_found")) v.slice_found = f.boolean("slice_found");
    if (f.has("record_found")) v.record_found = f.boolean("record_found");
    if (f.has("record_truncated")) v.record_truncated = f.boolean("record_truncated");
    v.alert_to_report_s = f.number("alert_to_report_s");
    const ojson& list = f.at("records");
    if (!list.is_array()) f.fail("\"records\" must be an array of record indices");
    for (const ojson& index : list) {
      if (!index.is_number_unsigned() || index.get<uint64_t>() >= report.records.size()) {
        f.fail("\"records\" holds an index that is not a record");
      }
      v.records.push_back(static_cast<uint32_t>(index.get<uint64_t>()));
    }
    v.refused_accesses = read_u32(f, "refused_accesses");
    v.bytes_drained = f.unsigned_integer("bytes_drained");
    const ojson& diagnostics = f.at("diagnostics");
    if (!diagnostics.is_array()) f.fail("\"diagnostics\" must be an array of strings");
    for (const ojson& d : diagnostics) {
      if (!d.is_string()) f.fail("\"diagnostics\" must be an array of strings");
      v.diagnostics.push_back(d.get<std::string>());
    }
    if (f.has("related_events")) {
      const ojson& related = f.at("related_events");
      if (!related.is_array()) f.fail("\"related_events\" must be an array of event_log indices");
      for (const ojson& index : related) {
        if (!index.is_number_unsigned() || index.get<uint64_t>() >= report.event_log.size())
          f.fail("\"related_events\" holds an index that is not an event_log entry");
        v.related_events.push_back(static_cast<uint32_t>(index.get<uint64_t>()));
      }
    }
    if (f.has("alarm_asserted_t_ns")) {
      v.alarm_asserted_t_ns = f.unsigned_integer("alarm_asserted_t_ns");
      if (*v.alarm_asserted_t_ns > v.alert_t_ns) f.fail("\"alarm_asserted_t_ns\" is after the alert");
    }
    report.verdicts.push_back(std::move(v));
  }
  return report;
}

}  // namespace crashtwin
